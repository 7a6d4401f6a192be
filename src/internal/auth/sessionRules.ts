/**
 * What session-token verification needs from the options, shared by `ClerkAuth` and the standalone
 * `TokenVerifier` (which leaves request authentication out of the bundle): the instance the publishable key
 * names, the issuers pinned from it, the rules of the claims checks with their per-call overrides, and the
 * local key of a `jwtKey`.
 */
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { Options, VerifyOptions } from "../../ClerkAuth.js"
import type * as Claims from "./claims.js"
import { fail } from "./errors.js"
import * as Keys from "./keys.js"
import * as PublishableKey from "./publishableKey.js"
import * as Resolver from "./resolver.js"

export const DEFAULT_CLOCK_SKEW = Duration.seconds(5)

/** The options that session-token verification reads. */
export type SessionOptions = Pick<
  Options,
  "jwtKey" | "publishableKey" | "issuer" | "proxyUrl" | "authorizedParties" | "audience" | "clockSkew" | "isSatellite" | "domain" | "signInUrl"
>

/** A misconfiguration, named after the constructor that was given it (`ClerkAuth`, `TokenVerifier`). */
export const illegal = (name: string, message: string) => new Cause.IllegalArgumentException(`${name}: ${message}`)

/** `undefined` for no value and for a list of only empty strings, as Clerk treats them. */
export const nonEmptyList = (value: string | ReadonlyArray<string> | undefined): ReadonlyArray<string> | undefined => {
  if (value === undefined) return undefined
  const list = (typeof value === "string" ? [value] : value).filter((entry) => entry !== "")
  return list.length === 0 ? undefined : list
}

export const millis = (input: Duration.DurationInput | undefined, fallback: Duration.Duration): number | undefined =>
  Option.match(input === undefined ? Option.some(fallback) : Duration.decodeUnknown(input), {
    onNone: () => undefined,
    onSome: (duration) => {
      const ms = Duration.toMillis(duration)
      return Number.isFinite(ms) && ms >= 0 ? ms : undefined
    }
  })

const isAbsoluteUrl = (url: string): boolean => /^https?:\/\/[^/]/.test(url)

/** What the publishable key and the proxy/satellite options say; `undefined` fields when not given. */
export interface Instance {
  readonly key: PublishableKey.PublishableKey | undefined
  readonly proxyUrl: string | undefined
}

export const instance = (options: SessionOptions, name: string): Effect.Effect<Instance, Cause.IllegalArgumentException> => {
  let key: PublishableKey.PublishableKey | undefined
  if (options.publishableKey !== undefined) {
    key = PublishableKey.parse(options.publishableKey)
    if (key === undefined) return Effect.fail(illegal(name, "publishableKey is not a pk_test_… or pk_live_… key"))
  }
  const proxyUrl = options.proxyUrl
  if (proxyUrl !== undefined && !isAbsoluteUrl(proxyUrl)) {
    return Effect.fail(illegal(name, "proxyUrl must be an absolute URL to be an issuer"))
  }
  if (options.isSatellite === true) {
    if (!options.domain && !proxyUrl) {
      return Effect.fail(illegal(name, "a satellite application needs a domain or a proxyUrl"))
    }
    if (key?.instanceType === "development" && (options.signInUrl === undefined || !isAbsoluteUrl(options.signInUrl))) {
      return Effect.fail(illegal(name, "a development satellite needs an absolute signInUrl on the primary's origin"))
    }
  }
  return Effect.succeed({ key, proxyUrl: proxyUrl?.replace(/\/+$/, "") })
}

/**
 * The issuers a session token may name: the configured ones exactly, else the Frontend API of the
 * publishable key, the proxy, and a production satellite's `clerk.<domain>`. `undefined` when none can
 * be derived.
 */
export const issuers = (options: SessionOptions, inst: Instance): ReadonlyArray<string> | undefined => {
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

/** Per-call options replace the layer's, field by field. */
export const withOverrides = (base: Claims.Rules, options: VerifyOptions): Claims.Rules => ({
  clockSkew: options.clockSkew === undefined ? base.clockSkew : millis(options.clockSkew, DEFAULT_CLOCK_SKEW) ??
    base.clockSkew,
  authorizedParties: options.authorizedParties === undefined
    ? base.authorizedParties
    : nonEmptyList(options.authorizedParties),
  audience: options.audience === undefined ? base.audience : nonEmptyList(options.audience),
  issuers: base.issuers
})

export const notAString = fail("token-invalid", "the token is not a string")

/** The resolver of a `jwtKey` (PEM or JWK), imported once: verification is then networkless. */
export const localKeys = (
  jwtKey: NonNullable<Options["jwtKey"]>,
  name: string
): Effect.Effect<Resolver.KeyResolver, Cause.IllegalArgumentException> =>
  (typeof jwtKey === "string" ? Keys.fromPem(jwtKey) : Keys.fromJwk(jwtKey)).pipe(
    Effect.mapError((problem) => illegal(name, `jwtKey is ${problem}`)),
    Effect.map(Resolver.local)
  )

/** The claims rules of the options, and a function that applies a call's overrides to them. */
export const rules = (
  options: SessionOptions,
  pinned: ReadonlyArray<string> | undefined,
  name: string
): Effect.Effect<(verifyOptions: VerifyOptions | undefined) => Claims.Rules, Cause.IllegalArgumentException> => {
  const clockSkew = millis(options.clockSkew, DEFAULT_CLOCK_SKEW)
  if (clockSkew === undefined) return Effect.fail(illegal(name, "clockSkew must be a finite, non-negative duration"))
  const base: Claims.Rules = {
    clockSkew,
    authorizedParties: nonEmptyList(options.authorizedParties),
    audience: nonEmptyList(options.audience),
    issuers: pinned
  }
  return Effect.succeed((verifyOptions) => verifyOptions === undefined ? base : withOverrides(base, verifyOptions))
}
