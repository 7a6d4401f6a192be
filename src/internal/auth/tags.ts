/**
 * The tags `ClerkAuth` reads its optional Backend API half from, apart from ClerkAuth.ts so that the module
 * wiring them to the Backend API (`live.ts`), which ClerkAuth.ts registers, does not import ClerkAuth.ts back.
 * ClerkAuth.ts re-exports them.
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { JwkLike, JwksSourceService } from "../../ClerkAuth.js"
import type { MachineTokenVerifierService, SessionBackendService } from "./backend.js"
import * as internal from "./service.js"

/**
 * Verifies opaque machine tokens (`mt_`, `oat_`, `ak_`) through the Backend API. Optional: without it,
 * such tokens fail with `unexpected-error`. `ClerkLive` provides one; tests provide a `Layer.succeed`.
 *
 * @since 0.1.0
 * @category tags
 */
export class MachineTokenVerifier extends Context.Tag("effect-clerk/MachineTokenVerifier")<
  MachineTokenVerifier,
  MachineTokenVerifierService
>() {}

/**
 * The two Backend API calls of the cookie path: the session refresh (`__refresh`) and the handshake
 * payload (`__clerk_handshake_nonce`). Optional: without it, refresh fails with `missing-api-client` (and
 * the handshake takes over) and a nonce resolves to no cookies. `ClerkLive` provides one.
 *
 * @since 0.1.0
 * @category tags
 */
export class SessionBackend extends Context.Tag("effect-clerk/SessionBackend")<
  SessionBackend,
  SessionBackendService
>() {}

/**
 * Where the instance's JWKS comes from when there is no `jwtKey`: in an application, the Backend API's
 * `GET /jwks` with the secret key; in tests, a list of keys.
 *
 * @since 0.1.0
 * @category tags
 */
export class JwksSource extends Context.Tag("effect-clerk/JwksSource")<JwksSource, JwksSourceService>() {
  /**
   * No JWKS: for a setup whose `jwtKey` may be absent (read from the environment, say), so that the layer
   * still builds and verification fails with `jwk-failed-to-resolve` (as Clerk does) rather than
   * reaching for the network.
   *
   * @since 0.1.0
   * @category layers
   */
  static readonly none: Layer.Layer<JwksSource> = Layer.succeed(this, internal.noJwks)

  /**
   * A fixed key set: for tests, and for instances whose JWKS is shipped with the application.
   *
   * @since 0.1.0
   * @category layers
   */
  static readonly fromKeys = (keys: ReadonlyArray<JwkLike>): Layer.Layer<JwksSource> =>
    Layer.succeed(this, { fetch: Effect.succeed(keys) })
}
