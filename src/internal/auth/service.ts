/**
 * `ClerkAuth`'s constructor: the options checked and normalised once, the key imported once, the
 * resolver, the verifiers (session, M2M JWT, OAuth JWT) and the request authenticator built once; the
 * methods then only merge per-call options.
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type { ClerkAuthService, JwksSourceService, Options, VerifyOptions } from "../../ClerkAuth.js"
import * as Authenticate from "./authenticate.js"
import * as AuthObject from "./authObject.js"
import type { MachineTokenVerifierService, SessionBackendService } from "./backend.js"
import type * as Claims from "./claims.js"
import * as Cookies from "./cookies.js"
import { ClerkTokenError, JwksFetchError } from "./errors.js"
import * as Jwt from "./jwt.js"
import * as Machine from "./machine.js"
import * as OrganizationSync from "./organizationSync.js"
import * as Resolver from "./resolver.js"
import * as SessionRules from "./sessionRules.js"
import * as State from "./state.js"
import * as Verifier from "./verifier.js"

export const DEFAULT_CLOCK_SKEW = SessionRules.DEFAULT_CLOCK_SKEW
export const DEFAULT_JWKS_CACHE_TTL = Duration.hours(1)
/** At most one JWKS fetch per interval, whatever asks for it. */
export const MIN_REFETCH_INTERVAL = Duration.seconds(30)

/** `JwksSource.none`: recognised by identity, so the verifier fails with `jwk-failed-to-resolve` at once. */
export const noJwks: JwksSourceService = {
  fetch: Effect.fail(new JwksFetchError({ reason: "Unavailable", description: "no JWKS source is configured" }))
}

/** The Backend API services request authentication may use, when the composition root provides them. */
export interface Backends {
  readonly machine: MachineTokenVerifierService | undefined
  readonly session: SessionBackendService | undefined
}

export const noBackends: Backends = { machine: undefined, session: undefined }

const NAME = "ClerkAuth"
const illegal = (message: string) => SessionRules.illegal(NAME, message)

const resolver = (
  options: Options,
  source: JwksSourceService | undefined
): Effect.Effect<Resolver.KeyResolver, Cause.IllegalArgumentException> => {
  if (options.jwtKey !== undefined) return SessionRules.localKeys(options.jwtKey, NAME)
  const ttl = SessionRules.millis(options.jwksCacheTtl, DEFAULT_JWKS_CACHE_TTL)
  if (ttl === undefined) return Effect.fail(illegal("jwksCacheTtl must be a finite, non-negative duration"))
  if (source === undefined || source === noJwks) return Effect.succeed(Resolver.none)
  return Resolver.jwks({ fetch: source.fetch, ttl, minRefetchInterval: Duration.toMillis(MIN_REFETCH_INTERVAL) })
}

const m2mProfile: Verifier.Profile<Machine.M2MClaims> = { header: Machine.m2mHeader, claims: Machine.decodeM2MClaims }
const oauthProfile: Verifier.Profile<Machine.OAuthClaims> = {
  header: Machine.oauthHeader,
  claims: Machine.decodeOAuthClaims
}

const machineFailure = (tokenType: Machine.MachineTokenType) => (error: ClerkTokenError) =>
  Machine.machineError("token-verification-failed", tokenType, `${error.reason}: ${error.description}`)

export interface MakeOptions {
  /**
   * When no issuer can be pinned (no publishable key, issuer or proxy), build anyway: session token
   * verification then fails with `jwk-failed-to-resolve` naming what is missing. For `layerConfig`, so
   * that an application that only calls the Backend API is not refused for lacking auth configuration.
   */
  readonly lenient: boolean
}

export const make = (
  options: Options,
  source: JwksSourceService | undefined,
  backends: Backends = noBackends,
  makeOptions: MakeOptions = { lenient: false }
): Effect.Effect<ClerkAuthService, Cause.IllegalArgumentException> =>
  Effect.gen(function*() {
    const inst = yield* SessionRules.instance(options, NAME)
    const keys = yield* resolver(options, source)
    const pinned = SessionRules.issuers(options, inst)
    const rulesFor = yield* SessionRules.rules(options, pinned, NAME)
    let organizationSync: OrganizationSync.OrganizationMatcher
    try {
      organizationSync = OrganizationSync.make(options.organizationSyncOptions)
    } catch (error) {
      return yield* illegal(`organizationSyncOptions has an invalid pattern (${error instanceof Error ? error.message : "?"})`)
    }
    if (pinned === undefined && !makeOptions.lenient) {
      return yield* illegal("the issuer cannot be pinned: give publishableKey, proxyUrl or issuer")
    }
    const problem = pinned === undefined
      ? "no publishable key is configured (CLERK_PUBLISHABLE_KEY): session tokens cannot be verified"
      : "no publishable key is configured (CLERK_PUBLISHABLE_KEY): authenticateRequest needs it for the cookie names and the handshake"

    const sessionVerifier = Verifier.make(keys, Verifier.session)
    const unpinned = Effect.fail(Authenticate.unconfiguredError(problem))
    const verifySession = (token: string, verifyOptions: VerifyOptions | undefined) =>
      pinned === undefined ? unpinned : sessionVerifier.verify(token, rulesFor(verifyOptions))

    const m2mVerifier = Verifier.make(keys, m2mProfile)
    const oauthVerifier = Verifier.make(keys, oauthProfile)

    const verifyMachine = (
      token: string,
      verifyOptions: VerifyOptions | undefined
    ): Effect.Effect<Machine.MachineToken, Machine.ClerkMachineTokenError> => {
      if (typeof token !== "string") {
        return Effect.fail(Machine.machineError("token-type-unknown", null, "the token is not a string"))
      }
      const rules = rulesFor(verifyOptions)
      if (Machine.isJwtFormat(token)) {
        const jwt = Jwt.decode(token)
        if (jwt instanceof ClerkTokenError) {
          return Effect.fail(Machine.machineError("token-invalid", "m2m_token", jwt.description))
        }
        const type = Machine.typeOfJwt(jwt)
        if (type === "m2m_token") {
          const cat = jwt.header["cat"]
          if (cat !== undefined && cat !== Jwt.CATEGORY_M2M) {
            return Effect.fail(Machine.machineError("token-invalid", "m2m_token", "the cat header is not an M2M token's"))
          }
          // Clerk checks no issuer and no azp on machine JWTs: their issuer is not the Frontend API.
          const m2mRules: Claims.Rules = { ...rules, authorizedParties: undefined, issuers: undefined }
          return Effect.flatMap(
            Effect.mapError(m2mVerifier.verify(token, m2mRules), machineFailure("m2m_token")),
            (claims) =>
              Effect.map(Clock.currentTimeMillis, (now): Machine.MachineToken => ({
                tokenType: "m2m_token",
                data: Machine.m2mFromClaims(claims, now, rules.clockSkew)
              }))
          )
        }
        if (type === "oauth_token") {
          // The audience is checked after the signature, with the OAuth rules (a non-empty `aud`).
          const oauthRules: Claims.Rules = { ...rules, authorizedParties: undefined, audience: undefined, issuers: undefined }
          return Effect.flatMap(
            Effect.mapError(oauthVerifier.verify(token, oauthRules), machineFailure("oauth_token")),
            (claims) => {
              const audienceProblem = Machine.oauthAudienceProblem(claims.aud, rules.audience)
              if (audienceProblem !== undefined) {
                return Effect.fail(Machine.machineError("token-verification-failed", "oauth_token", audienceProblem))
              }
              return Effect.map(Clock.currentTimeMillis, (now): Machine.MachineToken => ({
                tokenType: "oauth_token",
                data: Machine.oauthFromClaims(claims, now, rules.clockSkew)
              }))
            }
          )
        }
        return Effect.fail(Machine.machineError(
          "token-verification-failed",
          "oauth_token",
          "the JWT is neither an OAuth access token (typ at+jwt) nor an M2M token (sub mch_…)"
        ))
      }
      const byPrefix = Machine.typeFromPrefix(token)
      if (byPrefix === undefined) {
        return Effect.fail(Machine.machineError(
          "token-type-unknown",
          null,
          "not a machine token: no mt_, oat_ or ak_ prefix, and not a machine JWT"
        ))
      }
      const backend = backends.machine
      if (backend === undefined) {
        return Effect.fail(Machine.machineError(
          "unexpected-error",
          byPrefix,
          "opaque machine tokens are verified by the Backend API: provide a MachineTokenVerifier (ClerkLive does)"
        ))
      }
      switch (byPrefix) {
        case "m2m_token":
          return Effect.map(backend.verifyM2MToken(token), (data) => ({ tokenType: "m2m_token", data }))
        case "oauth_token":
          return Effect.map(backend.verifyOAuthToken(token), (data) => ({ tokenType: "oauth_token", data }))
        case "api_key":
          return Effect.map(backend.verifyApiKey(token), (data) => ({ tokenType: "api_key", data }))
      }
    }

    const key = inst.key
    const session: Authenticate.SessionInstance | undefined = key === undefined || options.publishableKey === undefined
      ? undefined
      : {
        instanceType: key.instanceType,
        frontendApi: inst.proxyUrl ??
          (key.instanceType === "production" && options.isSatellite === true && options.domain
            ? `clerk.${options.domain}`
            : key.frontendApi),
        originalFrontendApi: key.frontendApi,
        cookieSuffix: yield* Cookies.suffix(options.publishableKey)
      }
    const instanceInfo: State.InstanceInfo = {
      publishableKey: options.publishableKey ?? "",
      proxyUrl: inst.proxyUrl ?? "",
      isSatellite: options.isSatellite ?? false,
      domain: options.domain ?? "",
      signInUrl: options.signInUrl ?? "",
      signUpUrl: options.signUpUrl ?? "",
      afterSignInUrl: options.afterSignInUrl ?? "",
      afterSignUpUrl: options.afterSignUpUrl ?? ""
    }
    const authenticate = Authenticate.make({
      config: {
        instance: instanceInfo,
        session: pinned === undefined ? undefined : session,
        problem,
        isSatellite: options.isSatellite ?? false,
        signInUrl: options.signInUrl,
        satelliteAutoSync: options.satelliteAutoSync ?? false,
        acceptsToken: options.acceptsToken ?? "session_token",
        organizationSync
      },
      verifySession,
      verifyMachine,
      verifyHandshakeToken: (token) => Verifier.verifySignatureOnly(keys, token, Jwt.sessionHeader),
      sessionBackend: backends.session
    })

    const service: ClerkAuthService = {
      verifyToken: (token, verifyOptions) =>
        // JavaScript callers can pass anything (`undefined` for a missing header): a failure, not a defect.
        typeof token !== "string" ? Effect.fail(SessionRules.notAString) : verifySession(token, verifyOptions),
      verifyMachineToken: verifyMachine,
      authenticateRequest: authenticate,
      toAuth: AuthObject.toAuth
    }
    return service
  })
