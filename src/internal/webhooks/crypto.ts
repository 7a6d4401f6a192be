/**
 * The Svix / Standard Webhooks signature scheme, on WebCrypto so it runs wherever `fetch` does (Node 20+,
 * Bun, Deno, edge runtimes): `v1,` + base64(HMAC-SHA256(key, "<id>.<timestamp>.<body>")), where the key is
 * the base64 part of a `whsec_…` secret.
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Encoding from "effect/Encoding"
import * as Redacted from "effect/Redacted"
import { type ClerkWebhookError, fail } from "./error.js"

const SECRET_PREFIX = "whsec_"

/** SHA-256 output: a `v1` signature of any other length cannot match, so it is not compared at all. */
const MAC_LENGTH = 32

const encoder = new TextEncoder()

/**
 * `whsec_<base64>` (or the bare base64) to key bytes. Decoded strictly (length a multiple of 4, padding only
 * at the end), as `standardwebhooks` does: a secret pasted with a character missing fails here, at layer
 * build, rather than as "no matching signature" on every webhook.
 */
export const decodeSecret = (
  secret: string | Redacted.Redacted<string>
): Either.Either<Uint8Array, ClerkWebhookError> => {
  const raw = (Redacted.isRedacted(secret) ? Redacted.value(secret) : secret).trim()
  const base64 = raw.startsWith(SECRET_PREFIX) ? raw.slice(SECRET_PREFIX.length) : raw
  // The decoder's own error quotes its input, which is the secret: only the fact of failure goes on.
  return Either.match(Encoding.decodeBase64(base64), {
    onLeft: () => Either.left(fail("InvalidSecret", "the signing secret is not `whsec_` followed by base64")),
    onRight: (bytes) =>
      bytes.length === 0
        ? Either.left(fail("InvalidSecret", "the signing secret is empty"))
        : Either.right(bytes)
  })
}

/**
 * Not extractable, and usable only to sign: the key never leaves WebCrypto once imported. The copy gives
 * WebCrypto the plain `ArrayBuffer`-backed view it is typed to take; it happens once per layer build.
 */
export const importKey = (keyBytes: Uint8Array): Effect.Effect<CryptoKey> =>
  Effect.promise(() =>
    globalThis.crypto.subtle.importKey("raw", new Uint8Array(keyBytes), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign"
    ])
  )

/** A secret straight to a key: the layer does this once, and the test signer once per call. */
export const keyFromSecret = (
  secret: string | Redacted.Redacted<string>
): Effect.Effect<CryptoKey, ClerkWebhookError> => Effect.flatMap(decodeSecret(secret), importKey)

/**
 * The bytes that are signed: `"<id>.<timestamp>."` followed by the body exactly as it arrived. A string
 * body is encoded together with its prefix (one copy); a byte body is placed after the prefix (one copy,
 * which WebCrypto's one-shot `sign` needs anyway), never decoded and re-encoded, so a body that is not
 * valid UTF-8 is still checked byte for byte.
 */
export const signedContent = (
  id: string,
  timestamp: string,
  body: string | Uint8Array
): Uint8Array<ArrayBuffer> => {
  if (typeof body === "string") {
    return encoder.encode(`${id}.${timestamp}.${body}`)
  }
  const prefix = encoder.encode(`${id}.${timestamp}.`)
  const content = new Uint8Array(prefix.length + body.length)
  content.set(prefix, 0)
  content.set(body, prefix.length)
  return content
}

/** HMAC-SHA256 of `content`. WebCrypto rejects only on a misused key, which would be a bug here: a defect. */
export const hmac = (key: CryptoKey, content: Uint8Array<ArrayBuffer>): Effect.Effect<Uint8Array> =>
  Effect.map(
    Effect.promise(() => globalThis.crypto.subtle.sign("HMAC", key, content)),
    (mac) => new Uint8Array(mac)
  )

/** The header value for one signature. */
export const formatSignature = (mac: Uint8Array): string => `v1,${Encoding.encodeBase64(mac)}`

/**
 * Compares every byte whatever the first difference, so the time taken says nothing about how much of a
 * forged signature was right.
 */
const timingSafeEqual = (a: Uint8Array, b: Uint8Array): boolean => {
  if (a.length !== b.length) {
    return false
  }
  let difference = 0
  for (let i = 0; i < a.length; i++) {
    difference |= (a[i] ?? 0) ^ (b[i] ?? 0)
  }
  return difference === 0
}

/**
 * Whether any `v1` entry of a signature header (`"v1,<base64> v1,<base64> v2,…"`, space-separated: Svix
 * sends several while a secret is being rotated) equals `expected`. Entries of other versions, and entries
 * that are not base64 of the right length, are skipped rather than rejected, as Svix does.
 */
export const matchesAny = (header: string, expected: Uint8Array): boolean => {
  for (const entry of header.split(" ")) {
    const comma = entry.indexOf(",")
    if (comma === -1 || entry.slice(0, comma) !== "v1") {
      continue
    }
    const candidate = Encoding.decodeBase64(entry.slice(comma + 1))
    if (Either.isLeft(candidate) || candidate.right.length !== MAC_LENGTH) {
      continue
    }
    if (timingSafeEqual(candidate.right, expected)) {
      return true
    }
  }
  return false
}
