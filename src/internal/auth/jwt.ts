/**
 * A JWT taken apart, and the checks on its JOSE header: what `verifyJwt` in `@clerk/backend` does before
 * it looks at a key, in the same order (structure, `typ`, `alg`), plus the token category (`cat`).
 */
import { decode as decodeBase64Url } from "jose/base64url"
import { type ClerkTokenError, fail } from "./errors.js"

/**
 * Clerk's session tokens are about 1 KB; 16 KB leaves room for large custom claims. Anything longer is
 * refused before a byte of it is decoded, so a 1 MB "token" costs a length check.
 */
export const MAX_TOKEN_LENGTH = 16 * 1024

/** The algorithms Clerk signs with, and WebCrypto's hash for each (RSASSA-PKCS1-v1_5). */
export const ALGORITHMS = { RS256: "SHA-256", RS384: "SHA-384", RS512: "SHA-512" } as const

export type Algorithm = keyof typeof ALGORITHMS

export const isAlgorithm = (alg: unknown): alg is Algorithm =>
  alg === "RS256" || alg === "RS384" || alg === "RS512"

/** The `cat` header of session tokens. */
export const CATEGORY_SESSION = "cl_B7d4PD111AAA"
/** The `cat` header of JWT-template tokens. */
export const CATEGORY_TEMPLATE = "cl_B7d4PD222AAA"
/** The `cat` header of machine-to-machine tokens. */
export const CATEGORY_M2M = "cl_B7d4PD333AAA"
/** The `cat` header of instances that opted out of categories: it says nothing about the token's kind. */
export const CATEGORY_IGNORE = "cl_I7d4PD111III"

/** Clerk's `isNonSessionJwtCategory`: a `cat` that is present and neither session nor ignore. */
export const isNonSessionCategory = (cat: unknown): boolean =>
  cat !== undefined && cat !== CATEGORY_SESSION && cat !== CATEGORY_IGNORE

export interface Jwt {
  readonly header: Readonly<Record<string, unknown>>
  readonly payload: Readonly<Record<string, unknown>>
  /** `<header>.<payload>`, the bytes the signature covers. */
  readonly signingInput: string
  readonly signature: Uint8Array<ArrayBuffer>
}

// One or more base64url characters, no padding (RFC 7515 §2). The signature may be empty so that an
// unsigned `alg: none` token gets to the algorithm check and is refused there, as Clerk refuses it.
const PART = /^[A-Za-z0-9_-]+$/
const SIGNATURE = /^[A-Za-z0-9_-]*$/

// A length of 4n+1 characters cannot be base64 (6 bits do not make a byte); decoders differ on what they
// make of it, so it is refused before any of them sees it.
const isBase64Url = (part: string, pattern: RegExp): boolean => part.length % 4 !== 1 && pattern.test(part)

// Node, Bun and Deno decode base64url natively, three to four times faster than `atob` and a byte loop;
// elsewhere (edge runtimes) jose's decoder does it. The parts are validated first: `Buffer` skips what
// is not base64url instead of failing.
const NodeBuffer = typeof Buffer === "function" ? Buffer : undefined
const utf8 = new TextDecoder()

const bytes = (part: string): Uint8Array<ArrayBuffer> =>
  NodeBuffer !== undefined ? NodeBuffer.from(part, "base64url") : Uint8Array.from(decodeBase64Url(part))

const text = (part: string): string =>
  NodeBuffer !== undefined ? NodeBuffer.from(part, "base64url").toString("utf8") : utf8.decode(decodeBase64Url(part))

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const parseJsonPart = (part: string): Readonly<Record<string, unknown>> | undefined => {
  try {
    const value: unknown = JSON.parse(text(part))
    return isRecord(value) ? value : undefined
  } catch {
    return undefined
  }
}

/**
 * Splits and decodes a compact JWS: three base64url parts, the first two JSON objects. Nothing here is
 * trusted yet: the signature has not been checked.
 */
export const decode = (token: string): Jwt | ClerkTokenError => {
  if (token.length > MAX_TOKEN_LENGTH) {
    return fail("token-invalid", `the token is longer than ${MAX_TOKEN_LENGTH} characters`)
  }
  const first = token.indexOf(".")
  const second = first === -1 ? -1 : token.indexOf(".", first + 1)
  if (second === -1 || token.indexOf(".", second + 1) !== -1) {
    return fail("token-invalid", "a JWT is three parts separated by dots")
  }
  const headerPart = token.slice(0, first)
  const payloadPart = token.slice(first + 1, second)
  const signaturePart = token.slice(second + 1)
  if (!isBase64Url(headerPart, PART) || !isBase64Url(payloadPart, PART) || !isBase64Url(signaturePart, SIGNATURE)) {
    return fail("token-invalid", "a part of the token is not base64url")
  }
  const header = parseJsonPart(headerPart)
  const payload = parseJsonPart(payloadPart)
  if (header === undefined || payload === undefined) {
    return fail("token-invalid", "the header or the payload is not a base64url-encoded JSON object")
  }
  return { header, payload, signingInput: token.slice(0, second), signature: bytes(signaturePart) }
}

/**
 * What a kind of token may carry in its header. Session tokens: `typ` absent or `JWT`, `cat` absent,
 * session or ignore. M2M JWTs: `typ` absent or `JWT`, `cat` absent or M2M. OAuth access tokens: `typ`
 * `at+jwt`, any `cat` (Clerk does not look at it there).
 */
export interface HeaderRules {
  readonly types: ReadonlyArray<string>
  readonly typeMayBeAbsent: boolean
  /** The accepted `cat` values when present, or `"any"`. */
  readonly categories: ReadonlyArray<string> | "any"
  /** What a refused `cat` is called in the error. */
  readonly kind: string
}

export const sessionHeader: HeaderRules = {
  types: ["JWT"],
  typeMayBeAbsent: true,
  categories: [CATEGORY_SESSION, CATEGORY_IGNORE],
  kind: "a session token's (a JWT template or machine token?)"
}

/**
 * `typ`, then `alg`, then `cat`; the algorithm when all pass. The algorithm is checked before any key is
 * looked at, so `none`, `HS256` signed with the public key as an HMAC secret, and every other algorithm
 * never reach a verify call.
 */
export const checkHeader = (header: Jwt["header"], rules: HeaderRules): Algorithm | ClerkTokenError => {
  const typ = header["typ"]
  if (typ === undefined ? !rules.typeMayBeAbsent : typeof typ !== "string" || !rules.types.includes(typ)) {
    return fail("token-invalid", `the typ header is not ${rules.types.join(" or ")}`)
  }
  const alg = header["alg"]
  if (!isAlgorithm(alg)) {
    return fail("token-invalid-algorithm", `the alg header is not one of ${Object.keys(ALGORITHMS).join(", ")}`)
  }
  const cat = header["cat"]
  const categories = rules.categories
  if (cat !== undefined && categories !== "any" && (typeof cat !== "string" || !categories.includes(cat))) {
    return fail("token-invalid", `the cat header is not ${rules.kind}`)
  }
  return alg
}

/** The `kid` header, when it is a string. */
export const keyId = (header: Jwt["header"]): string | undefined => {
  const kid = header["kid"]
  return typeof kid === "string" ? kid : undefined
}
