/**
 * The `Cookie` header as Clerk reads it (`cookie@1.1.1`'s `parse`, which `@clerk/backend` bundles): the
 * same splitting, trimming, first-wins and lenient percent-decoding, so a header with odd spacing or a
 * duplicated name picks the same value here as there. Also the per-instance cookie suffix.
 */
import * as Effect from "effect/Effect"

export const SESSION = "__session"
export const REFRESH = "__refresh"
export const CLIENT_UAT = "__client_uat"
export const HANDSHAKE = "__clerk_handshake"
export const HANDSHAKE_NONCE = "__clerk_handshake_nonce"
export const DEV_BROWSER = "__clerk_db_jwt"
export const REDIRECT_COUNT = "__clerk_redirect_count"

const isSpace = (code: number): boolean => code === 32 || code === 9

const trimmed = (header: string, start: number, end: number): string => {
  while (start < end && isSpace(header.charCodeAt(start))) start++
  while (end > start && isSpace(header.charCodeAt(end - 1))) end--
  return header.slice(start, end)
}

const decode = (value: string): string => {
  if (value.indexOf("%") === -1) return value
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}

/**
 * The cookies of a `Cookie` header. A pair without `=` is skipped; the first of two pairs with the same
 * name wins; values are percent-decoded when they can be.
 */
export const parse = (header: string): ReadonlyMap<string, string> => {
  const cookies = new Map<string, string>()
  const length = header.length
  if (length < 2) return cookies
  let index = 0
  while (index < length) {
    const eq = header.indexOf("=", index)
    if (eq === -1) break
    const semicolon = header.indexOf(";", index)
    const end = semicolon === -1 ? length : semicolon
    if (eq > end) {
      // No `=` before the next `;`: skip this pair (cookie@1 rewinds to the `;` before the `=`).
      index = header.lastIndexOf(";", eq - 1) + 1
      continue
    }
    const name = trimmed(header, index, eq)
    if (!cookies.has(name)) cookies.set(name, decode(trimmed(header, eq + 1, end)))
    index = end + 1
  }
  return cookies
}

/**
 * `@clerk/shared`'s `getCookieSuffix`: the first 8 characters of base64url(SHA-1(publishable key)).
 * Computed once, when the service is built.
 */
export const suffix = (publishableKey: string): Effect.Effect<string> =>
  Effect.promise(async () => {
    const digest = await globalThis.crypto.subtle.digest("SHA-1", new TextEncoder().encode(publishableKey))
    let binary = ""
    for (const byte of new Uint8Array(digest)) binary += String.fromCharCode(byte)
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").slice(0, 8)
  })

export const suffixed = (name: string, cookieSuffix: string): string => `${name}_${cookieSuffix}`

/** The name of a `Set-Cookie` directive (`__session_AbCd=…; Path=/` → `__session_AbCd`). */
export const directiveName = (directive: string): string => directive.split(";")[0]?.split("=")[0] ?? ""

/** Its value, as Clerk reads it: what follows the first `=` up to the next one. */
export const directiveValue = (directive: string): string => directive.split(";")[0]?.split("=")[1] ?? ""
