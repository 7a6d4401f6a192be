/**
 * RSASSA-PKCS1-v1_5 signature checks. On Node, Bun and Deno, node:crypto's one-shot `verify`, reached
 * through `process.getBuiltinModule` (no static import, so edge bundles are unaffected); elsewhere,
 * WebCrypto.
 *
 * Why not WebCrypto everywhere: its `verify` is a thread-pool job, and the round trip costs more than the
 * RSA-2048 verify itself (some 30 µs of CPU). Measured through `verifyToken` on a 2-core VM, a new token
 * verifies 2–3× faster this way (about 11–16k/s against 5.5k/s). The price is that the verify runs on the
 * event loop, as `JSON.parse` of a body does; the signature cache makes that once per token.
 */
import type * as NodeCrypto from "node:crypto"
import type { Algorithm } from "./jwt.js"

const loadNodeCrypto = (): typeof NodeCrypto | undefined => {
  if (typeof process !== "object" || process === null || typeof process.getBuiltinModule !== "function") {
    return undefined
  }
  try {
    const module = process.getBuiltinModule("node:crypto")
    return typeof module.verify === "function" && typeof module.KeyObject?.from === "function" ? module : undefined
  } catch {
    return undefined
  }
}

/** `undefined` where node:crypto is not available (browsers, edge runtimes without Node compatibility). */
export const nodeCrypto: typeof NodeCrypto | undefined = /*#__PURE__*/ loadNodeCrypto()

/** The same key as a node:crypto `KeyObject` (one serves every hash), when node:crypto is there. */
export const toKeyObject = (key: CryptoKey): NodeCrypto.KeyObject | undefined => {
  if (nodeCrypto === undefined) return undefined
  try {
    return nodeCrypto.KeyObject.from(key)
  } catch {
    return undefined
  }
}

const NODE_HASH: Readonly<Record<Algorithm, string>> = { RS256: "sha256", RS384: "sha384", RS512: "sha512" }
const RSA = { name: "RSASSA-PKCS1-v1_5" } as const
const encoder = new TextEncoder()

/**
 * Whether `signature` is the signature of `signingInput` (ASCII: base64url and a dot). Synchronous with
 * a `KeyObject`; a Promise from WebCrypto otherwise. Throws (or rejects) when the check itself fails.
 * The modules are looked up on each call, not captured, so that tests can count calls with a spy.
 */
export const verify = (
  alg: Algorithm,
  cryptoKey: CryptoKey,
  keyObject: NodeCrypto.KeyObject | undefined,
  signingInput: string,
  signature: Uint8Array<ArrayBuffer>
): boolean | Promise<boolean> =>
  keyObject !== undefined && nodeCrypto !== undefined
    ? nodeCrypto.verify(NODE_HASH[alg], encoder.encode(signingInput), keyObject, signature)
    : crypto.subtle.verify(RSA, cryptoKey, signature, encoder.encode(signingInput))
