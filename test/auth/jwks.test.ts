/**
 * Verification against the instance's JWKS, through a fake `JwksSource` that counts its fetches: TTL,
 * single-flight and throttled refetches, stale keys while Clerk is unreachable, rotation. Time is the
 * TestClock's throughout.
 */
import { afterEach, describe, expect, it, vi } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import * as jose from "jose"
import { ClerkAuth, JwksFetchError, type JwkLike, type Options } from "../../src/ClerkAuth.js"
import { nodeCrypto } from "../../src/internal/auth/signature.js"
import * as F from "./fixtures.js"

const keyA = await F.generateKey(2048)
const keyB = await F.generateKey(3072)
const keyC = await F.generateKey(4096)
const ecJwk: JwkLike = {
  ...(await jose.exportJWK((await jose.generateKeyPair("ES256", { extractable: true })).publicKey)),
  kty: "EC",
  kid: "ins_ec",
  use: "sig"
}

const A = F.jwkOf(keyA, "ins_a")
const B = F.jwkOf(keyB, "ins_b")
const C = F.jwkOf(keyC, "ins_c")

/** Valid for hours of TestClock time, so that only the keys decide. */
const token = (key: F.TestKey, kid: string | undefined, overrides: Record<string, unknown> = {}) =>
  Effect.promise(() => F.sign(key, F.claims({ exp: F.NOW + 86_400, ...overrides }), { header: { kid } }))

const setup = (keys: ReadonlyArray<JwkLike>, options: Omit<Options, "jwtKey"> = {}) => {
  const fake = F.fakeJwks(keys)
  const layer = Layer.orDie(ClerkAuth.layer({ publishableKey: F.PUBLISHABLE_KEY, ...options })).pipe(
    Layer.provide(fake.layer)
  )
  return { fake: fake.state, layer }
}

const minutes = (n: number) => TestClock.adjust(`${n} minutes`)
const seconds = (n: number) => TestClock.adjust(`${n} seconds`)

/** Lets forked fibers run until `done` holds (they block on a TestClock sleep or a semaphore). */
const until = (done: () => boolean) =>
  Effect.gen(function*() {
    for (let i = 0; i < 1000 && !done(); i++) yield* Effect.yieldNow()
    expect(done()).toBe(true)
  })

afterEach(() => {
  vi.restoreAllMocks()
})

describe("JWKS", () => {
  it.effect("is fetched on first use and reused for every key it holds", () => {
    const { fake, layer } = setup([A, B])
    return Effect.gen(function*() {
      yield* F.setNow(F.NOW)
      const auth = yield* ClerkAuth
      expect(fake.fetches).toBe(0)
      expect((yield* auth.verifyToken(yield* token(keyA, "ins_a"))).sub).toBe("user_2xUs3r")
      expect((yield* auth.verifyToken(yield* token(keyB, "ins_b"))).sub).toBe("user_2xUs3r")
      expect((yield* auth.verifyToken(yield* token(keyA, "ins_a", { sid: "sess_2" }))).sid).toBe("sess_2")
      expect(fake.fetches).toBe(1)
    }).pipe(Effect.provide(layer))
  })

  it.effect("is fetched again once its TTL (default 1 hour) is over", () => {
    const { fake, layer } = setup([A])
    return Effect.gen(function*() {
      yield* F.setNow(F.NOW)
      const auth = yield* ClerkAuth
      yield* auth.verifyToken(yield* token(keyA, "ins_a"))
      yield* seconds(3599)
      yield* auth.verifyToken(yield* token(keyA, "ins_a", { sid: "sess_2" }))
      expect(fake.fetches).toBe(1)
      yield* seconds(1)
      yield* auth.verifyToken(yield* token(keyA, "ins_a", { sid: "sess_3" }))
      expect(fake.fetches).toBe(2)
      yield* auth.verifyToken(yield* token(keyA, "ins_a", { sid: "sess_4" }))
      expect(fake.fetches).toBe(2)
    }).pipe(Effect.provide(layer))
  })

  it.effect("takes its TTL from jwksCacheTtl", () => {
    const { fake, layer } = setup([A], { jwksCacheTtl: "10 minutes" })
    return Effect.gen(function*() {
      yield* F.setNow(F.NOW)
      const auth = yield* ClerkAuth
      yield* auth.verifyToken(yield* token(keyA, "ins_a"))
      yield* minutes(9)
      yield* auth.verifyToken(yield* token(keyA, "ins_a", { sid: "sess_2" }))
      expect(fake.fetches).toBe(1)
      yield* minutes(1)
      yield* auth.verifyToken(yield* token(keyA, "ins_a", { sid: "sess_3" }))
      expect(fake.fetches).toBe(2)
    }).pipe(Effect.provide(layer))
  })

  it.effect("makes one fetch for 50 concurrent verifications on a cold cache", () => {
    const { fake, layer } = setup([A])
    return Effect.gen(function*() {
      yield* F.setNow(F.NOW)
      const auth = yield* ClerkAuth
      fake.delaySeconds = 1
      const tokens = yield* Effect.forEach(Array.from({ length: 50 }, (_, i) => i), (i) =>
        token(keyA, "ins_a", { sid: `sess_${i}` }))
      const fiber = yield* Effect.fork(Effect.forEach(tokens, (t) => auth.verifyToken(t), { concurrency: "unbounded" }))
      yield* until(() => fake.fetches > 0)
      for (let i = 0; i < 50; i++) yield* Effect.yieldNow()
      expect(Option.isNone(yield* Fiber.poll(fiber))).toBe(true)
      yield* seconds(1)
      const claims = yield* Fiber.join(fiber)
      expect(claims.map((c) => c.sid)).toEqual(tokens.map((_, i) => `sess_${i}`))
      expect(fake.fetches).toBe(1)
    }).pipe(Effect.provide(layer))
  })

  it.effect("makes one fetch for 50 concurrent verifications with a new kid, then none for 30 s", () => {
    const { fake, layer } = setup([A])
    return Effect.gen(function*() {
      yield* F.setNow(F.NOW)
      const auth = yield* ClerkAuth
      yield* auth.verifyToken(yield* token(keyA, "ins_a"))
      expect(fake.fetches).toBe(1)

      // Clerk rotates in key B; tokens signed by it arrive 40 s later, 50 at once.
      fake.keys = [A, B]
      fake.delaySeconds = 1
      yield* seconds(40)
      const tokens = yield* Effect.forEach(Array.from({ length: 50 }, (_, i) => i), (i) =>
        token(keyB, "ins_b", { sid: `sess_${i}` }))
      const fiber = yield* Effect.fork(Effect.forEach(tokens, (t) => auth.verifyToken(t), { concurrency: "unbounded" }))
      yield* until(() => fake.fetches > 1)
      yield* seconds(1)
      expect((yield* Fiber.join(fiber)).length).toBe(50)
      expect(fake.fetches).toBe(2)

      // A kid nobody knows, within 30 s of that fetch: no fetch, kid mismatch.
      fake.delaySeconds = 0
      yield* seconds(28)
      const unknown = yield* token(keyC, "ins_c")
      expect((yield* Effect.flip(auth.verifyToken(unknown))).reason).toBe("jwk-kid-mismatch")
      expect((yield* Effect.flip(auth.verifyToken(unknown))).reason).toBe("jwk-kid-mismatch")
      expect(fake.fetches).toBe(2)
      // 30 s after it: one fetch, which now finds the key.
      fake.keys = [A, B, C]
      yield* seconds(1)
      expect((yield* auth.verifyToken(unknown)).sub).toBe("user_2xUs3r")
      expect(fake.fetches).toBe(3)
    }).pipe(Effect.provide(layer))
  })

  it.effect("keeps serving the keys it has while a refetch fails", () => {
    const { fake, layer } = setup([A])
    return Effect.gen(function*() {
      yield* F.setNow(F.NOW)
      const auth = yield* ClerkAuth
      const cached = yield* token(keyA, "ins_a")
      yield* auth.verifyToken(cached)

      fake.failure = F.unavailable
      yield* minutes(60)
      // The TTL is over and the refetch fails: key A still verifies, new tokens and cached ones.
      expect((yield* auth.verifyToken(yield* token(keyA, "ins_a", { sid: "sess_new" }))).sid).toBe("sess_new")
      expect(fake.fetches).toBe(2)
      expect((yield* auth.verifyToken(cached)).sub).toBe("user_2xUs3r")
      // A key we never had cannot be served: the failure is reported, and not retried within 30 s.
      const error = yield* Effect.flip(auth.verifyToken(yield* token(keyB, "ins_b")))
      expect(error.reason).toBe("jwk-remote-failed-to-load")
      expect(error.description).toContain("503 from the Backend API")
      expect(fake.fetches).toBe(2)
      // 30 s on, one more attempt (still failing), still serving key A.
      yield* seconds(30)
      expect((yield* auth.verifyToken(yield* token(keyA, "ins_a", { sid: "sess_3" }))).sid).toBe("sess_3")
      expect(fake.fetches).toBe(3)
      // Clerk is back: the next attempt refreshes, and B is known.
      fake.failure = undefined
      fake.keys = [A, B]
      yield* seconds(30)
      expect((yield* auth.verifyToken(yield* token(keyB, "ins_b"))).sub).toBe("user_2xUs3r")
      expect(fake.fetches).toBe(4)
    }).pipe(Effect.provide(layer))
  })

  it.effect("serves the keys it holds while a slow refresh is in flight", () => {
    const { fake, layer } = setup([A])
    return Effect.gen(function*() {
      yield* F.setNow(F.NOW)
      const auth = yield* ClerkAuth
      const cached = yield* token(keyA, "ins_a")
      yield* auth.verifyToken(cached)
      fake.delaySeconds = 60
      yield* minutes(60)
      const starter = yield* Effect.fork(auth.verifyToken(yield* token(keyA, "ins_a", { sid: "sess_starter" })))
      yield* until(() => fake.fetches === 2)
      // No clock moves: these complete while the fetch sleeps.
      expect((yield* auth.verifyToken(cached)).sub).toBe("user_2xUs3r")
      expect((yield* auth.verifyToken(yield* token(keyA, "ins_a", { sid: "sess_other" }))).sid).toBe("sess_other")
      expect(Option.isNone(yield* Fiber.poll(starter))).toBe(true)
      yield* seconds(60)
      expect((yield* Fiber.join(starter)).sid).toBe("sess_starter")
      expect(fake.fetches).toBe(2)
    }).pipe(Effect.provide(layer))
  })

  it.effect("reports a failed first fetch, and tries again 30 s later", () => {
    const { fake, layer } = setup([A])
    return Effect.gen(function*() {
      yield* F.setNow(F.NOW)
      const auth = yield* ClerkAuth
      fake.failure = new JwksFetchError({ reason: "InvalidSecretKey", description: "clerk_key_invalid" })
      const t = yield* token(keyA, "ins_a")
      expect((yield* Effect.flip(auth.verifyToken(t))).reason).toBe("secret-key-invalid")
      fake.failure = F.unavailable
      yield* seconds(29)
      expect((yield* Effect.flip(auth.verifyToken(t))).reason).toBe("secret-key-invalid")
      expect(fake.fetches).toBe(1)
      yield* seconds(1)
      expect((yield* Effect.flip(auth.verifyToken(t))).reason).toBe("jwk-remote-failed-to-load")
      expect(fake.fetches).toBe(2)
      fake.failure = undefined
      yield* seconds(30)
      expect((yield* auth.verifyToken(t)).sub).toBe("user_2xUs3r")
      expect(fake.fetches).toBe(3)
    }).pipe(Effect.provide(layer))
  })

  it.effect("skips keys it cannot use, and refuses a JWKS with none it can", () =>
    Effect.gen(function*() {
      yield* F.setNow(F.NOW)
      const noKid: JwkLike = { kty: "RSA", n: keyB.jwk.n, e: keyB.jwk.e }
      const encryption: JwkLike = { ...B, use: "enc" }
      const mixed = setup([ecJwk, encryption, noKid, A])
      const t = yield* token(keyA, "ins_a")
      expect((yield* ClerkAuth.verifyToken(t).pipe(Effect.provide(mixed.layer))).sub).toBe("user_2xUs3r")
      const useless = setup([ecJwk, encryption, noKid])
      expect((yield* Effect.flip(ClerkAuth.verifyToken(t).pipe(Effect.provide(useless.layer)))).reason).toBe(
        "jwk-remote-invalid"
      )
      const empty = setup([])
      expect((yield* Effect.flip(ClerkAuth.verifyToken(t).pipe(Effect.provide(empty.layer)))).reason).toBe(
        "jwk-remote-failed-to-load"
      )
    }))

  it.effect("refuses a token without kid, without fetching", () => {
    const { fake, layer } = setup([A])
    return Effect.gen(function*() {
      yield* F.setNow(F.NOW)
      const error = yield* Effect.flip(ClerkAuth.verifyToken(yield* token(keyA, undefined)))
      expect(error.reason).toBe("jwk-kid-mismatch")
      expect(fake.fetches).toBe(0)
    }).pipe(Effect.provide(layer))
  })

  it.effect("drops a key that leaves the JWKS, with the tokens it verified", () => {
    const { fake, layer } = setup([A, B])
    return Effect.gen(function*() {
      yield* F.setNow(F.NOW)
      const auth = yield* ClerkAuth
      const byA = yield* token(keyA, "ins_a")
      const byB = yield* token(keyB, "ins_b")
      yield* auth.verifyToken(byA)
      yield* auth.verifyToken(byB)
      if (nodeCrypto === undefined) throw new Error("these tests run on Node")
      const verifications = vi.spyOn(nodeCrypto, "verify")

      fake.keys = [B]
      yield* minutes(60)
      expect((yield* Effect.flip(auth.verifyToken(byA))).reason).toBe("jwk-kid-mismatch")
      expect(fake.fetches).toBe(2)
      expect(verifications).not.toHaveBeenCalled()
      // B stayed (the refresh kept its imported key): its token is still taken from the cache.
      yield* auth.verifyToken(byB)
      expect(verifications).not.toHaveBeenCalled()
      expect((yield* Effect.flip(auth.verifyToken(byA))).reason).toBe("jwk-kid-mismatch")
    }).pipe(Effect.provide(layer))
  })

  it.effect("notices a kid whose key material changed", () => {
    const { fake, layer } = setup([A])
    return Effect.gen(function*() {
      yield* F.setNow(F.NOW)
      const auth = yield* ClerkAuth
      const old = yield* token(keyA, "ins_a")
      yield* auth.verifyToken(old)
      fake.keys = [{ ...B, kid: "ins_a" }]
      yield* minutes(60)
      expect((yield* Effect.flip(auth.verifyToken(old))).reason).toBe("token-invalid-signature")
      expect((yield* auth.verifyToken(yield* token(keyB, "ins_a"))).sub).toBe("user_2xUs3r")
    }).pipe(Effect.provide(layer))
  })

  it.effect("does not let an interrupted fetch hold back the next one", () => {
    const { fake, layer } = setup([A])
    return Effect.gen(function*() {
      yield* F.setNow(F.NOW)
      const auth = yield* ClerkAuth
      const t = yield* token(keyA, "ins_a")
      fake.delaySeconds = 10
      const first = yield* Effect.fork(auth.verifyToken(t))
      yield* until(() => fake.fetches === 1)
      yield* Fiber.interrupt(first)
      fake.delaySeconds = 0
      expect((yield* auth.verifyToken(t)).sub).toBe("user_2xUs3r")
      expect(fake.fetches).toBe(2)
    }).pipe(Effect.provide(layer))
  })

  it.effect("is one cache per ClerkAuth instance", () =>
    Effect.gen(function*() {
      yield* F.setNow(F.NOW)
      const first = setup([A])
      const second = setup([B])
      const byA = yield* token(keyA, "ins_a")
      expect((yield* ClerkAuth.verifyToken(byA).pipe(Effect.provide(first.layer))).sub).toBe("user_2xUs3r")
      expect((yield* Effect.flip(ClerkAuth.verifyToken(byA).pipe(Effect.provide(second.layer)))).reason).toBe(
        "jwk-kid-mismatch"
      )
      expect([first.fake.fetches, second.fake.fetches]).toEqual([1, 1])
    }))
})
