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
 * - `authenticateRequest(request)`: Clerk's request authentication (bearer header, `__session` cookies,
 *   handshake, satellites, organization sync, machine tokens) returning `SignedIn | SignedOut | Handshake`.
 * - Machine tokens: M2M and OAuth JWTs verified locally; opaque `mt_`, `oat_`, `ak_` through a
 *   `MachineTokenVerifier` (the Backend API, wired by `ClerkLive`).
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
import * as Cause from "effect/Cause"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as authObject from "./internal/auth/authObject.js"
import * as backend from "./internal/auth/backend.js"
import * as claims from "./internal/auth/claims.js"
import * as errors from "./internal/auth/errors.js"
import type * as keys from "./internal/auth/keys.js"
import * as machine from "./internal/auth/machine.js"
import type * as organizationSync from "./internal/auth/organizationSync.js"
import type * as requestContext from "./internal/auth/requestContext.js"
import * as internal from "./internal/auth/service.js"
import type * as state from "./internal/auth/state.js"
import * as Registry from "./internal/registry.js"
import * as Live from "./internal/auth/live.js"
import { JwksSource, MachineTokenVerifier, SessionBackend } from "./internal/auth/tags.js"

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

/**
 * A machine token that was not accepted: `code` is Clerk's `MachineTokenVerificationErrorCode`
 * (`token-invalid`, `secret-key-invalid`, `unexpected-error`, `token-verification-failed`) or
 * `token-type-unknown` for a token that is no machine token; `tokenType` what it was taken for. Never holds
 * the token.
 *
 * @since 0.1.0
 * @category errors
 */
export const ClerkMachineTokenError: typeof machine.ClerkMachineTokenError = machine.ClerkMachineTokenError

/**
 * @since 0.1.0
 * @category errors
 */
export type ClerkMachineTokenError = machine.ClerkMachineTokenError

/**
 * @since 0.1.0
 * @category errors
 */
export type MachineTokenErrorCode = machine.MachineTokenErrorCode

/**
 * What a `SessionBackend` fails with; `reason` becomes the tail of `session-token-expired-refresh-<reason>`.
 *
 * @since 0.1.0
 * @category errors
 */
export const SessionBackendError: typeof backend.SessionBackendError = backend.SessionBackendError

/**
 * @since 0.1.0
 * @category errors
 */
export type SessionBackendError = backend.SessionBackendError

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
// Request authentication
// -----------------------------------------------------------------------------------------------------------

/**
 * A web `Request` or an `@effect/platform` `HttpServerRequest`.
 *
 * @since 0.1.0
 * @category models
 */
export type RequestInput = requestContext.RequestInput

/**
 * `session_token`, `m2m_token`, `oauth_token` or `api_key`.
 *
 * @since 0.1.0
 * @category models
 */
export type TokenType = machine.TokenType

/**
 * @since 0.1.0
 * @category models
 */
export type MachineTokenType = machine.MachineTokenType

/**
 * Which tokens a request may carry: one type, a list, or `any`. Machine tokens are only ever read from
 * the `Authorization` header.
 *
 * @since 0.1.0
 * @category models
 */
export type AcceptsToken = TokenType | "any" | ReadonlyArray<TokenType>

/**
 * @since 0.1.0
 * @category models
 */
export type OrganizationSyncOptions = organizationSync.OrganizationSyncOptions

/**
 * Per-call options of `authenticateRequest`: the verification overrides, which tokens to accept, and
 * organization-sync patterns.
 *
 * @since 0.1.0
 * @category models
 */
export interface AuthenticateRequestOptions extends VerifyOptions {
  /** Default: the layer's `acceptsToken`, else `session_token`. */
  readonly acceptsToken?: AcceptsToken | undefined
  /** Replaces the layer's patterns for this call. */
  readonly organizationSyncOptions?: OrganizationSyncOptions | undefined
}

/**
 * Every reason a request is signed out or sent to the handshake: Clerk's `AuthErrorReason`, the token
 * verification reasons, the machine-token codes, `session-token-expired-refresh-<why>` and
 * `No token in header`.
 *
 * @since 0.1.0
 * @category models
 */
export type AuthReason = state.AuthReason

/**
 * @since 0.1.0
 * @category models
 */
export type AuthErrorReason = state.AuthErrorReason

/**
 * @since 0.1.0
 * @category models
 */
export type RefreshErrorReason = state.RefreshErrorReason

/**
 * A verified session token: `toAuth()` gives the auth object (signed out for a `pending` session unless
 * `{ treatPendingAsSignedOut: false }`).
 *
 * @since 0.1.0
 * @category models
 */
export type SignedInSession = state.SignedInSession

/**
 * A verified machine token: `machineToken` holds what Clerk says of it, `toAuth()` the machine auth object.
 *
 * @since 0.1.0
 * @category models
 */
export type SignedInMachine = state.SignedInMachine

/**
 * @since 0.1.0
 * @category models
 */
export type SignedIn = state.SignedIn

/**
 * Not authenticated, with Clerk's `reason` and `message`; `headers` carry the `x-clerk-auth-*` debug headers.
 *
 * @since 0.1.0
 * @category models
 */
export type SignedOut = state.SignedOut

/**
 * The browser must go through Clerk's handshake: answer with a 307 carrying `headers` (`Location`,
 * `Set-Cookie`, `Cache-Control`).
 *
 * @since 0.1.0
 * @category models
 */
export type Handshake = state.Handshake

/**
 * `SignedIn | SignedOut | Handshake`, tagged by `_tag` (and Clerk's `status`).
 *
 * @since 0.1.0
 * @category models
 */
export type RequestState = state.RequestState

/**
 * @since 0.1.0
 * @category models
 */
export type MachineAuthObject = state.MachineAuthObject

/**
 * @since 0.1.0
 * @category models
 */
export type ApiKeyAuthObject = state.ApiKeyAuthObject

/**
 * @since 0.1.0
 * @category models
 */
export type M2MAuthObject = state.M2MAuthObject

/**
 * @since 0.1.0
 * @category models
 */
export type OAuthAuthObject = state.OAuthAuthObject

/**
 * @since 0.1.0
 * @category models
 */
export type UnauthenticatedMachineObject = state.UnauthenticatedMachineObject

/**
 * @since 0.1.0
 * @category models
 */
export type InvalidTokenAuthObject = state.InvalidTokenAuthObject

/**
 * @since 0.1.0
 * @category models
 */
export type M2MToken = machine.M2MToken

/**
 * @since 0.1.0
 * @category models
 */
export type OAuthToken = machine.OAuthToken

/**
 * @since 0.1.0
 * @category models
 */
export type ApiKey = machine.ApiKey

/**
 * A verified machine token: Clerk's `{ data, tokenType }`.
 *
 * @since 0.1.0
 * @category models
 */
export type MachineToken = machine.MachineToken

/**
 * @since 0.1.0
 * @category models
 */
export type MachineTokenVerifierService = backend.MachineTokenVerifierService


/**
 * @since 0.1.0
 * @category models
 */
export type RefreshSessionParams = backend.RefreshSessionParams

/**
 * @since 0.1.0
 * @category models
 */
export type SessionBackendService = backend.SessionBackendService


export {
  /**
   * Where the instance's JWKS comes from when there is no `jwtKey`: in an application, the Backend API's
   * `GET /jwks` with the secret key; in tests, a list of keys (`JwksSource.fromKeys`, `JwksSource.none`).
   *
   * @since 0.1.0
   * @category tags
   */
  JwksSource,
  /**
   * Verifies opaque machine tokens (`mt_`, `oat_`, `ak_`) through the Backend API. Optional.
   *
   * @since 0.1.0
   * @category tags
   */
  MachineTokenVerifier,
  /**
   * The two Backend API calls of the cookie path (session refresh, handshake payload). Optional.
   *
   * @since 0.1.0
   * @category tags
   */
  SessionBackend
}

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
  /** Which tokens `authenticateRequest` accepts by default; default `session_token`. */
  readonly acceptsToken?: AcceptsToken | undefined
  /** This application is a satellite of another domain's primary (multi-domain). */
  readonly isSatellite?: boolean | undefined
  /** A satellite's domain (`satellite.example.com`): its Frontend API is `clerk.<domain>` in production. */
  readonly domain?: string | undefined
  /** The primary's sign-in page; an absolute URL on another origin, required for development satellites. */
  readonly signInUrl?: string | undefined
  readonly signUpUrl?: string | undefined
  readonly afterSignInUrl?: string | undefined
  readonly afterSignUpUrl?: string | undefined
  /** A satellite page load with no Clerk cookies goes to the primary to sync; default `false`, as Clerk's Core 3. */
  readonly satelliteAutoSync?: boolean | undefined
  /** URL patterns that name the active organization (`/orgs/:slug/(.*)`) or the personal account. */
  readonly organizationSyncOptions?: OrganizationSyncOptions | undefined
}

/**
 * The options of `layerConfig`. Those read from the environment by default are `Config` values; an absent
 * variable leaves the option unset. The others are plain values.
 *
 * @since 0.1.0
 * @category models
 */
export interface ConfigOptions extends
  Omit<
    Options,
    | "jwtKey"
    | "publishableKey"
    | "authorizedParties"
    | "proxyUrl"
    | "domain"
    | "isSatellite"
    | "signInUrl"
    | "signUpUrl"
  >
{
  /** Default `CLERK_JWT_KEY` (a PEM; literal `\n` sequences read as line breaks). */
  readonly jwtKey?: Config.Config<string | undefined> | undefined
  /** Default `CLERK_PUBLISHABLE_KEY`. */
  readonly publishableKey?: Config.Config<string | undefined> | undefined
  /** Default `CLERK_AUTHORIZED_PARTIES`, a comma-separated list of origins. */
  readonly authorizedParties?: Config.Config<ReadonlyArray<string> | undefined> | undefined
  /** Default `CLERK_PROXY_URL`. */
  readonly proxyUrl?: Config.Config<string | undefined> | undefined
  /** Default `CLERK_DOMAIN`. */
  readonly domain?: Config.Config<string | undefined> | undefined
  /** Default `CLERK_IS_SATELLITE`. */
  readonly isSatellite?: Config.Config<boolean | undefined> | undefined
  /** Default `CLERK_SIGN_IN_URL`. */
  readonly signInUrl?: Config.Config<string | undefined> | undefined
  /** Default `CLERK_SIGN_UP_URL`. */
  readonly signUpUrl?: Config.Config<string | undefined> | undefined
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
  /**
   * A machine token: an M2M JWT (`sub` `mch_…`) or OAuth access-token JWT (`typ` `at+jwt`) verified
   * locally with the instance's keys, or an opaque `mt_…`/`oat_…`/`ak_…` through the `MachineTokenVerifier`.
   * Anything else fails with `token-type-unknown`.
   */
  readonly verifyMachineToken: (
    token: string,
    options?: VerifyOptions
  ) => Effect.Effect<MachineToken, ClerkMachineTokenError>
  /**
   * Who is calling, as Clerk's `authenticateRequest` decides it: `SignedIn`, `SignedOut` (with Clerk's
   * reason) or `Handshake` (a redirect for the browser). Never fails.
   */
  readonly authenticateRequest: (
    request: RequestInput,
    options?: AuthenticateRequestOptions
  ) => Effect.Effect<RequestState>
  /** The auth object of verified claims (see `toAuth`). */
  readonly toAuth: (claims: SessionClaims, options?: ToAuthOptions) => AuthObject
}

// The optional Backend API services, taken from context when present. A function, so that importing the
// module runs nothing.
const backends = (): Effect.Effect<internal.Backends> =>
  Effect.map(
    Effect.all([Effect.serviceOption(MachineTokenVerifier), Effect.serviceOption(SessionBackend)]),
    ([machineVerifier, sessionBackend]) => ({
      machine: Option.getOrUndefined(machineVerifier),
      session: Option.getOrUndefined(sessionBackend)
    })
  )

const makeWith = (
  options: Options,
  lenient: boolean
): Effect.Effect<ClerkAuthService, Cause.IllegalArgumentException, JwksSource> =>
  Effect.flatMap(backends(), (found) =>
    options.jwtKey !== undefined
      ? internal.make(options, undefined, found, { lenient })
      : Effect.flatMap(JwksSource, (source) => internal.make(options, source, found, { lenient })))

/**
 * Builds the service. With a `jwtKey` nothing else is needed; without one, the keys come from the
 * `JwksSource` in context. A `MachineTokenVerifier` and a `SessionBackend` in context are used when present.
 *
 * @since 0.1.0
 * @category constructors
 */
export function make(
  options: Options & { readonly jwtKey: string | JwkLike }
): Effect.Effect<ClerkAuthService, Cause.IllegalArgumentException>
export function make(options: Options): Effect.Effect<ClerkAuthService, Cause.IllegalArgumentException, JwksSource>
export function make(options: Options): Effect.Effect<ClerkAuthService, Cause.IllegalArgumentException, JwksSource> {
  return makeWith(options, false)
}

const optionalString = (name: string): Config.Config<string | undefined> =>
  Config.map(Config.option(Config.string(name)), (value) => {
    const text = Option.getOrUndefined(value)?.trim()
    return text === "" ? undefined : text
  })

const optionalList = (name: string): Config.Config<ReadonlyArray<string> | undefined> =>
  Config.map(optionalString(name), (value) => {
    const list = value?.split(",").map((entry) => entry.trim()).filter((entry) => entry !== "")
    return list === undefined || list.length === 0 ? undefined : list
  })

const optionalBoolean = (name: string): Config.Config<boolean | undefined> =>
  Config.map(Config.option(Config.boolean(name)), Option.getOrUndefined)

/**
 * The options read from `Config` (the environment by default): `CLERK_JWT_KEY`, `CLERK_PUBLISHABLE_KEY`,
 * `CLERK_AUTHORIZED_PARTIES` (comma-separated), `CLERK_PROXY_URL`, `CLERK_DOMAIN`, `CLERK_IS_SATELLITE`,
 * `CLERK_SIGN_IN_URL`, `CLERK_SIGN_UP_URL`; every one optional.
 *
 * @since 0.1.0
 * @category constructors
 */
export const optionsFromConfig = (config: ConfigOptions = {}): Effect.Effect<Options, ConfigError.ConfigError> =>
  Effect.map(
    Config.all({
      jwtKey: config.jwtKey ?? optionalString("CLERK_JWT_KEY"),
      publishableKey: config.publishableKey ?? optionalString("CLERK_PUBLISHABLE_KEY"),
      authorizedParties: config.authorizedParties ?? optionalList("CLERK_AUTHORIZED_PARTIES"),
      proxyUrl: config.proxyUrl ?? optionalString("CLERK_PROXY_URL"),
      domain: config.domain ?? optionalString("CLERK_DOMAIN"),
      isSatellite: config.isSatellite ?? optionalBoolean("CLERK_IS_SATELLITE"),
      signInUrl: config.signInUrl ?? optionalString("CLERK_SIGN_IN_URL"),
      signUpUrl: config.signUpUrl ?? optionalString("CLERK_SIGN_UP_URL")
    }),
    (read): Options => ({ ...config, ...read })
  )

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
 * A layer from `Config` (the environment by default; see `optionsFromConfig`). A present but unusable
 * value (a malformed publishable key, a `jwtKey` that is no RSA public key, `CLERK_IS_SATELLITE=maybe`) is
 * a `ConfigError`. A missing publishable key is not: an application that only calls the Backend API
 * builds fine, and verification fails when attempted, `verifyToken` with `jwk-failed-to-resolve` and
 * `authenticateRequest` signed out with that reason, each naming `CLERK_PUBLISHABLE_KEY`.
 *
 * Without `CLERK_JWT_KEY`, the keys come from the `JwksSource` in context (`ClerkLive` provides the
 * Backend API's; `JwksSource.none` provides none).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  config: ConfigOptions = {}
): Layer.Layer<ClerkAuth, ConfigError.ConfigError, JwksSource> =>
  Layer.effect(
    ClerkAuth,
    optionsFromConfig(config).pipe(
      Effect.flatMap((options) =>
        Effect.catchTag(
          makeWith(options, true),
          "IllegalArgumentException",
          (error) => Effect.fail(ConfigError.InvalidData([], error.message))
        )
      ),
      Effect.map((service) => ClerkAuth.make(service))
    )
  )

/**
 * Session token verification and request authentication for one Clerk instance.
 *
 * - `ClerkAuth.layer({ jwtKey, publishableKey, authorizedParties })`: networkless.
 * - `ClerkAuth.layer({ publishableKey })` + a `JwksSource`: keys from the instance's JWKS.
 * - `ClerkAuth.layerConfig()`: the same from the environment (in `ClerkLive`, with the Backend API wired).
 * - `ClerkAuth.verifyToken(token)`, `ClerkAuth.authenticateRequest(request)`,
 *   `ClerkAuth.verifyMachineToken(token)`, `ClerkAuth.toAuth(claims)`.
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
  /**
   * @since 0.1.0
   * @category layers
   */
  static readonly layerConfig = layerConfig
}

// `ClerkLive` provides `ClerkAuth` wired to the Backend API when this module is loaded, and only then: a
// program that never names `ClerkAuth` does not ship it (src/internal/registry.ts).
Registry.registerAuth(/*#__PURE__*/ Live.registered(layerConfig))
