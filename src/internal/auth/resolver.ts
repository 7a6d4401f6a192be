/**
 * Where the key of a token comes from: the one `jwtKey` of a networkless setup, or the instance's JWKS,
 * cached. Both answer `isCurrent` synchronously, so a token found in the signature cache costs no lookup.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import { type ClerkTokenError, fail, type JwksFetchError } from "./errors.js"
import * as Keys from "./keys.js"

export interface KeyResolver {
  /** The key for a token's `kid`; may fetch the JWKS. `now` is the caller's clock reading. */
  readonly resolve: (kid: string | undefined, now: number) => Effect.Effect<Keys.VerifyKey, ClerkTokenError>
  /** Whether a key that verified a token earlier may still vouch for it, with no refresh due. */
  readonly isCurrent: (key: Keys.VerifyKey, now: number) => boolean
}

/** The `jwtKey`: every token is checked against it, whatever its `kid` (as Clerk does). */
export const local = (key: Keys.VerifyKey): KeyResolver => {
  const resolved = Effect.succeed(key)
  return { resolve: () => resolved, isCurrent: () => true }
}

/** Neither a `jwtKey` nor a JWKS: every verification fails, as Clerk's does without keys. */
export const none: KeyResolver = {
  resolve: () =>
    Effect.fail(
      fail("jwk-failed-to-resolve", "no jwtKey and no JWKS source are configured: set one to verify tokens")
    ),
  isCurrent: () => false
}

export interface JwksOptions {
  readonly fetch: Effect.Effect<ReadonlyArray<Keys.JwkLike>, JwksFetchError>
  /** How long a fetched JWKS is fresh. */
  readonly ttl: number
  /** The least time between two fetches, whatever triggers them. */
  readonly minRefetchInterval: number
}

const fetchFailure = (error: JwksFetchError): ClerkTokenError =>
  error.reason === "InvalidSecretKey"
    ? fail("secret-key-invalid", "Clerk refused the secret key used to fetch the JWKS")
    : fail("jwk-remote-failed-to-load", `the JWKS could not be fetched (${error.description})`)

/**
 * The instance's JWKS, fetched on first use and kept for `ttl`.
 *
 * - A `kid` it does not hold, or an expired TTL, triggers a refetch. Refetches are serialised by a
 *   semaphore and re-check the state once they hold it, so 50 concurrent misses make one fetch; and they
 *   are throttled to one per `minRefetchInterval`, so tokens with made-up `kid`s cannot make us hammer
 *   Clerk (the `@clerk/backend` cache refetches on every unknown `kid`).
 * - A refetch replaces the key set: keys that left it are retired.
 * - A failed refetch keeps the keys we have: a token signed by one of them still verifies, and the
 *   failure is reported only to tokens whose key we do not hold. A refetch in flight holds back only the
 *   request that started it and those whose kid we do not hold.
 *
 * The state lives in this closure: one cache per `ClerkAuth` instance, so two instances (two Clerk
 * applications, or a test and another test) never see each other's keys.
 */
export const jwks = (options: JwksOptions): Effect.Effect<KeyResolver> =>
  Effect.map(Effect.makeSemaphore(1), (lock) => {
    let keys: ReadonlyMap<string, Keys.VerifyKey> = new Map()
    let fetchedAt = Number.NEGATIVE_INFINITY
    let attemptedAt = Number.NEGATIVE_INFINITY
    let lastFailure: ClerkTokenError | undefined
    let refreshing = false

    // While a refresh is in flight, the keys we hold are served as they are: only the request that
    // started the refresh waits for it (a fetch can take its whole retry budget when Clerk is down), and
    // the requests whose kid we do not hold, which have nothing else to go on.
    const refreshDue = (now: number): boolean =>
      !refreshing && now - fetchedAt >= options.ttl && now - attemptedAt >= options.minRefetchInterval

    const found = (kid: string): Effect.Effect<Keys.VerifyKey, ClerkTokenError> => {
      const key = keys.get(kid)
      if (key !== undefined) return Effect.succeed(key)
      return Effect.fail(
        lastFailure ?? fail("jwk-kid-mismatch", "no key of the instance's JWKS matches the token's kid")
      )
    }

    const install = (fetched: ReadonlyArray<Keys.JwkLike>): Effect.Effect<void, ClerkTokenError> => {
      if (fetched.length === 0) {
        return Effect.fail(fail("jwk-remote-failed-to-load", "the JWKS holds no keys"))
      }
      const previous = new Map<string, Keys.VerifyKey>()
      for (const key of keys.values()) previous.set(key.identity, key)
      // Each key is imported on its own: one unusable key (an EC key, a `use: enc` key) does not cost us
      // the others.
      return Effect.flatMap(
        Effect.forEach(fetched, (jwk) => Effect.option(Keys.fromJwk(jwk))),
        (imported) => {
          const next = new Map<string, Keys.VerifyKey>()
          for (const option of imported) {
            if (option._tag === "None" || option.value.kid === undefined) continue
            const key = previous.get(option.value.identity) ?? option.value
            next.set(option.value.kid, key)
          }
          if (next.size === 0) {
            return Effect.fail(fail("jwk-remote-invalid", "the JWKS holds no RSA signing key with a kid"))
          }
          for (const key of keys.values()) {
            if (next.get(key.kid ?? "") !== key) key.retired = true
          }
          keys = next
          return Effect.void
        }
      )
    }

    const refresh = (kid: string): Effect.Effect<Keys.VerifyKey, ClerkTokenError> =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        // Someone else may have refreshed while we waited for the lock.
        if (keys.has(kid) && now - fetchedAt < options.ttl) return found(kid)
        if (now - attemptedAt < options.minRefetchInterval) return found(kid)
        refreshing = true
        return options.fetch.pipe(
          Effect.mapError(fetchFailure),
          Effect.flatMap(install),
          // Recorded only once the fetch is over: an interrupted fetch does not hold the others back.
          Effect.matchEffect({
            onFailure: (error) => {
              attemptedAt = now
              lastFailure = error
              return found(kid)
            },
            onSuccess: () => {
              attemptedAt = now
              fetchedAt = now
              lastFailure = undefined
              return found(kid)
            }
          }),
          Effect.ensuring(Effect.sync(() => {
            refreshing = false
          }))
        )
      })

    return {
      resolve: (kid, now) => {
        if (kid === undefined) {
          return Effect.fail(fail("jwk-kid-mismatch", "the token has no kid to look up in the JWKS"))
        }
        const key = keys.get(kid)
        if (key !== undefined && !refreshDue(now)) return Effect.succeed(key)
        return lock.withPermits(1)(refresh(kid))
      },
      isCurrent: (key, now) => !key.retired && !refreshDue(now)
    }
  })
