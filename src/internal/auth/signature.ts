/**
 * RSASSA-PKCS1-v1_5 signature checks. On Node, Bun and Deno, node:crypto's one-shot `verify`, reached
 * through `process.getBuiltinModule` (no static import, so edge bundles are unaffected); elsewhere,
 * WebCrypto.
 *
 * Where the check runs (RSA-2048 through `verifyToken`, Node 20, a shared 2-core VM):
 *
 * - One at a time, on the event loop (`verifyNow`, ~23 µs of CPU): handing a lone check to the thread pool
 *   and back costs more than the check (WebCrypto gave 5.5k/s, the callback form of `verify` was ~5×
 *   slower, against 20–24k/s synchronously).
 * - Several at once, on the thread pool (`verifyInPool`): synchronous checks keep to one core, ~25k/s with
 *   16 in flight, 1.4–1.5× the time per token of `jose.jwtVerify` (which uses the pool); on the pool,
 *   1.2–1.3× (medians of 20–30 paired rounds; best rounds 30–39k/s). The gain is bounded by the event
 *   loop: a check on the pool frees ~23 µs there, but the hand-off and the fiber's suspend and resume take
 *   10–15 µs back (jose itself, awaited through one `Effect.promise` per token, takes 1.5× bare jose's
 *   time). The callback form of node:crypto's `verify` costs the event loop less than WebCrypto's (no
 *   algorithm normalisation, no Promise): 10–60% more throughput through `verifyToken`, 16 in flight.
 *
 * `verifier.ts` chooses, with `mayVerifyNow`.
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

// The modules are looked up on each call, not captured, so that tests can count calls with a spy. The
// functions take `signingInput` (ASCII: base64url and a dot) and say whether `signature` signs it; they
// throw (or reject, or call back with `undefined`) when the check itself fails.

const node = (): typeof NodeCrypto => {
  if (nodeCrypto === undefined) throw new Error("node:crypto is not available")
  return nodeCrypto
}

/** node:crypto, now, on the calling thread. A `KeyObject` exists only where node:crypto does. */
export const verifyNow = (
  alg: Algorithm,
  keyObject: NodeCrypto.KeyObject,
  signingInput: string,
  signature: Uint8Array<ArrayBuffer>
): boolean => node().verify(NODE_HASH[alg], encoder.encode(signingInput), keyObject, signature)

/** WebCrypto, for runtimes without node:crypto (the key is bound to its hash). */
export const verifyWebCrypto = (
  cryptoKey: CryptoKey,
  signingInput: string,
  signature: Uint8Array<ArrayBuffer>
): Promise<boolean> => crypto.subtle.verify(RSA, cryptoKey, signature, encoder.encode(signingInput))

/**
 * Whether the callback form of node:crypto's `verify` runs on a thread pool: on Node and Bun. Deno's
 * computes the answer synchronously and calls back from a timer, so there a check always runs now.
 */
export const poolAvailable: boolean = nodeCrypto !== undefined && typeof process.versions["deno"] !== "string"

/** Checks handed to the thread pool and not answered yet, whatever became of the fibers that asked. */
let pending = 0

/** node:crypto, on the thread pool; `done` gets the answer, or `undefined` when the check failed. */
export const verifyInPool = (
  alg: Algorithm,
  keyObject: NodeCrypto.KeyObject,
  signingInput: string,
  signature: Uint8Array<ArrayBuffer>,
  done: (valid: boolean | undefined) => void
): void => {
  pending++
  try {
    node().verify(NODE_HASH[alg], encoder.encode(signingInput), keyObject, signature, (error, valid) => {
      pending--
      done(error === null ? valid : undefined)
    })
  } catch (error) {
    pending--
    throw error
  }
}

/** The fiber that checked synchronously this turn; cleared by the microtask its first check queued. */
let checkedBy: object | undefined
const endTurn = (): void => {
  checkedBy = undefined
}

/**
 * Whether `fiber`'s check should run now, synchronously: none is on the thread pool, and no other fiber
 * checked synchronously since the microtasks queued before that check ran. Verifications started together
 * (`Effect.all`, `runPromise` 16 times in a loop) run in one synchronous stretch or as microtasks queued
 * together: the first checks now, the others (before its `endTurn`) go to the pool, and so do the checks
 * that follow while any is there. One at a time, `endTurn` runs before the next check (it was queued before
 * the fiber's result settled), and one fiber's checks in a row all run now.
 *
 * Yielding before each check (`Effect.yieldNow`, then looking whether others came meanwhile) detects the
 * same but cost ~10% of one-at-a-time throughput (a scheduler hop, and the scheduler's per-fiber state).
 */
export const mayVerifyNow = (fiber: object): boolean => {
  if (pending > 0 || (checkedBy !== undefined && checkedBy !== fiber)) return false
  if (checkedBy === undefined) queueMicrotask(endTurn)
  checkedBy = fiber
  return true
}
