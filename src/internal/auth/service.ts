/**
 * `ClerkAuth`'s constructor: the options checked and normalised once, the key imported once, the
 * resolver, the verifiers (session, M2M JWT, OAuth JWT) and the request authenticator built once; the
 * methods then only merge per-call options.
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { ClerkAuthService, JwksSourceService, Options, VerifyOptions } from "../../ClerkAuth.js"
import * as Authenticate from "./authenticate.js"
import * as AuthObject from "./authObject.js"
import type { MachineTokenVerifierService, SessionBackendService } from "./backend.js"
import type * as Claims from "./claims.js"
import * as Cookies from "./cookies.js"
import { ClerkTokenError, fail, JwksFetchError } from "./errors.js"
import * as Jwt from "./jwt.js"
import * as Keys from "./keys.js"
import * as Machine from "./machine.js"
import * as OrganizationSync from "./organizationSync.js"
import * as PublishableKey from "./publishableKey.js"
import * as Resolver from "./resolver.js"
import * as State from "./state.js"
import * as Verifier from "./verifier.js"

export const DEFAULT_CLOCK_SKEW = Duration.seconds(5)
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

const illegal = (message: string) => new Cause.IllegalArgumentException(`ClerkAuth: ${message}`)

/** `undefined` for no value and for a list of only empty strings, as Clerk treats them. */
const nonEmptyList = (value: string | ReadonlyArray<string> | undefined): ReadonlyArray<string> | undefined => {
  if (value === undefined) return undefined
  const list = (typeof value === "string" ? [value] : value).filter((entry) => entry !== "")
  return list.length === 0 ? undefined : list
}

const millis = (input: Duration.DurationInput | undefined, fallback: Duration.Duration): number | undefined =>
  Option.match(input === undefined ? Option.some(fallback) : Duration.decodeUnknown(input), {
    onNone: () => undefined,
    onSome: (duration) => {
      const ms = Duration.toMillis(duration)
      return Number.isFinite(ms) && ms >= 0 ? ms : undefined
    }
  })

const isAbsoluteUrl = (url: string): boolean => /^https?:\/\/[^/]/.test(url)

/** What the publishable key and the proxy/satellite options say; `undefined` fields when not given. */
interface Instance {
  readonly key: PublishableKey.PublishableKey | undefined
  readonly proxyUrl: string | undefined
}

const instance = (options: Options): Effect.Effect<Instance, Cause.IllegalArgumentException> => {
  let key: PublishableKey.PublishableKey | undefined
  if (options.publishableKey !== undefined) {
    key = PublishableKey.parse(options.publishableKey)
    if (key === undefined) return Effect.fail(illegal("publishableKey is not a pk_test_… or pk_live_… key"))
  }
  const proxyUrl = options.proxyUrl
  if (proxyUrl !== undefined && !isAbsoluteUrl(proxyUrl)) {
    return Effect.fail(illegal("proxyUrl must be an absolute URL to be an issuer"))
  }
  if (options.isSatellite === true) {
    if (!options.domain && !proxyUrl) {
      return Effect.fail(illegal("a satellite application needs a domain or a proxyUrl"))
    }
    if (key?.instanceType === "development" && (options.signInUrl === undefined || !isAbsoluteUrl(options.signInUrl))) {
      return Effect.fail(illegal("a development satellite needs an absolute signInUrl on the primary's origin"))
    }
  }
  return Effect.succeed({ key, proxyUrl: proxyUrl?.replace(/\/+$/, "") })
}

/**
 * The issuers a session token may name: the configured ones exactly, else the Frontend API of the
 * publishable key, the proxy, and a production satellite's `clerk.<domain>`. `undefined` when none can
 * be derived.
 */
const issuers = (options: Options, inst: Instance): ReadonlyArray<string> | undefined => {
  const explicit = nonEmptyList(options.issuer)
  if (explicit !== undefined) return explicit
  const derived: Array<string> = []
  if (inst.key !== undefined) {
    derived.push(`https://${inst.key.frontendApi}`)
    if (inst.key.instanceType === "production" && options.isSatellite === true && options.domain) {
      derived.push(`https://clerk.${options.domain}`)
    }
  }
  if (inst.proxyUrl !== undefined) derived.push(inst.proxyUrl)
  return derived.length > 0 ? derived : undefined
}

const resolver = (
  options: Options,
  source: JwksSourceService | undefined
): Effect.Effect<Resolver.KeyResolver, Cause.IllegalArgumentException> => {
  const jwtKey = options.jwtKey
  if (jwtKey !== undefined) {
    const imported = typeof jwtKey === "string" ? Keys.fromPem(jwtKey) : Keys.fromJwk(jwtKey)
    return imported.pipe(
      Effect.mapError((problem) => illegal(`jwtKey is ${problem}`)),
      Effect.map(Resolver.local)
    )
  }
  const ttl = millis(options.jwksCacheTtl, DEFAULT_JWKS_CACHE_TTL)
  if (ttl === undefined) return Effect.fail(illegal("jwksCacheTtl must be a finite, non-negative duration"))
  if (source === undefined || source === noJwks) return Effect.succeed(Resolver.none)
  return Resolver.jwks({ fetch: source.fetch, ttl, minRefetchInterval: Duration.toMillis(MIN_REFETCH_INTERVAL) })
}

/** Per-call options replace the layer's, field by field. */
const withOverrides = (base: Claims.Rules, options: VerifyOptions): Claims.Rules => ({
  clockSkew: options.clockSkew === undefined ? base.clockSkew : millis(options.clockSkew, DEFAULT_CLOCK_SKEW) ??
    base.clockSkew,
  authorizedParties: options.authorizedParties === undefined
    ? base.authorizedParties
    : nonEmptyList(options.authorizedParties),
  audience: options.audience === undefined ? base.audience : nonEmptyList(options.audience),
  issuers: base.issuers
})

const notAString = fail("token-invalid", "the token is not a string")

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
    const inst = yield* instance(options)
    const keys = yield* resolver(options, source)
    const clockSkew = millis(options.clockSkew, DEFAULT_CLOCK_SKEW)
    if (clockSkew === undefined) return yield* illegal("clockSkew must be a finite, non-negative duration")
    let organizationSync: OrganizationSync.OrganizationMatcher
    try {
      organizationSync = OrganizationSync.make(options.organizationSyncOptions)
    } catch (error) {
      return yield* illegal(`organizationSyncOptions has an invalid pattern (${error instanceof Error ? error.message : "?"})`)
    }
    const pinned = issuers(options, inst)
    if (pinned === undefined && !makeOptions.lenient) {
      return yield* illegal("the issuer cannot be pinned: give publishableKey, proxyUrl or issuer")
    }
    const problem = pinned === undefined
      ? "no publishable key is configured (CLERK_PUBLISHABLE_KEY): session tokens cannot be verified"
      : "no publishable key is configured (CLERK_PUBLISHABLE_KEY): authenticateRequest needs it for the cookie names and the handshake"
    const base: Claims.Rules = {
      clockSkew,
      authorizedParties: nonEmptyList(options.authorizedParties),
      audience: nonEmptyList(options.audience),
      issuers: pinned
    }
    const rulesFor = (verifyOptions: VerifyOptions | undefined) =>
      verifyOptions === undefined ? base : withOverrides(base, verifyOptions)

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
        typeof token !== "string" ? Effect.fail(notAString) : verifySession(token, verifyOptions),
      verifyMachineToken: verifyMachine,
      authenticateRequest: authenticate,
      toAuth: AuthObject.toAuth
    }
    return service
  })
