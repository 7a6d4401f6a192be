/**
 * `ClerkAuth`'s constructor: the options checked and normalised once, the key imported once, the
 * resolver and the verifier built once; `verifyToken` then only merges per-call options.
 */
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { ClerkAuthService, JwksSourceService, Options, VerifyOptions } from "../../ClerkAuth.js"
import * as AuthObject from "./authObject.js"
import type * as Claims from "./claims.js"
import { fail, JwksFetchError } from "./errors.js"
import * as Keys from "./keys.js"
import * as PublishableKey from "./publishableKey.js"
import * as Resolver from "./resolver.js"
import * as Verifier from "./verifier.js"

export const DEFAULT_CLOCK_SKEW = Duration.seconds(5)
export const DEFAULT_JWKS_CACHE_TTL = Duration.hours(1)
/** At most one JWKS fetch per interval, whatever asks for it. */
export const MIN_REFETCH_INTERVAL = Duration.seconds(30)

/** `JwksSource.none`: recognised by identity, so the verifier fails with `jwk-failed-to-resolve` at once. */
export const noJwks: JwksSourceService = {
  fetch: Effect.fail(new JwksFetchError({ reason: "Unavailable", description: "no JWKS source is configured" }))
}

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

const issuers = (options: Options): Effect.Effect<ReadonlyArray<string>, Cause.IllegalArgumentException> => {
  const explicit = nonEmptyList(options.issuer)
  if (explicit !== undefined) return Effect.succeed(explicit)
  const derived: Array<string> = []
  if (options.publishableKey !== undefined) {
    const key = PublishableKey.parse(options.publishableKey)
    if (key === undefined) return Effect.fail(illegal("publishableKey is not a pk_test_… or pk_live_… key"))
    derived.push(`https://${key.frontendApi}`)
  }
  if (options.proxyUrl !== undefined) {
    if (!/^https?:\/\/[^/]/.test(options.proxyUrl)) {
      return Effect.fail(illegal("proxyUrl must be an absolute URL to be an issuer"))
    }
    derived.push(options.proxyUrl.replace(/\/+$/, ""))
  }
  return derived.length > 0
    ? Effect.succeed(derived)
    : Effect.fail(illegal("the issuer cannot be pinned: give publishableKey, proxyUrl or issuer"))
}

const rules = (options: Options): Effect.Effect<Claims.Rules, Cause.IllegalArgumentException> =>
  Effect.flatMap(issuers(options), (issuers) => {
    const clockSkew = millis(options.clockSkew, DEFAULT_CLOCK_SKEW)
    if (clockSkew === undefined) return Effect.fail(illegal("clockSkew must be a finite, non-negative duration"))
    return Effect.succeed({
      clockSkew,
      authorizedParties: nonEmptyList(options.authorizedParties),
      audience: nonEmptyList(options.audience),
      issuers
    })
  })

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

export const make = (
  options: Options,
  source: JwksSourceService | undefined
): Effect.Effect<ClerkAuthService, Cause.IllegalArgumentException> =>
  Effect.flatMap(rules(options), (base) =>
    Effect.map(resolver(options, source), (keys): ClerkAuthService => {
      const verifier = Verifier.make(keys, Verifier.session)
      return {
        verifyToken: (token, verifyOptions) =>
          // JavaScript callers can pass anything (`undefined` for a missing header): a failure, not a defect.
          typeof token !== "string"
            ? Effect.fail(notAString)
            : verifier.verify(token, verifyOptions === undefined ? base : withOverrides(base, verifyOptions)),
        toAuth: AuthObject.toAuth
      }
    }))
