/**
 * `ClerkAuth` wired to the Backend API: the JWKS through `Jwks.getJWKS`, opaque machine tokens through
 * the `verify` operations of `M2M`, `OAuthAccessTokens` and `ApiKeys`, and the session refresh and
 * handshake payload through `ClerkClient`. The auth core knows none of these services; this module is
 * where they meet. `ClerkLive` includes `layerConfig()` whenever `ClerkAuth` is loaded.
 *
 * ```ts
 * import * as Layer from "effect/Layer"
 * import { Clerk, ClerkAuthLive } from "effect-clerk"
 *
 * // Your own HttpClient and config, with auth:
 * const AppLive = ClerkAuthLive.layerConfig().pipe(Layer.provideMerge(Clerk.layerConfig()))
 * ```
 *
 * @since 0.1.0
 */
import type * as ConfigError from "effect/ConfigError"
import type * as Layer from "effect/Layer"
import type { ApiKeys } from "../services/ApiKeys.js"
import type { Jwks } from "../services/Jwks.js"
import type { M2M } from "../services/M2M.js"
import type { OAuthAccessTokens } from "../services/OAuthAccessTokens.js"
import * as ClerkAuth from "./ClerkAuth.js"
import type * as ClerkClient from "./ClerkClient.js"
import * as Live from "./internal/auth/live.js"

export {
  /**
   * Opaque machine tokens through the Backend API's `verify` operations.
   *
   * @since 0.1.0
   * @category layers
   */
  machineTokenVerifier,
  /**
   * The instance's JWKS from `GET /jwks` with the secret key. A 401 with Clerk's `clerk_key_invalid` is
   * `InvalidSecretKey` (verification then fails with `secret-key-invalid`); anything else is `Unavailable`.
   *
   * @since 0.1.0
   * @category layers
   */
  jwksSource,
  /**
   * The session refresh (`POST /sessions/{id}/refresh`) and the handshake payload
   * (`GET /clients/handshake_payload`), through the core client.
   *
   * @since 0.1.0
   * @category layers
   */
  sessionBackend,
  /**
   * The Backend API's half of request authentication, over the generated services and `ClerkClient`.
   *
   * @since 0.1.0
   * @category layers
   */
  backend
} from "./internal/auth/live.js"

export type {
  /**
   * @since 0.1.0
   * @category models
   */
  ConfigOptions,
  /**
   * @since 0.1.0
   * @category models
   */
  MachineTokenVerifierOptions
} from "./internal/auth/live.js"

/**
 * `ClerkAuth.layerConfig` with the Backend API wired: what `ClerkLive` includes. Building it never fails
 * for want of auth configuration (see `ClerkAuth.layerConfig`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig: (
  config?: Live.ConfigOptions
) => Layer.Layer<
  ClerkAuth.ClerkAuth,
  ConfigError.ConfigError,
  Jwks | M2M | OAuthAccessTokens | ApiKeys | ClerkClient.ClerkClient
> = /*#__PURE__*/ Live.layerConfigWith(ClerkAuth.layerConfig)
