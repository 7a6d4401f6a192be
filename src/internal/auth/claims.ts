/**
 * The claims of a Clerk session token, v1 and v2, and the checks run on them every time a token is
 * presented: expiry, not-before, issued-at, authorized party, audience and issuer.
 */
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { hasOwn, isRecord } from "../decode.js"
import { openEnum } from "../schemas.js"
import { type ClerkTokenError, fail } from "./errors.js"

const Extra = Schema.Record({ key: Schema.String, value: Schema.Unknown })

/**
 * The active organization of a v2 token (`o`): id, role without its `org:` prefix, slug, and the
 * permission names (`per`) and per-feature bitmasks (`fpm`) that `orgPermissions` is rebuilt from.
 */
export const OrganizationClaim = Schema.Struct(
  {
    id: Schema.optional(Schema.String),
    rol: Schema.optional(Schema.String),
    slg: Schema.optional(Schema.String),
    per: Schema.optional(Schema.String),
    fpm: Schema.optional(Schema.String)
  },
  Extra
)

export interface OrganizationClaim extends Schema.Schema.Type<typeof OrganizationClaim> {}

/** Who is impersonating the user (`act`), when someone is. */
export const ActorClaim = Schema.Struct(
  {
    sub: Schema.String,
    iss: Schema.optional(Schema.String),
    sid: Schema.optional(Schema.String)
  },
  Extra
)

export interface ActorClaim extends Schema.Schema.Type<typeof ActorClaim> {}

// Clerk's own claims may come as `null` from custom session-token templates (`{{org.id}}` with no active
// organization); `toAuth` reads `null` as absent, as Clerk's parser does with `??`.
const nullable = <S extends Schema.Schema.Any>(schema: S) => Schema.optional(Schema.NullOr(schema))

/**
 * The claims of a Clerk session token. The registered claims are checked by type (`sub` a string, `exp` a
 * number, …); Clerk's claims by shape; any other claim is kept as it is.
 */
export const SessionClaims = Schema.Struct(
  {
    /** The user id. */
    sub: Schema.String,
    /** Expiry, unix seconds. */
    exp: Schema.Number,
    /** Not before, unix seconds. */
    nbf: Schema.optional(Schema.Number),
    /** Issued at, unix seconds. */
    iat: Schema.optional(Schema.Number),
    /** The Frontend API (or proxy) URL of the instance. */
    iss: Schema.optional(Schema.String),
    /** The origin the token was issued to. */
    azp: Schema.optional(Schema.String),
    aud: Schema.optional(Schema.Union(Schema.String, Schema.Array(Schema.String))),
    jti: Schema.optional(Schema.String),
    /** The session id. */
    sid: nullable(Schema.String),
    /** The session status (`active`, `pending`), when the instance opted in. */
    sts: nullable(openEnum("active", "pending")),
    /** The claims version: `2`, or absent for v1. */
    v: nullable(Schema.Number),
    /** v2: the active organization. */
    o: nullable(OrganizationClaim),
    /** v2: the scoped features, comma-separated (`o:reservations,u:dashboard`). */
    fea: nullable(Schema.String),
    /** v2: the scoped plans, comma-separated. */
    pla: nullable(Schema.String),
    /** Minutes since the first and the second factor were verified; `-1` when not enrolled. */
    fva: nullable(Schema.Tuple(Schema.Number, Schema.Number)),
    /** The impersonator, when there is one. */
    act: nullable(ActorClaim),
    /** v1: the active organization. */
    org_id: nullable(Schema.String),
    org_role: nullable(Schema.String),
    org_slug: nullable(Schema.String),
    org_permissions: nullable(Schema.Array(Schema.String))
  },
  Extra
)

export interface SessionClaims extends Schema.Schema.Type<typeof SessionClaims> {}

/** The claims `check` reads: the registered ones every Clerk token type shares. */
export interface RegisteredClaims {
  readonly exp: number
  readonly nbf?: number | undefined
  readonly iat?: number | undefined
  readonly azp?: string | undefined
  readonly aud?: string | ReadonlyArray<string> | undefined
  readonly iss?: string | undefined
}

// `Schema.is(SessionClaims)` written out: the same answer on every input (test/auth/claims.test.ts holds it
// to the Schema), in 0.4 µs for a v2 token's claims where the Schema's interpreter takes 4.6 µs. Every new
// token is checked, and that was a fifth of what a token costs besides its signature. Absent and `undefined`
// are alike, as `optional` makes them; `null` is accepted only where `nullable` is.
type Guard = (u: unknown) => boolean
const own = (record: object, key: string): unknown => hasOwn(record, key) ? Reflect.get(record, key) : undefined
const isString = (u: unknown): u is string => typeof u === "string"
const isNumber = (u: unknown): u is number => typeof u === "number"
const isStrings: Guard = (u) => Array.isArray(u) && u.every(isString)
const optionalIs = (u: unknown, is: Guard): boolean => u === undefined || is(u)
const nullableIs = (u: unknown, is: Guard): boolean => u === undefined || u === null || is(u)
const allOptional = (record: object, keys: ReadonlyArray<string>, is: Guard): boolean =>
  keys.every((key) => optionalIs(own(record, key), is))
const allNullable = (record: object, keys: ReadonlyArray<string>, is: Guard): boolean =>
  keys.every((key) => nullableIs(own(record, key), is))

const ORGANIZATION_STRINGS = ["id", "rol", "slg", "per", "fpm"]
const ACTOR_STRINGS = ["iss", "sid"]
const OPTIONAL_NUMBERS = ["nbf", "iat"]
const OPTIONAL_STRINGS = ["iss", "azp", "jti"]
const NULLABLE_STRINGS = ["sid", "sts", "fea", "pla", "org_id", "org_role", "org_slug"]

const isOrganizationClaim: Guard = (u) => isRecord(u) && allOptional(u, ORGANIZATION_STRINGS, isString)
const isActorClaim: Guard = (u) => isRecord(u) && isString(own(u, "sub")) && allOptional(u, ACTOR_STRINGS, isString)
const isFactorAges: Guard = (u) => Array.isArray(u) && u.length === 2 && u.every(isNumber)
const isAudience: Guard = (u) => isString(u) || isStrings(u)

/** @internal Exported for the test that holds it to `Schema.is(SessionClaims)`. */
export const isSessionClaims = (u: unknown): u is SessionClaims =>
  isRecord(u) && isString(own(u, "sub")) && isNumber(own(u, "exp")) &&
  allOptional(u, OPTIONAL_NUMBERS, isNumber) && allOptional(u, OPTIONAL_STRINGS, isString) &&
  optionalIs(own(u, "aud"), isAudience) && allNullable(u, NULLABLE_STRINGS, isString) &&
  nullableIs(own(u, "v"), isNumber) && nullableIs(own(u, "o"), isOrganizationClaim) &&
  nullableIs(own(u, "fva"), isFactorAges) && nullableIs(own(u, "act"), isActorClaim) &&
  nullableIs(own(u, "org_permissions"), isStrings)
// Built on the first bad token, not at import: only a refusal needs the Schema's account of the claims.
let validator: ((u: unknown) => Either.Either<unknown, ParseResult.ParseIssue>) | undefined
const validateSessionClaims = (payload: unknown) => (validator ??= ParseResult.validateEither(SessionClaims))(payload)

// Names the claim, never its value: custom claims can hold emails and metadata.
const describe = (payload: unknown): string => {
  const result = validateSessionClaims(payload)
  if (Either.isRight(result)) return "the claims do not match the session token shape"
  const issue = ParseResult.ArrayFormatter.formatIssueSync(result.left)[0]
  const path = issue === undefined ? "" : issue.path.map(String).join(".")
  return path === "" ? "the claims are not an object" : `the ${path} claim is missing or has the wrong type`
}

// The claims object is shared by every later verification of the same token: freezing it means no caller
// can change what the next one sees. It comes from JSON.parse, so it holds only objects and arrays.
const deepFreeze = <A extends object>(value: A): A => {
  const stack: Array<object> = [value]
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    Object.freeze(next)
    for (const child of Object.values(next)) {
      if (typeof child === "object" && child !== null) stack.push(child)
    }
  }
  return value
}

/** The payload as session claims (frozen), or `token-verification-failed` naming the first bad claim. */
export const decodeSession = (payload: Readonly<Record<string, unknown>>): SessionClaims | ClerkTokenError =>
  isSessionClaims(payload) ? deepFreeze(payload) : fail("token-verification-failed", describe(payload))

/**
 * What a verification demands of the claims. `authorizedParties`, `audience` and `issuers` are `undefined`
 * or non-empty.
 */
export interface Rules {
  /** Milliseconds. */
  readonly clockSkew: number
  readonly authorizedParties: ReadonlyArray<string> | undefined
  readonly audience: ReadonlyArray<string> | undefined
  readonly issuers: ReadonlyArray<string> | undefined
}

// Clerk reads NumericDates with `Date#setUTCSeconds`, which drops the fraction; so do we, so that a token
// expires at the same millisecond under both.
const millis = (seconds: number): number => Math.trunc(seconds) * 1000

const seconds = (ms: number): string => `${Math.round(ms / 1000)} s`

/**
 * The checks of Clerk's `verifyJwt` after the signature, in this order: `exp`, `nbf`, `iat` (each with
 * the clock skew), `azp`, `aud`, `iss`. `undefined` when all pass.
 */
export const check = (claims: RegisteredClaims, rules: Rules, now: number): ClerkTokenError | undefined => {
  const skew = rules.clockSkew
  const exp = millis(claims.exp)
  if (exp <= now - skew) {
    return fail("token-expired", `the token expired ${seconds(now - exp)} ago (clock skew ${seconds(skew)})`)
  }
  if (claims.nbf !== undefined && millis(claims.nbf) > now + skew) {
    return fail(
      "token-not-active-yet",
      `the token is not valid for another ${seconds(millis(claims.nbf) - now)} (clock skew ${seconds(skew)})`
    )
  }
  if (claims.iat !== undefined && millis(claims.iat) > now + skew) {
    return fail(
      "token-iat-in-the-future",
      `the token was issued ${seconds(millis(claims.iat) - now)} in the future (clock skew ${seconds(skew)})`
    )
  }
  const parties = rules.authorizedParties
  if (parties !== undefined && (claims.azp === undefined || !parties.includes(claims.azp))) {
    return fail(
      "token-invalid-authorized-parties",
      claims.azp === undefined ? "the token has no azp claim" : "the azp claim is not an authorized party"
    )
  }
  // As Clerk: checked only when both sides are non-empty; Clerk's session tokens carry `azp`, not `aud`.
  const audience = rules.audience
  if (audience !== undefined && claims.aud !== undefined) {
    const aud = typeof claims.aud === "string" ? [claims.aud] : claims.aud
    if (aud.some((a) => a !== "") && !aud.some((a) => audience.includes(a))) {
      return fail("token-verification-failed", "the aud claim names no accepted audience")
    }
  }
  const issuers = rules.issuers
  if (issuers !== undefined && (claims.iss === undefined || !issuers.includes(claims.iss))) {
    return fail(
      "token-invalid-issuer",
      claims.iss === undefined ? "the token has no iss claim" : "the iss claim is not the instance's issuer"
    )
  }
  return undefined
}
