/**
 * Ids that look like Clerk's: a prefix and 27 base62 characters, KSUID-style (a timestamp in the first four
 * bytes, so ids made later sort later, then sixteen bytes from a seeded generator), deterministic for a
 * given seed and sequence number.
 */

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
const KSUID_EPOCH_SECONDS = 1_400_000_000

// mulberry32: small, fast and good enough to make ids that do not collide in a test.
const mulberry32 = (seed: number) => {
  let state = seed >>> 0
  return (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return (t ^ (t >>> 14)) >>> 0
  }
}

/** Four 32-bit words from a seed and a sequence number. */
const words = (seed: number, seq: number): ReadonlyArray<number> => {
  const next = mulberry32(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(seq, 0xc2b2ae35))
  return [next(), next(), next(), next()]
}

const base62 = (value: bigint, length: number): string => {
  let out = ""
  let rest = value
  while (rest > 0n) {
    out = BASE62[Number(rest % 62n)] + out
    rest = rest / 62n
  }
  return out.padStart(length, "0")
}

/** `user_2x…` (27 base62 characters after the prefix). */
export const make = (prefix: string, seed: number, seq: number, nowMillis: number): string => {
  const seconds = BigInt(Math.max(0, Math.floor(nowMillis / 1000) - KSUID_EPOCH_SECONDS) >>> 0)
  let value = seconds
  for (const word of words(seed, seq)) value = (value << 32n) | BigInt(word)
  return `${prefix}_${base62(value, 27)}`
}

/** An opaque token (sign-in tokens, actor tokens, invitation tickets): 40 base62 characters. */
export const token = (seed: number, seq: number): string => {
  let value = 0n
  for (const word of [...words(seed ^ 0x5bd1e995, seq), ...words(seed ^ 0x1b873593, seq)]) {
    value = (value << 32n) | BigInt(word)
  }
  return base62(value, 40).slice(-40)
}

/** `mt_…`, `ak_…`: the ids Clerk gives M2M tokens and API keys, a prefix and 32 hex characters. */
export const hex = (prefix: string, seed: number, seq: number): string =>
  `${prefix}_${words(seed ^ 0x165667b1, seq).map((w) => w.toString(16).padStart(8, "0")).join("")}`

/** A trace id for error bodies: 32 hex characters. */
export const traceId = (seed: number, seq: number): string =>
  words(seed ^ 0x27d4eb2f, seq).map((w) => w.toString(16).padStart(8, "0")).join("")
