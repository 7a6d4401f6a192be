/**
 * Machine tokens: how a token's kind is told from its prefix or its JWT header and subject, the models of
 * what a verified machine token says, the JWT profiles checked locally (M2M and OAuth access-token JWTs),
 * and the typed failure. A port of `@clerk/backend`'s `tokens/machine.ts` and the machine half of
 * `tokens/verify.ts`, minus the thrown `Error('Unknown machine token type')`.
 */
import * as Schema from "effect/Schema"
import type { RegisteredClaims } from "./claims.js"
import { type ClerkTokenError, fail } from "./errors.js"
import * as Jwt from "./jwt.js"

// -----------------------------------------------------------------------------------------------------------
// Token types
// -----------------------------------------------------------------------------------------------------------

export type MachineTokenType = "m2m_token" | "oauth_token" | "api_key"

export type TokenType = "session_token" | MachineTokenType

export const M2M_TOKEN_PREFIX = "mt_"
export const OAUTH_TOKEN_PREFIX = "oat_"
export const API_KEY_PREFIX = "ak_"
export const M2M_SUBJECT_PREFIX = "mch_"
export const OAUTH_ACCESS_TOKEN_TYPES: ReadonlyArray<string> = ["at+jwt", "application/at+jwt"]

const JWT_FORMAT = /^[a-zA-Z0-9\-_]+\.[a-zA-Z0-9\-_]+\.[a-zA-Z0-9\-_]+$/

/** Three non-empty base64url segments: Clerk's `isJwtFormat`. */
export const isJwtFormat = (token: string): boolean => JWT_FORMAT.test(token)

/** The machine type a prefix names: `mt_`, `oat_`, `ak_`. */
export const typeFromPrefix = (token: string): MachineTokenType | undefined =>
  token.startsWith(M2M_TOKEN_PREFIX)
    ? "m2m_token"
    : token.startsWith(OAUTH_TOKEN_PREFIX)
    ? "oauth_token"
    : token.startsWith(API_KEY_PREFIX)
    ? "api_key"
    : undefined

/** The machine type of a decoded JWT: an M2M subject (`mch_…`) or an OAuth access-token `typ`. */
export const typeOfJwt = (jwt: Jwt.Jwt): MachineTokenType | undefined => {
  const sub = jwt.payload["sub"]
  if (typeof sub === "string" && sub.startsWith(M2M_SUBJECT_PREFIX)) return "m2m_token"
  const typ = jwt.header["typ"]
  if (typeof typ === "string" && OAUTH_ACCESS_TOKEN_TYPES.includes(typ)) return "oauth_token"
  return undefined
}

/**
 * What a presented token is, as Clerk's `isMachineToken` + `getMachineTokenType` decide it: a machine
 * type, or `undefined` for anything else (which the session paths then take). The JWT is decoded only
 * when the prefixes say nothing, and returned for callers that need it again.
 */
export interface Classified {
  readonly machine: MachineTokenType | undefined
  /** Whether the JWT's `cat` is present and not a session token's (`hasNonSessionJwtCategory`). */
  readonly nonSessionCategory: boolean
}

export const classify = (token: string): Classified => {
  // Clerk checks `mt_` and the M2M JWT form first, then OAuth, then `ak_`: a prefix always wins over a
  // JWT, and no JWT starts with one (a JOSE header encodes to `eyJ…`).
  const byPrefix = typeFromPrefix(token)
  if (byPrefix !== undefined) return { machine: byPrefix, nonSessionCategory: false }
  const jwt = Jwt.decode(token)
  if (!("payload" in jwt)) return { machine: undefined, nonSessionCategory: false }
  // The machine JWT forms need a signature segment (`isJwtFormat`); the category check only a decode.
  return {
    machine: isJwtFormat(token) ? typeOfJwt(jwt) : undefined,
    nonSessionCategory: Jwt.isNonSessionCategory(jwt.header["cat"])
  }
}

// -----------------------------------------------------------------------------------------------------------
// What a verified machine token says
// -----------------------------------------------------------------------------------------------------------

/** An M2M token (`mt_…` through the Backend API, or an M2M JWT verified locally). Times in unix ms. */
export interface M2MToken {
  readonly id: string
  /** The machine (`mch_…`). */
  readonly subject: string
  readonly scopes: ReadonlyArray<string>
  readonly claims: Readonly<Record<string, unknown>> | null
  readonly revoked: boolean
  readonly revocationReason: string | null
  readonly expired: boolean
  readonly expiration: number | null
  readonly createdAt: number
  readonly updatedAt: number
}

/** An OAuth access token (`oat_…` through the Backend API, or an `at+jwt` verified locally). */
export interface OAuthToken {
  readonly id: string
  readonly clientId: string
  /** The user the token acts for. */
  readonly subject: string
  readonly scopes: ReadonlyArray<string>
  readonly revoked: boolean
  readonly revocationReason: string | null
  readonly expired: boolean
  readonly expiration: number | null
  readonly createdAt: number
  readonly updatedAt: number
  /** The JWT's `aud`, as a list; absent for opaque tokens. */
  readonly aud?: ReadonlyArray<string> | undefined
}

/** An API key (`ak_…`), through the Backend API. */
export interface ApiKey {
  readonly id: string
  readonly type: string
  readonly name: string
  /** `user_…` or `org_…`. */
  readonly subject: string
  readonly description: string | null
  readonly claims: Readonly<Record<string, unknown>> | null
  readonly scopes: ReadonlyArray<string>
  readonly revoked: boolean
  readonly revocationReason: string | null
  readonly expired: boolean
  readonly expiration: number | null
  readonly createdBy: string | null
  readonly lastUsedAt: number | null
  readonly createdAt: number
  readonly updatedAt: number
}

/** A verified machine token: Clerk's `{ data, tokenType }`. */
export type MachineToken =
  | { readonly tokenType: "m2m_token"; readonly data: M2MToken }
  | { readonly tokenType: "oauth_token"; readonly data: OAuthToken }
  | { readonly tokenType: "api_key"; readonly data: ApiKey }

// -----------------------------------------------------------------------------------------------------------
// The failure
// -----------------------------------------------------------------------------------------------------------

/**
 * Clerk's `MachineTokenVerificationErrorCode` (`token-invalid`, `secret-key-invalid`, `unexpected-error`,
 * `token-verification-failed`), plus `token-type-unknown` for a token that is no machine token at all,
 * where Clerk throws `Error('Unknown machine token type')`.
 */
export const MachineTokenErrorCode = Schema.Literal(
  "token-invalid",
  "secret-key-invalid",
  "unexpected-error",
  "token-verification-failed",
  "token-type-unknown"
)

export type MachineTokenErrorCode = Schema.Schema.Type<typeof MachineTokenErrorCode>

/**
 * A machine token that was not accepted. Like `ClerkTokenError`, it never holds the token, a key or a
 * secret: `description` says what failed, `status` is the Backend API's status when it answered.
 */
export class ClerkMachineTokenError extends Schema.TaggedError<ClerkMachineTokenError>()("ClerkMachineTokenError", {
  code: MachineTokenErrorCode,
  /** What the token was taken for; `null` when it is no machine token. */
  tokenType: Schema.NullOr(Schema.Literal("m2m_token", "oauth_token", "api_key")),
  description: Schema.String,
  status: Schema.optional(Schema.Number)
}) {
  override get message(): string {
    return `${this.code}: ${this.description}`
  }
  /** Clerk's `getFullMessage()`: `<message> (code=<code>, status=<status|n/a>)`. */
  get fullMessage(): string {
    return `${this.description} (code=${this.code}, status=${this.status ?? "n/a"})`
  }
}

export const machineError = (
  code: MachineTokenErrorCode,
  tokenType: MachineTokenType | null,
  description: string,
  status?: number
): ClerkMachineTokenError =>
  new ClerkMachineTokenError(
    status === undefined ? { code, tokenType, description } : { code, tokenType, description, status },
    true
  )

// -----------------------------------------------------------------------------------------------------------
// JWT profiles, verified locally with the instance's keys
// -----------------------------------------------------------------------------------------------------------

const Extra = Schema.Record({ key: Schema.String, value: Schema.Unknown })
const Audience = Schema.optional(Schema.Union(Schema.String, Schema.Array(Schema.String)))

/** An M2M JWT's claims: `sub` is the machine, `scopes` a space-separated list (else `aud`). */
export const M2MClaims = Schema.Struct({
  sub: Schema.String,
  exp: Schema.Number,
  iat: Schema.optional(Schema.Number),
  nbf: Schema.optional(Schema.Number),
  iss: Schema.optional(Schema.String),
  jti: Schema.optional(Schema.String),
  azp: Schema.optional(Schema.String),
  aud: Audience,
  scopes: Schema.optional(Schema.String)
}, Extra)

export interface M2MClaims extends Schema.Schema.Type<typeof M2MClaims> {}

/** An OAuth access-token JWT's claims (RFC 9068): `client_id`, `scp` or `scope`. */
export const OAuthClaims = Schema.Struct({
  sub: Schema.String,
  exp: Schema.Number,
  iat: Schema.optional(Schema.Number),
  nbf: Schema.optional(Schema.Number),
  iss: Schema.optional(Schema.String),
  jti: Schema.optional(Schema.String),
  azp: Schema.optional(Schema.String),
  aud: Audience,
  client_id: Schema.optional(Schema.String),
  scp: Schema.optional(Schema.Array(Schema.String)),
  scope: Schema.optional(Schema.String)
}, Extra)

export interface OAuthClaims extends Schema.Schema.Type<typeof OAuthClaims> {}

const decodeWith = <A extends RegisteredClaims>(schema: Schema.Schema<A, A>) => {
  const is = Schema.is(schema)
  return (payload: Readonly<Record<string, unknown>>): A | ClerkTokenError =>
    is(payload)
      ? Object.freeze(payload)
      : fail("token-verification-failed", "the claims do not match the machine token's shape")
}

export const m2mHeader: Jwt.HeaderRules = {
  types: ["JWT"],
  typeMayBeAbsent: true,
  categories: [Jwt.CATEGORY_M2M],
  kind: "an M2M token's"
}

export const oauthHeader: Jwt.HeaderRules = {
  types: OAUTH_ACCESS_TOKEN_TYPES,
  typeMayBeAbsent: false,
  categories: "any",
  kind: "an OAuth access token's"
}

export const decodeM2MClaims = decodeWith<M2MClaims>(M2MClaims)
export const decodeOAuthClaims = decodeWith<OAuthClaims>(OAuthClaims)

const M2M_RESERVED_CLAIMS: ReadonlySet<string> = new Set(["iss", "sub", "exp", "nbf", "iat", "jti"])

const customClaims = (payload: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> | null => {
  const claims: Record<string, unknown> = {}
  let any = false
  for (const key of Object.keys(payload)) {
    if (!M2M_RESERVED_CLAIMS.has(key)) {
      claims[key] = payload[key]
      any = true
    }
  }
  return any ? claims : null
}

const audList = (aud: string | ReadonlyArray<string> | undefined): ReadonlyArray<string> | undefined =>
  aud === undefined ? undefined : typeof aud === "string" ? [aud] : aud

/** `M2MToken.fromJwtPayload`: times in ms, `expired` with the clock skew. */
export const m2mFromClaims = (claims: M2MClaims, now: number, clockSkew: number): M2MToken => {
  const iat = (claims.iat ?? 0) * 1000
  return {
    id: claims.jti ?? "",
    subject: claims.sub,
    scopes: claims.scopes?.split(" ") ?? audList(claims.aud) ?? [],
    claims: customClaims(claims),
    revoked: false,
    revocationReason: null,
    expired: claims.exp * 1000 <= now - clockSkew,
    expiration: claims.exp * 1000,
    createdAt: iat,
    updatedAt: iat
  }
}

/** `IdPOAuthAccessToken.fromJwtPayload`. */
export const oauthFromClaims = (claims: OAuthClaims, now: number, clockSkew: number): OAuthToken => {
  const iat = (claims.iat ?? 0) * 1000
  const aud = audList(claims.aud)
  return {
    id: claims.jti ?? "",
    clientId: claims.client_id ?? "",
    subject: claims.sub,
    scopes: claims.scp ?? claims.scope?.split(" ") ?? [],
    revoked: false,
    revocationReason: null,
    expired: claims.exp * 1000 <= now - clockSkew,
    expiration: claims.exp * 1000,
    createdAt: iat,
    updatedAt: iat,
    ...(aud === undefined ? {} : { aud })
  }
}

/**
 * Clerk's `assertOAuthAudienceClaim`, checked after the signature: with an audience configured, the
 * token's `aud` must be non-empty strings and name one of it. A description, or `undefined` when it holds.
 */
export const oauthAudienceProblem = (
  aud: string | ReadonlyArray<string> | undefined,
  audience: ReadonlyArray<string> | undefined
): string | undefined => {
  if (audience === undefined || audience.length === 0) return undefined
  const list = audList(aud)
  if (list === undefined || list.length === 0 || list.some((a) => a.length === 0)) {
    return "the aud claim is not a non-empty string or list of non-empty strings"
  }
  return list.some((a) => audience.includes(a)) ? undefined : "the aud claim names no accepted audience"
}
