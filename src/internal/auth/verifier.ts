/**
 * Verification of one kind of Clerk JWT against a key resolver, with a cache of the tokens whose
 * signature was already verified: decode → header → key → signature → claims shape, once per token; the
 * time, `azp`, `aud` and `iss` checks on every call.
 *
 * Plain functions returning Effects, no generators: this is the hot path of every authenticated request.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import type { KeyObject } from "node:crypto"
import * as Claims from "./claims.js"
import { ClerkTokenError, fail } from "./errors.js"
import * as Jwt from "./jwt.js"
import type * as Keys from "./keys.js"
import type { KeyResolver } from "./resolver.js"
import * as Signature from "./signature.js"

/** What makes a kind of token: its header rules and the shape of its claims. */
export interface Profile<C extends Claims.RegisteredClaims> {
  readonly header: Jwt.HeaderRules
  readonly claims: (payload: Jwt.Jwt["payload"]) => C | ClerkTokenError
}

export interface Verifier<C> {
  readonly verify: (token: string, rules: Claims.Rules) => Effect.Effect<C, ClerkTokenError>
}

/**
 * Enough for every active session of a busy instance: a Clerk session token lives a minute and is
 * presented many times in that minute.
 */
export const DEFAULT_CACHE_SIZE = 1000

interface Entry<C> {
  readonly claims: C
  /** The key that verified the signature: when it leaves the JWKS, the entry is no longer trusted. */
  readonly key: Keys.VerifyKey
}

const invalidSignature = fail("token-invalid-signature", "the signature does not match the token")
const signatureCheckFailed = fail("token-verification-failed", "the signature could not be checked")

const answer = (valid: boolean): Effect.Effect<void, ClerkTokenError> =>
  valid ? Effect.void : Effect.fail(invalidSignature)

const verifyNow = (keyObject: KeyObject, alg: Jwt.Algorithm, jwt: Jwt.Jwt): Effect.Effect<void, ClerkTokenError> => {
  let valid: boolean
  try {
    valid = Signature.verifyNow(alg, keyObject, jwt.signingInput, jwt.signature)
  } catch {
    return Effect.fail(signatureCheckFailed)
  }
  return answer(valid)
}

const verifyInPool = (keyObject: KeyObject, alg: Jwt.Algorithm, jwt: Jwt.Jwt): Effect.Effect<void, ClerkTokenError> =>
  Effect.async((resume) => {
    try {
      Signature.verifyInPool(alg, keyObject, jwt.signingInput, jwt.signature, (valid) => {
        resume(valid === undefined ? Effect.fail(signatureCheckFailed) : answer(valid))
      })
    } catch {
      resume(Effect.fail(signatureCheckFailed))
    }
  })

const verifyWebCrypto = (cryptoKey: CryptoKey, jwt: Jwt.Jwt): Effect.Effect<void, ClerkTokenError> =>
  Effect.flatMap(
    Effect.tryPromise({
      try: () => Signature.verifyWebCrypto(cryptoKey, jwt.signingInput, jwt.signature),
      catch: () => signatureCheckFailed
    }),
    answer
  )

/**
 * Synchronously one at a time, on the thread pool when several wait (see `signature.ts`).
 */
const verifySignature = (
  key: Keys.VerifyKey,
  alg: Jwt.Algorithm,
  jwt: Jwt.Jwt
): Effect.Effect<void, ClerkTokenError> => {
  const cryptoKey = key.byAlgorithm[alg]
  if (cryptoKey === undefined) {
    return Effect.fail(fail("token-invalid-algorithm", "the key is not for the token's alg"))
  }
  const keyObject = key.keyObject
  if (keyObject === undefined) return verifyWebCrypto(cryptoKey, jwt)
  if (!Signature.poolAvailable) return verifyNow(keyObject, alg, jwt)
  return Effect.withFiberRuntime((fiber) =>
    Signature.mayVerifyNow(fiber) ? verifyNow(keyObject, alg, jwt) : verifyInPool(keyObject, alg, jwt)
  )
}

export const make = <C extends Claims.RegisteredClaims>(
  resolver: KeyResolver,
  profile: Profile<C>,
  cacheSize: number = DEFAULT_CACHE_SIZE
): Verifier<C> => {
  // A Map iterates in insertion order: re-inserting on a hit keeps the least recently used entry first,
  // which is the one evicted.
  const cache = new Map<string, Entry<C>>()

  const remember = (token: string, entry: Entry<C>): void => {
    if (cache.size >= cacheSize) {
      const oldest = cache.keys().next()
      if (oldest.done !== true) cache.delete(oldest.value)
    }
    cache.set(token, entry)
  }

  const accept = (claims: C, rules: Claims.Rules, now: number): Effect.Effect<C, ClerkTokenError> => {
    const error = Claims.check(claims, rules, now)
    return error === undefined ? Effect.succeed(claims) : Effect.fail(error)
  }

  const verifyNew = (token: string, rules: Claims.Rules, now: number): Effect.Effect<C, ClerkTokenError> => {
    const jwt = Jwt.decode(token)
    if (jwt instanceof ClerkTokenError) return Effect.fail(jwt)
    const alg = Jwt.checkHeader(jwt.header, profile.header)
    if (alg instanceof ClerkTokenError) return Effect.fail(alg)
    return Effect.flatMap(
      resolver.resolve(Jwt.keyId(jwt.header), now),
      (key) =>
        Effect.flatMap(verifySignature(key, alg, jwt), () => {
          const claims = profile.claims(jwt.payload)
          if (claims instanceof ClerkTokenError) return Effect.fail(claims)
          // What is cached holds whatever the time and the options: a valid signature by this key and a
          // well-formed payload. The claims checks run below, and again on every later call.
          remember(token, { claims, key })
          return accept(claims, rules, now)
        })
    )
  }

  return {
    verify: (token, rules) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        const entry = cache.get(token)
        if (entry !== undefined) {
          cache.delete(token)
          if (resolver.isCurrent(entry.key, now)) {
            cache.set(token, entry)
            return accept(entry.claims, rules, now)
          }
        }
        return verifyNew(token, rules, now)
      })
  }
}

/** Clerk session tokens. */
export const session: Profile<Claims.SessionClaims> = {
  header: Jwt.sessionHeader,
  claims: Claims.decodeSession
}

/**
 * The signature of a JWT, and nothing else: Clerk's `verifyHandshakeJwt` checks the header (`typ`, `alg`,
 * a session or ignore `cat`, so a JWT template cannot carry `Set-Cookie` directives) and the signature,
 * but no claim, not even the time ones. The decoded token when it holds.
 */
export const verifySignatureOnly = (
  resolver: KeyResolver,
  token: string,
  header: Jwt.HeaderRules
): Effect.Effect<Jwt.Jwt, ClerkTokenError> =>
  Effect.flatMap(Clock.currentTimeMillis, (now) => {
    const jwt = Jwt.decode(token)
    if (jwt instanceof ClerkTokenError) return Effect.fail(jwt)
    const alg = Jwt.checkHeader(jwt.header, header)
    if (alg instanceof ClerkTokenError) return Effect.fail(alg)
    return Effect.as(
      Effect.flatMap(resolver.resolve(Jwt.keyId(jwt.header), now), (key) => verifySignature(key, alg, jwt)),
      jwt
    )
  })
