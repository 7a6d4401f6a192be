/**
 * Verification of Clerk session tokens, and the auth object built from their claims.
 *
 * - Networkless, with the instance's PEM public key (`jwtKey`): imported once, when the layer is built.
 * - Or with the instance's JWKS through a `JwksSource`: cached per `ClerkAuth` instance (1 hour), refetched
 *   when a token names a key it does not hold (one fetch for any number of concurrent misses, at most one
 *   per 30 seconds), and served from what it has while Clerk cannot be reached.
 * - The checks of `@clerk/backend`'s `verifyToken`, in its order (structure, `typ`, `alg`, signature, then
 *   the claims), with the same reason codes; stricter where it is loose: the issuer is pinned to the
 *   instance's Frontend API by default, JWT-template (`cat`) tokens are refused, and keys of any RSA size
 *   from 2048 bits are accepted.
 * - A token whose signature was verified is remembered (the last 1,000): presenting it again re-checks its
 *   claims (expiry, `azp`, issuer, …) without another RSA verification.
 *
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { ClerkAuth } from "effect-clerk/ClerkAuth"
 *
 * const AuthLive = ClerkAuth.layer({
 *   jwtKey: process.env.CLERK_JWT_KEY!,
 *   publishableKey: process.env.CLERK_PUBLISHABLE_KEY!,
 *   authorizedParties: ["https://example.com"]
 * })
 *
 * const whoIsIt = (token: string) =>
 *   Effect.gen(function*() {
 *     const claims = yield* ClerkAuth.verifyToken(token)
 *     const auth = yield* ClerkAuth.toAuth(claims)
 *     return auth.isAuthenticated && auth.has({ permission: "org:invoices:read" }) ? auth.userId : null
 *   }).pipe(Effect.catchTag("ClerkTokenError", (e) => Effect.logInfo(e.reason).pipe(Effect.as(null))))
 * ```
 *
 * @since 0.1.0
 */
import type * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as authObject from "./internal/auth/authObject.js"
import * as claims from "./internal/auth/claims.js"
import * as errors from "./internal/auth/errors.js"
import type * as keys from "./internal/auth/keys.js"
import * as internal from "./internal/auth/service.js"

// -----------------------------------------------------------------------------------------------------------
// Errors
// -----------------------------------------------------------------------------------------------------------

/**
 * A session token that was not accepted, with Clerk's reason code. It never holds the token, a key, or a
 * claim's value.
 *
 * @since 0.1.0
 * @category errors
 */
export const ClerkTokenError: typeof errors.ClerkTokenError = errors.ClerkTokenError

/**
 * @since 0.1.0
 * @category errors
 */
export type ClerkTokenError = errors.ClerkTokenError

/**
 * Clerk's `TokenVerificationErrorReason` codes: `token-expired`, `token-invalid`, `token-invalid-algorithm`,
 * `token-invalid-authorized-parties`, `token-invalid-issuer`, `token-invalid-signature`,
 * `token-not-active-yet`, `token-iat-in-the-future`, `token-verification-failed`, `secret-key-invalid`,
 * `jwk-local-missing`, `jwk-remote-failed-to-load`, `jwk-remote-invalid`, `jwk-failed-to-resolve`,
 * `jwk-kid-mismatch`.
 *
 * @since 0.1.0
 * @category errors
 */
export type TokenVerificationErrorReason = errors.Reason

/**
 * The reason codes as a Schema.
 *
 * @since 0.1.0
 * @category errors
 */
export const TokenVerificationErrorReason: typeof errors.Reason = errors.Reason

/**
 * What a `JwksSource` fails with: `InvalidSecretKey` (Clerk refused the secret key) or `Unavailable`.
 *
 * @since 0.1.0
 * @category errors
 */
export const JwksFetchError: typeof errors.JwksFetchError = errors.JwksFetchError

/**
 * @since 0.1.0
 * @category errors
 */
export type JwksFetchError = errors.JwksFetchError

// -----------------------------------------------------------------------------------------------------------
// Claims and the auth object
// -----------------------------------------------------------------------------------------------------------

/**
 * The claims of a Clerk session token, v1 and v2, with their wire names (`sub`, `sid`, `sts`, `o`, `fea`,
 * `fva`, `org_id`, …); claims it does not name are kept. Verified claims are frozen.
 *
 * @since 0.1.0
 * @category models
 */
export const SessionClaims: typeof claims.SessionClaims = claims.SessionClaims

/**
 * @since 0.1.0
 * @category models
 */
export type SessionClaims = claims.SessionClaims

/**
 * A v2 token's active organization (`o`).
 *
 * @since 0.1.0
 * @category models
 */
export type OrganizationClaim = claims.OrganizationClaim

/**
 * The impersonator (`act`).
 *
 * @since 0.1.0
 * @category models
 */
export type ActorClaim = claims.ActorClaim

/**
 * What `has()` asks: a `role` or `permission` in the active organization, a `feature` or `plan`, a recent
 * `reverification`; several at once must all hold.
 *
 * @since 0.1.0
 * @category models
 */
export type CheckAuthorizationParams = authObject.CheckAuthorizationParams

/**
 * `strict_mfa` (10 minutes, both factors), `strict` (10 minutes), `moderate` (1 hour), `lax` (1 day).
 *
 * @since 0.1.0
 * @category models
 */
export type ReverificationPreset = authObject.ReverificationPreset

/**
 * @since 0.1.0
 * @category models
 */
export type ReverificationLevel = authObject.ReverificationLevel

/**
 * @since 0.1.0
 * @category models
 */
export type ReverificationConfig = authObject.ReverificationConfig

/**
 * `active`, `pending`, or a status Clerk adds later.
 *
 * @since 0.1.0
 * @category models
 */
export type SessionStatus = authObject.SessionStatus

/**
 * A signed-in session: Clerk's `signedInAuthObject`, with `null` for what the claims do not hold.
 *
 * @since 0.1.0
 * @category models
 */
export type SignedInAuthObject = authObject.SignedInAuthObject

/**
 * No session (or a pending one): every field `null`, `has()` always false.
 *
 * @since 0.1.0
 * @category models
 */
export type SignedOutAuthObject = authObject.SignedOutAuthObject

/**
 * @since 0.1.0
 * @category models
 */
export type AuthObject = SignedInAuthObject | SignedOutAuthObject

/**
 * @since 0.1.0
 * @category models
 */
export type ToAuthOptions = authObject.ToAuthOptions

/**
 * The auth object of verified session claims: `userId`, `sessionId`, `sessionStatus`, the active
 * organization (v1 `org_*` claims, or v2 `o` with `orgPermissions` rebuilt from `fea`, `o.per` and
 * `o.fpm`), `factorVerificationAge`, `actor`, and `has()`. A `pending` session gives the signed-out object
 * unless `treatPendingAsSignedOut: false`.
 *
 * @since 0.1.0
 * @category auth
 */
export const toAuth: (claims: SessionClaims, options?: ToAuthOptions) => AuthObject = authObject.toAuth

/**
 * The signed-out auth object.
 *
 * @since 0.1.0
 * @category auth
 */
export const signedOutAuthObject: SignedOutAuthObject = authObject.signedOutAuthObject

// -----------------------------------------------------------------------------------------------------------
// Keys
// -----------------------------------------------------------------------------------------------------------

/**
 * A JSON Web Key as Clerk's JWKS serves it (`kty`, `kid`, `alg`, `use`, `n`, `e`).
 *
 * @since 0.1.0
 * @category models
 */
export type JwkLike = keys.JwkLike

/**
 * @since 0.1.0
 * @category models
 */
export interface JwksSourceService {
  /** The instance's current JWKS keys. Called at most once per 30 seconds, and once per TTL when all is well. */
  readonly fetch: Effect.Effect<ReadonlyArray<JwkLike>, JwksFetchError>
}

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

// -----------------------------------------------------------------------------------------------------------
// The service
// -----------------------------------------------------------------------------------------------------------

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /**
   * The instance's public key: the PEM from the Dashboard (API keys → "JWT public key", or
   * `CLERK_JWT_KEY`), or an RSA JWK. Any RSA size from 2048 bits. With it, verification never touches the
   * network; without it, keys come from the `JwksSource`.
   */
  readonly jwtKey?: string | JwkLike | undefined
  /** `pk_test_…`/`pk_live_…`: the issuer is pinned to `https://<its Frontend API host>`. */
  readonly publishableKey?: string | undefined
  /** The issuer(s) to accept, exactly; replaces the one derived from `publishableKey` and `proxyUrl`. */
  readonly issuer?: string | ReadonlyArray<string> | undefined
  /** The absolute URL of a Frontend API proxy, accepted as an issuer too. */
  readonly proxyUrl?: string | undefined
  /** The origins whose tokens are accepted (the `azp` claim). When set, a token without `azp` is refused. */
  readonly authorizedParties?: ReadonlyArray<string> | undefined
  /** Accepted `aud` values, checked when the token has an `aud` (Clerk's session tokens have none). */
  readonly audience?: string | ReadonlyArray<string> | undefined
  /** Leeway for `exp`, `nbf` and `iat`; default 5 seconds. */
  readonly clockSkew?: Duration.DurationInput | undefined
  /** How long a fetched JWKS is used before it is fetched again; default 1 hour. */
  readonly jwksCacheTtl?: Duration.DurationInput | undefined
}

/**
 * Per-call overrides of the layer's options.
 *
 * @since 0.1.0
 * @category models
 */
export interface VerifyOptions {
  readonly authorizedParties?: ReadonlyArray<string> | undefined
  readonly audience?: string | ReadonlyArray<string> | undefined
  /** A value that is not a finite duration falls back to the layer's, as Clerk's `clockSkewInMs` does. */
  readonly clockSkew?: Duration.DurationInput | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ClerkAuthService {
  /**
   * The verified claims of a session token, or a `ClerkTokenError` saying why not. Never a defect, whatever
   * the input.
   */
  readonly verifyToken: (token: string, options?: VerifyOptions) => Effect.Effect<SessionClaims, ClerkTokenError>
  /** The auth object of verified claims (see `toAuth`). */
  readonly toAuth: (claims: SessionClaims, options?: ToAuthOptions) => AuthObject
}

/**
 * Builds the service. With a `jwtKey` nothing else is needed; without one, the keys come from the
 * `JwksSource` in context.
 *
 * @since 0.1.0
 * @category constructors
 */
export function make(
  options: Options & { readonly jwtKey: string | JwkLike }
): Effect.Effect<ClerkAuthService, Cause.IllegalArgumentException>
export function make(options: Options): Effect.Effect<ClerkAuthService, Cause.IllegalArgumentException, JwksSource>
export function make(options: Options): Effect.Effect<ClerkAuthService, Cause.IllegalArgumentException, JwksSource> {
  return options.jwtKey !== undefined
    ? internal.make(options, undefined)
    : Effect.flatMap(JwksSource, (source) => internal.make(options, source))
}

/**
 * A layer from plain values. Fails with `IllegalArgumentException` when an option is unusable (a `jwtKey`
 * that is not an RSA public key of 2048 bits or more, a malformed `publishableKey`, no way to pin the
 * issuer), naming the option and never its value.
 *
 * @since 0.1.0
 * @category layers
 */
export function layer(
  options: Options & { readonly jwtKey: string | JwkLike }
): Layer.Layer<ClerkAuth, Cause.IllegalArgumentException>
export function layer(options: Options): Layer.Layer<ClerkAuth, Cause.IllegalArgumentException, JwksSource>
export function layer(options: Options): Layer.Layer<ClerkAuth, Cause.IllegalArgumentException, JwksSource> {
  return Layer.effect(ClerkAuth, Effect.map(make(options), (service) => ClerkAuth.make(service)))
}

/**
 * Session token verification for one Clerk instance.
 *
 * - `ClerkAuth.layer({ jwtKey, publishableKey, authorizedParties })`: networkless.
 * - `ClerkAuth.layer({ publishableKey })` + a `JwksSource`: keys from the instance's JWKS.
 * - `ClerkAuth.verifyToken(token)`, `ClerkAuth.toAuth(claims)`.
 *
 * Each instance has its own JWKS cache and signature cache: build the layer once and provide it once.
 *
 * @since 0.1.0
 * @category tags
 */
export class ClerkAuth extends Effect.Service<ClerkAuth>()("effect-clerk/ClerkAuth", {
  accessors: true,
  effect: (options: Options) => make(options)
}) {
  /**
   * @since 0.1.0
   * @category layers
   */
  static readonly layer = layer
}
