/**
 * `ClerkAuth` wired to the Backend API (see ClerkAuthLive.ts, which publishes it): the JWKS through
 * `Jwks.getJWKS`, opaque machine tokens through the `verify` operations of `M2M`, `OAuthAccessTokens` and
 * `ApiKeys`, and the session refresh and handshake payload through `ClerkClient`.
 */
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import { ApiKeys } from "../../../services/ApiKeys.js"
import { Jwks } from "../../../services/Jwks.js"
import { M2M } from "../../../services/M2M.js"
import { OAuthAccessTokens } from "../../../services/OAuthAccessTokens.js"
import type * as ClerkAuth from "../../ClerkAuth.js"
import * as ClerkClient from "../../ClerkClient.js"
import type { ClerkError } from "../../ClerkError.js"
import * as BackendOperations from "./backendOperations.js"
import * as Machine from "./machine.js"
import { JwksFetchError } from "./errors.js"
import { SessionBackendError } from "./backend.js"
import { JwksSource, MachineTokenVerifier, SessionBackend } from "./tags.js"

// Descriptions name the error's class, status and Clerk error codes: never a message from the wire (it
// could echo what was sent) and never the key.
const describe = (error: ClerkError): string => {
  if (!("status" in error)) return error._tag
  const codes = "errors" in error ? error.errors.map((e) => e.code).join(", ") : ""
  return `${error._tag} (${error.status}${codes === "" ? "" : `: ${codes}`})`
}

const hasCode = (error: ClerkError, code: string): boolean =>
  "errors" in error && error.errors.some((e) => e.code === code)

/**
 * The instance's JWKS from `GET /jwks` with the secret key. A 401 with Clerk's `clerk_key_invalid` is
 * `InvalidSecretKey` (verification then fails with `secret-key-invalid`); anything else is `Unavailable`.
 *
 * @since 0.1.0
 * @category layers
 */
export const jwksSource: Layer.Layer<ClerkAuth.JwksSource, never, Jwks> = /*#__PURE__*/ Layer.effect(
  JwksSource,
  Effect.map(Jwks, (jwks) => ({
    fetch: jwks.getJWKS().pipe(
      Effect.map((set) => (set.keys ?? []).map((key): ClerkAuth.JwkLike => ({ ...key, kty: key.kty ?? "" }))),
      Effect.mapError((error) =>
        new JwksFetchError({
          reason: error._tag === "ClerkUnauthorized" && hasCode(error, "clerk_key_invalid")
            ? "InvalidSecretKey"
            : "Unavailable",
          description: describe(error)
        })
      )
    )
  }))
)

/**
 * @since 0.1.0
 * @category models
 */
export interface MachineTokenVerifierOptions {
  /**
   * A machine's secret key (`ak_…`) for `POST /m2m_tokens/verify`: then only tokens granted to that
   * machine verify. Without it, the instance's secret key verifies any of the instance's M2M tokens.
   */
  readonly machineSecretKey?: Redacted.Redacted<string> | undefined
}

// Clerk's `handleClerkAPIError`: 401 → the secret key was refused, 404 → no such token, anything else
// (other statuses, transport failures, undecodable answers) → unexpected.
const machineFailure = (tokenType: Machine.MachineTokenType, notFound: string) => (error: ClerkError) => {
  const status = "status" in error ? error.status : undefined
  switch (status) {
    case 401:
      return Machine.machineError("secret-key-invalid", tokenType, "the Backend API refused the secret key", 401)
    case 404:
      return Machine.machineError("token-invalid", tokenType, notFound, 404)
    default:
      return Machine.machineError("unexpected-error", tokenType, `unexpected error: ${describe(error)}`, status)
  }
}

const orNull = <A>(value: A | null | undefined): A | null => value ?? null

const recordOrNull = (value: unknown): Readonly<Record<string, unknown>> | null =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? { ...value } : null

/**
 * Opaque machine tokens through the Backend API's `verify` operations.
 *
 * @since 0.1.0
 * @category layers
 */
export const machineTokenVerifier = (
  options: MachineTokenVerifierOptions = {}
): Layer.Layer<ClerkAuth.MachineTokenVerifier, never, M2M | OAuthAccessTokens | ApiKeys> =>
  Layer.effect(
    MachineTokenVerifier,
    Effect.map(Effect.all([M2M, OAuthAccessTokens, ApiKeys]), ([m2m, oauth, apiKeys]) => {
      const withMachineKey = options.machineSecretKey === undefined
        ? <A, E, R>(effect: Effect.Effect<A, E, R>) => effect
        : ClerkClient.withSecretKey(options.machineSecretKey)
      return {
        verifyM2MToken: (token) =>
          withMachineKey(m2m.verifyToken({ token })).pipe(
            Effect.map((t): Machine.M2MToken => ({
              id: t.id,
              subject: t.subject,
              scopes: t.scopes ?? [],
              claims: recordOrNull(t.claims),
              revoked: t.revoked,
              revocationReason: t.revocationReason,
              expired: t.expired,
              expiration: t.expiration,
              createdAt: t.createdAt,
              updatedAt: t.updatedAt
            })),
            Effect.mapError(machineFailure("m2m_token", "Machine token not found"))
          ),
        verifyOAuthToken: (token) =>
          oauth.verify({ accessToken: token }).pipe(
            Effect.mapError(machineFailure("oauth_token", "OAuth token not found")),
            Effect.flatMap((t) =>
              "id" in t
                ? Effect.succeed<Machine.OAuthToken>({
                  id: t.id,
                  clientId: t.clientId,
                  subject: t.subject,
                  scopes: t.scopes,
                  revoked: t.revoked,
                  revocationReason: t.revocationReason,
                  expired: t.expired,
                  expiration: t.expiration,
                  createdAt: t.createdAt,
                  updatedAt: t.updatedAt
                })
                // `{ active: false }`: a token the Backend API knows but no longer accepts.
                : Effect.fail(Machine.machineError("token-invalid", "oauth_token", "the OAuth token is not active"))
            )
          ),
        verifyApiKey: (secret) =>
          apiKeys.verify({ secret }).pipe(
            Effect.map((k): Machine.ApiKey => ({
              id: k.id,
              type: k.type,
              name: k.name,
              subject: k.subject,
              description: orNull(k.description),
              claims: recordOrNull(k.claims),
              scopes: k.scopes,
              revoked: k.revoked,
              revocationReason: k.revocationReason,
              expired: k.expired,
              expiration: k.expiration,
              createdBy: k.createdBy,
              lastUsedAt: k.lastUsedAt,
              createdAt: k.createdAt,
              updatedAt: k.updatedAt
            })),
            Effect.mapError(machineFailure("api_key", "API key not found"))
          )
      }
    })
  )

// `@clerk/backend`'s refresh error reasons: no answer or Clerk's own `unexpected_error` is `fetch-error`,
// another Clerk error is its code, and the rest is `unexpected-bapi-error`.
const refreshFailure = (error: ClerkError): ClerkAuth.SessionBackendError => {
  const code = "errors" in error ? error.errors[0]?.code : undefined
  const reason = error._tag === "ClerkRequestError" || code === "unexpected_error"
    ? "fetch-error"
    : code ?? "unexpected-bapi-error"
  return new SessionBackendError({ reason, description: describe(error) })
}

/**
 * The session refresh (`POST /sessions/{id}/refresh`) and the handshake payload
 * (`GET /clients/handshake_payload`), through the core client.
 *
 * @since 0.1.0
 * @category layers
 */
export const sessionBackend: Layer.Layer<ClerkAuth.SessionBackend, never, ClerkClient.ClerkClient> = /*#__PURE__*/ Layer.effect(
  SessionBackend,
  Effect.map(ClerkClient.ClerkClient, (client) => ({
    getHandshakePayload: (nonce) =>
      client.execute(BackendOperations.GetHandshakePayload, { nonce }).pipe(
        Effect.map((payload) => payload.directives),
        Effect.mapError(refreshFailure)
      ),
    refreshSession: (params) =>
      client.execute(BackendOperations.RefreshSession, {
        sessionId: params.sessionId,
        expiredToken: params.expiredToken,
        refreshToken: params.refreshToken,
        requestOrigin: params.requestOrigin,
        requestHeaders: params.requestHeaders,
        suffixedCookies: params.suffixedCookies,
        format: "cookie" as const
      }).pipe(
        Effect.map((refreshed) => refreshed.cookies),
        Effect.mapError(refreshFailure)
      )
  }))
)

/**
 * The Backend API's half of request authentication, over the generated services and `ClerkClient`.
 *
 * @since 0.1.0
 * @category layers
 */
export const backend = (
  options: MachineTokenVerifierOptions = {}
): Layer.Layer<
  ClerkAuth.JwksSource | ClerkAuth.MachineTokenVerifier | ClerkAuth.SessionBackend,
  never,
  Jwks | M2M | OAuthAccessTokens | ApiKeys | ClerkClient.ClerkClient
> => Layer.mergeAll(jwksSource, machineTokenVerifier(options), sessionBackend)

/**
 * @since 0.1.0
 * @category models
 */
export interface ConfigOptions extends ClerkAuth.ConfigOptions {
  /** Default `CLERK_MACHINE_SECRET_KEY`, optional. */
  readonly machineSecretKey?: Config.Config<Redacted.Redacted<string> | undefined> | undefined
}

/**
 * `layerConfig` (`ClerkAuth.layerConfig`, passed in: this module must not import ClerkAuth.ts) with the
 * Backend API wired. Building it never fails for want of auth configuration.
 */
export const layerConfigWith = (
  authLayerConfig: (config: ClerkAuth.ConfigOptions) => Layer.Layer<ClerkAuth.ClerkAuth, ConfigError.ConfigError, JwksSource>
) =>
(
  config: ConfigOptions = {}
): Layer.Layer<
  ClerkAuth.ClerkAuth,
  ConfigError.ConfigError,
  Jwks | M2M | OAuthAccessTokens | ApiKeys | ClerkClient.ClerkClient
> => {
  const { machineSecretKey, ...authConfig } = config
  const secret = machineSecretKey ??
    Config.map(Config.option(Config.redacted("CLERK_MACHINE_SECRET_KEY")), Option.getOrUndefined)
  return Layer.unwrapEffect(
    Effect.map(secret, (key) =>
      authLayerConfig(authConfig).pipe(
        Layer.provide(backend(key === undefined ? {} : { machineSecretKey: key }))
      ))
  )
}

/**
 * The same from the environment, with the four services it calls: what `ClerkLive` provides when ClerkAuth.ts
 * is loaded (src/internal/registry.ts).
 */
export const registered = (
  authLayerConfig: (config: ClerkAuth.ConfigOptions) => Layer.Layer<ClerkAuth.ClerkAuth, ConfigError.ConfigError, JwksSource>
): Layer.Layer<ClerkAuth.ClerkAuth, ConfigError.ConfigError, ClerkClient.ClerkClient> =>
  Layer.suspend(() =>
    layerConfigWith(authLayerConfig)().pipe(
      Layer.provide(Layer.mergeAll(Jwks.Default, M2M.Default, OAuthAccessTokens.Default, ApiKeys.Default))
    )
  )
