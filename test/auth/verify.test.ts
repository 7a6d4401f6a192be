/**
 * `verifyToken` with a `jwtKey`: keys of every size, the structure and header checks, the claims checks
 * and their clock-skew edges (TestClock), the signature cache, and what errors may and may not say.
 */
import { afterEach, describe, expect, it, vi } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import * as jose from "jose"
import { expectTypeOf } from "vitest"
import { ClerkAuth, type ClerkTokenError, JwksSource, type Options, type VerifyOptions } from "../../src/ClerkAuth.js"
import { CATEGORY_IGNORE, CATEGORY_SESSION } from "../../src/internal/auth/jwt.js"
import * as Keys from "../../src/internal/auth/keys.js"
import * as Resolver from "../../src/internal/auth/resolver.js"
import { nodeCrypto } from "../../src/internal/auth/signature.js"
import * as Verifier from "../../src/internal/auth/verifier.js"
import * as F from "./fixtures.js"

const k2048 = await F.generateKey(2048)
const k3072 = await F.generateKey(3072)
const k4096 = await F.generateKey(4096)
const stranger = await F.generateKey(2048)

type LayerOptions = Omit<Options, "jwtKey">

const layerFor = (key: F.TestKey = k2048, options: LayerOptions = {}) =>
  Layer.orDie(ClerkAuth.layer({ publishableKey: F.PUBLISHABLE_KEY, ...options, jwtKey: key.pem }))

const verify = (token: string, options: LayerOptions = {}, verifyOptions?: VerifyOptions) =>
  ClerkAuth.verifyToken(token, verifyOptions).pipe(Effect.provide(layerFor(k2048, options)))

const rejection = (token: string, options: LayerOptions = {}, verifyOptions?: VerifyOptions) =>
  Effect.flip(verify(token, options, verifyOptions))

const reasonOf = (token: string, options: LayerOptions = {}, verifyOptions?: VerifyOptions) =>
  Effect.map(rejection(token, options, verifyOptions), (error) => error.reason)

const signed = (overrides: Record<string, unknown> = {}, options: F.SignOptions = {}, key: F.TestKey = k2048) =>
  Effect.promise(() => F.sign(key, F.claims(overrides), options))

/** Counts RSA verifications: node:crypto's one-shot verify, which the verifier uses on Node. */
const countVerifications = () => {
  if (nodeCrypto === undefined) throw new Error("these tests run on Node, where node:crypto is available")
  return vi.spyOn(nodeCrypto, "verify")
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe("keys", () => {
  for (const key of [k2048, k3072, k4096]) {
    it.effect(`verifies RS256, RS384 and RS512 with an RSA-${key.bits} PEM`, () =>
      Effect.gen(function*() {
        yield* F.setNow(F.NOW)
        const auth = yield* ClerkAuth
        for (const alg of ["RS256", "RS384", "RS512"] as const) {
          const claims = yield* auth.verifyToken(yield* signed({}, { alg }, key))
          expect(claims.sub).toBe("user_2xUs3r")
        }
      }).pipe(Effect.provide(layerFor(key))))

    it.effect(`verifies with an RSA-${key.bits} JWK, only for the alg it declares`, () =>
      Effect.gen(function*() {
        yield* F.setNow(F.NOW)
        const auth = yield* ClerkAuth
        expect((yield* auth.verifyToken(yield* signed({}, {}, key))).sub).toBe("user_2xUs3r")
        const rs512 = yield* Effect.flip(auth.verifyToken(yield* signed({}, { alg: "RS512" }, key)))
        expect(rs512.reason).toBe("token-invalid-algorithm")
      }).pipe(
        Effect.provide(
          Layer.orDie(ClerkAuth.layer({ jwtKey: F.jwkOf(key, "ins_1"), publishableKey: F.PUBLISHABLE_KEY }))
        )
      ))
  }

  it.effect("verifies with a JWK that declares no alg, for every RS algorithm", () =>
    Effect.gen(function*() {
      yield* F.setNow(F.NOW)
      const auth = yield* ClerkAuth
      for (const alg of ["RS256", "RS384", "RS512"] as const) {
        expect((yield* auth.verifyToken(yield* signed({}, { alg }, k3072))).sub).toBe("user_2xUs3r")
      }
    }).pipe(
      Effect.provide(Layer.orDie(
        ClerkAuth.layer({ jwtKey: { kty: "RSA", n: k3072.jwk.n, e: k3072.jwk.e }, publishableKey: F.PUBLISHABLE_KEY })
      ))
    ))

  it.effect("reads a PEM pasted on one line with literal \\n sequences", () =>
    Effect.gen(function*() {
      yield* F.setNow(F.NOW)
      const oneLine = k2048.pem.trim().replace(/\n/g, "\\n")
      expect(oneLine).not.toContain("\n")
      const claims = yield* ClerkAuth.verifyToken(yield* signed()).pipe(
        Effect.provide(Layer.orDie(ClerkAuth.layer({ jwtKey: oneLine, publishableKey: F.PUBLISHABLE_KEY })))
      )
      expect(claims.sid).toBe("sess_2xS3ss10n")
    }))

  it.effect("ignores the token's kid with a jwtKey, as Clerk does", () =>
    Effect.gen(function*() {
      yield* F.setNow(F.NOW)
      expect((yield* verify(yield* signed({}, { header: { kid: "ins_anything" } }))).sub).toBe("user_2xUs3r")
      expect((yield* verify(yield* signed({}, { header: { kid: undefined } }))).sub).toBe("user_2xUs3r")
    }))
})

describe("layer options", () => {
  const refusal = (options: Options) =>
    Effect.flip(Effect.scoped(Layer.build(ClerkAuth.layer(options).pipe(Layer.provide(JwksSource.none)))))

  it.effect("refuses a jwtKey that is not an RSA public key of 2048 bits or more, without echoing it", () =>
    Effect.gen(function*() {
      const small = F.weakKey()
      const ec = yield* Effect.promise(() => jose.generateKeyPair("ES256", { extractable: true }))
      const ecPem = yield* Effect.promise(() => jose.exportSPKI(ec.publicKey))
      const cases: ReadonlyArray<readonly [Options["jwtKey"], string]> = [
        [small.pem, "1024 bits"],
        [{ ...small.jwk, kid: "ins_1" }, "1024 bits"],
        [ecPem, "not an RSA public key"],
        ["-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----", "not an RSA public key"],
        ["", "not an RSA public key"],
        [{ kty: "EC", kid: "ins_1" }, "not an RSA key"],
        [{ ...F.jwkOf(k2048, "ins_1"), use: "enc" }, "not a signing key"],
        [{ ...F.jwkOf(k2048, "ins_1"), alg: "PS256" }, "not an RS256, RS384 or RS512 key"]
      ]
      for (const [jwtKey, why] of cases) {
        const error = yield* refusal({ jwtKey, publishableKey: F.PUBLISHABLE_KEY })
        expect(error._tag).toBe("IllegalArgumentException")
        expect(error.message).toContain("jwtKey")
        expect(error.message).toContain(why)
        if (typeof jwtKey === "string" && jwtKey.length > 60) expect(error.message).not.toContain(jwtKey.slice(30, 60))
      }
    }))

  it.effect("takes only the public members of a private JWK", () =>
    Effect.gen(function*() {
      yield* F.setNow(F.NOW)
      const privateJwk = yield* Effect.promise(() => jose.exportJWK(k2048.privateKey))
      const jwtKey = { ...privateJwk, kty: "RSA", kid: "ins_1" }
      const claims = yield* ClerkAuth.verifyToken(yield* signed()).pipe(
        Effect.provide(Layer.orDie(ClerkAuth.layer({ jwtKey, publishableKey: F.PUBLISHABLE_KEY })))
      )
      expect(claims.sub).toBe("user_2xUs3r")
    }))

  it.effect("needs a way to pin the issuer, and a well-formed publishable key, proxy URL and durations", () =>
    Effect.gen(function*() {
      const cases: ReadonlyArray<readonly [Options, string]> = [
        [{ jwtKey: k2048.pem }, "issuer cannot be pinned"],
        [{ jwtKey: k2048.pem, publishableKey: "pk_test_bm90LWEtaG9zdA" }, "publishableKey"],
        [{ jwtKey: k2048.pem, publishableKey: "sk_test_abc" }, "publishableKey"],
        [{ publishableKey: "pk_live_" }, "publishableKey"],
        [{ jwtKey: k2048.pem, proxyUrl: "/__clerk" }, "proxyUrl"],
        [{ jwtKey: k2048.pem, publishableKey: F.PUBLISHABLE_KEY, clockSkew: Infinity }, "clockSkew"],
        [{ publishableKey: F.PUBLISHABLE_KEY, jwksCacheTtl: Infinity }, "jwksCacheTtl"]
      ]
      for (const [options, why] of cases) {
        const error = yield* refusal(options)
        expect(error._tag).toBe("IllegalArgumentException")
        expect(error.message).toContain(why)
      }
    }))

  it.effect("takes the issuer from `issuer`, or from the publishable key and the proxy URL", () =>
    Effect.gen(function*() {
      yield* F.setNow(F.NOW)
      const proxied = yield* signed({ iss: "https://app.example.com/__clerk" })
      const direct = yield* signed()
      const proxyLayer = { proxyUrl: "https://app.example.com/__clerk/" }
      expect((yield* verify(proxied, proxyLayer)).iss).toBe("https://app.example.com/__clerk")
      expect((yield* verify(direct, proxyLayer)).iss).toBe(F.ISSUER)
      const onlyProxy = Layer.orDie(ClerkAuth.layer({ jwtKey: k2048.pem, proxyUrl: "https://app.example.com/__clerk" }))
      expect((yield* Effect.flip(ClerkAuth.verifyToken(direct).pipe(Effect.provide(onlyProxy)))).reason).toBe(
        "token-invalid-issuer"
      )
      const explicit = { issuer: ["https://a.example", "https://b.example"] }
      expect((yield* verify(yield* signed({ iss: "https://b.example" }), explicit)).iss).toBe("https://b.example")
      expect(yield* reasonOf(direct, explicit)).toBe("token-invalid-issuer")
    }))
})

describe("structure and header", () => {
  const payload = F.claims()

  it.effect("refuses what is not three base64url parts of JSON objects with token-invalid", () =>
    Effect.gen(function*() {
      yield* F.setNow(F.NOW)
      const good = yield* signed()
      const [h = "", p = "", s = ""] = good.split(".")
      const cases = [
        "",
        "abc",
        `${h}.${p}`,
        `${h}.${p}.${s}.${s}`,
        `${h}..${s}`,
        `.${p}.${s}`,
        `${F.base64url("not json")}.${p}.${s}`,
        `${F.base64url("[1,2]")}.${p}.${s}`,
        `${F.base64url("null")}.${p}.${s}`,
        `${h}.${F.base64url("\"a string\"")}.${s}`,
        `${h}.${p}.${s}!`,
        `${h}.${p.slice(0, -1)}+.${s}`,
        `${h}=.${p}.${s}`,
        `${h}.${p}.${s}AAA`,
        ` ${good}`
      ]
      for (const token of cases) expect(yield* reasonOf(token)).toBe("token-invalid")
    }))

  it.effect("refuses a 1 MB token with token-invalid before decoding a byte of it", () =>
    Effect.gen(function*() {
      yield* F.setNow(F.NOW)
      const huge = yield* Effect.promise(() => F.sign(k2048, { ...payload, pad: "x".repeat(1024 * 1024) }))
      const verifications = countVerifications()
      const started = performance.now()
      const error = yield* rejection(huge)
      expect(error.reason).toBe("token-invalid")
      expect(error.description).toContain("16384")
      expect(performance.now() - started).toBeLessThan(250)
      expect(verifications).not.toHaveBeenCalled()
      // Under the limit, a large token still verifies.
      const big = yield* Effect.promise(() => F.sign(k2048, { ...payload, pad: "x".repeat(10_000) }))
      expect(big.length).toBeLessThan(16 * 1024)
      expect((yield* verify(big)).sub).toBe("user_2xUs3r")
    }))

  it.effect("refuses a token that is not a string (JavaScript callers) with token-invalid", () =>
    Effect.gen(function*() {
      // JSON.parse gives what an untyped caller would pass.
      for (const token of [JSON.parse("null"), JSON.parse("42"), JSON.parse("{}")]) {
        expect(yield* reasonOf(token)).toBe("token-invalid")
      }
    }))

  it.effect("accepts typ JWT or no typ; refuses any other typ with token-invalid", () =>
    Effect.gen(function*() {
      yield* F.setNow(F.NOW)
      expect((yield* verify(yield* signed({}, { header: { typ: undefined } }))).sub).toBe("user_2xUs3r")
      for (const typ of ["at+jwt", "application/at+jwt", "jwt", 5, null]) {
        expect(yield* reasonOf(yield* signed({}, { header: { typ } }))).toBe("token-invalid")
      }
    }))

  it.effect("allows only RS256, RS384 and RS512: none, HS256 and the rest fail with token-invalid-algorithm", () =>
    Effect.gen(function*() {
      yield* F.setNow(F.NOW)
      const good = yield* signed()
      const [, , signature = ""] = good.split(".")
      const verifications = countVerifications()
      const cases = [
        F.rawToken({ alg: "none", typ: "JWT" }, payload),
        F.rawToken({ alg: "none", typ: "JWT" }, payload, signature),
        F.rawToken({ alg: "None" }, payload),
        F.hs256WithPublicKey(k2048.pem, payload),
        F.rawToken({ alg: "ES256", typ: "JWT", kid: "ins_1" }, payload, signature),
        F.rawToken({ alg: "PS256", typ: "JWT", kid: "ins_1" }, payload, signature),
        F.rawToken({ alg: "rs256", typ: "JWT", kid: "ins_1" }, payload, signature),
        F.rawToken({ typ: "JWT", kid: "ins_1" }, payload, signature),
        F.rawToken({ alg: ["RS256"], typ: "JWT" }, payload, signature)
      ]
      for (const token of cases) expect(yield* reasonOf(token)).toBe("token-invalid-algorithm")
      expect(verifications).not.toHaveBeenCalled()
    }))

  it.effect("accepts the session and ignore categories and none; refuses the others with token-invalid", () =>
    Effect.gen(function*() {
      yield* F.setNow(F.NOW)
      for (const cat of [CATEGORY_SESSION, CATEGORY_IGNORE, undefined]) {
        expect((yield* verify(yield* signed({}, { header: { cat } }))).sub).toBe("user_2xUs3r")
      }
      for (const cat of ["cl_B7d4PD222AAA", "cl_B7d4PD333AAA", "session", 1]) {
        const error = yield* rejection(yield* signed({}, { header: { cat } }))
        expect(error.reason).toBe("token-invalid")
        expect(error.description).toContain("cat")
      }
    }))

  it.effect("checks typ before alg, and the signature before any claim", () =>
    Effect.gen(function*() {
      yield* F.setNow(F.NOW)
      expect(yield* reasonOf(F.rawToken({ alg: "none", typ: "at+jwt" }, payload))).toBe("token-invalid")
      const expiredAndForged = yield* signed({ exp: F.NOW - 3600, azp: "https://evil.example" }, {}, stranger)
      expect(yield* reasonOf(expiredAndForged, { authorizedParties: [F.ORIGIN] })).toBe("token-invalid-signature")
      const good = yield* signed()
      const [h = "", , s = ""] = good.split(".")
      const tampered = `${h}.${F.base64url(JSON.stringify({ ...payload, sub: "user_admin" }))}.${s}`
      expect(yield* reasonOf(tampered)).toBe("token-invalid-signature")
    }))
})

describe("claims", () => {
  const EXP = F.NOW + 60

  it.effect("exp: valid up to exp + skew (5 s), expired from exp + skew on", () =>
    Effect.gen(function*() {
      yield* F.setNow(F.NOW)
      const auth = yield* ClerkAuth
      const token = yield* signed({ exp: EXP })
      const at = (ms: number) => Effect.zipRight(TestClock.setTime(ms), Effect.either(auth.verifyToken(token)))
      expect((yield* at(EXP * 1000 - 5000))._tag).toBe("Right")
      expect((yield* at(EXP * 1000))._tag).toBe("Right")
      expect((yield* at(EXP * 1000 + 4999))._tag).toBe("Right")
      const expired = yield* at(EXP * 1000 + 5000)
      expect(expired._tag === "Left" && expired.left.reason).toBe("token-expired")
      const later = yield* at(EXP * 1000 + 60_000)
      expect(later._tag === "Left" && later.left.reason).toBe("token-expired")
    }).pipe(Effect.provide(layerFor())))

  it.effect("exp with clockSkew 0 expires at exp exactly; a per-call clockSkew applies to that call", () =>
    Effect.gen(function*() {
      const token = yield* signed({ exp: EXP })
      yield* TestClock.setTime(EXP * 1000 - 1)
      expect((yield* verify(token, { clockSkew: 0 })).sub).toBe("user_2xUs3r")
      yield* TestClock.setTime(EXP * 1000)
      expect(yield* reasonOf(token, { clockSkew: 0 })).toBe("token-expired")
      expect((yield* verify(token, {}, { clockSkew: "1 second" })).sub).toBe("user_2xUs3r")
      yield* TestClock.setTime(EXP * 1000 + 1000)
      expect(yield* reasonOf(token, {}, { clockSkew: "1 second" })).toBe("token-expired")
      expect((yield* verify(token, {}, { clockSkew: "1 day" })).sub).toBe("user_2xUs3r")
    }))

  it.effect("nbf and iat: valid from nbf/iat - skew on, not before", () =>
    Effect.gen(function*() {
      const auth = yield* ClerkAuth
      const future = F.NOW + 600
      const nbf = yield* signed({ nbf: future, iat: F.NOW - 5, exp: future + 60 })
      const iat = yield* signed({ nbf: F.NOW - 5, iat: future, exp: future + 60 })
      const at = (token: string, ms: number) =>
        Effect.zipRight(TestClock.setTime(ms), Effect.either(auth.verifyToken(token)))
      const early = yield* at(nbf, future * 1000 - 5001)
      expect(early._tag === "Left" && early.left.reason).toBe("token-not-active-yet")
      expect((yield* at(nbf, future * 1000 - 5000))._tag).toBe("Right")
      const tooNew = yield* at(iat, future * 1000 - 5001)
      expect(tooNew._tag === "Left" && tooNew.left.reason).toBe("token-iat-in-the-future")
      expect((yield* at(iat, future * 1000 - 5000))._tag).toBe("Right")
    }).pipe(Effect.provide(layerFor())))

  it.effect("azp: missing or unlisted fails when authorizedParties is set; anything goes otherwise", () =>
    Effect.gen(function*() {
      yield* F.setNow(F.NOW)
      const parties = { authorizedParties: [F.ORIGIN, "http://localhost:3000"] }
      const missing = yield* signed({ azp: undefined })
      const wrong = yield* signed({ azp: "https://evil.example" })
      const lookalike = yield* signed({ azp: `${F.ORIGIN}.evil.example` })
      expect(yield* reasonOf(missing, parties)).toBe("token-invalid-authorized-parties")
      expect(yield* reasonOf(wrong, parties)).toBe("token-invalid-authorized-parties")
      expect(yield* reasonOf(lookalike, parties)).toBe("token-invalid-authorized-parties")
      expect((yield* verify(yield* signed(), parties)).azp).toBe(F.ORIGIN)
      expect((yield* verify(yield* signed({ azp: "http://localhost:3000" }), parties)).sub).toBe("user_2xUs3r")
      // No authorizedParties (or an empty list): not checked, as Clerk.
      expect((yield* verify(missing)).sub).toBe("user_2xUs3r")
      expect((yield* verify(wrong, { authorizedParties: [] })).sub).toBe("user_2xUs3r")
      // Per call.
      expect(yield* reasonOf(wrong, {}, { authorizedParties: [F.ORIGIN] })).toBe("token-invalid-authorized-parties")
      expect((yield* verify(wrong, parties, { authorizedParties: ["https://evil.example"] })).sub).toBe("user_2xUs3r")
    }))

  it.effect("aud: checked against audience when the token has one", () =>
    Effect.gen(function*() {
      yield* F.setNow(F.NOW)
      const audience = { audience: ["api://one", "api://two"] }
      expect((yield* verify(yield* signed({ aud: "api://two" }), audience)).aud).toBe("api://two")
      expect((yield* verify(yield* signed({ aud: ["x", "api://one"] }), audience)).sub).toBe("user_2xUs3r")
      expect(yield* reasonOf(yield* signed({ aud: "api://three" }), audience)).toBe("token-verification-failed")
      expect(yield* reasonOf(yield* signed({ aud: ["x", "y"] }), audience)).toBe("token-verification-failed")
      // Clerk's session tokens carry no aud; Clerk does not demand one, nor do we.
      expect((yield* verify(yield* signed(), audience)).sub).toBe("user_2xUs3r")
      expect((yield* verify(yield* signed({ aud: "api://three" }))).sub).toBe("user_2xUs3r")
    }))

  it.effect("iss: pinned to the publishable key's Frontend API by default", () =>
    Effect.gen(function*() {
      yield* F.setNow(F.NOW)
      for (const iss of [undefined, "https://other-instance-7.clerk.accounts.dev", `${F.ISSUER}/`, F.FAPI, `http://${F.FAPI}`]) {
        expect(yield* reasonOf(yield* signed({ iss }))).toBe("token-invalid-issuer")
      }
      expect((yield* verify(yield* signed())).iss).toBe(F.ISSUER)
    }))

  it.effect("claims of the wrong type fail with token-verification-failed, naming the claim only", () =>
    Effect.gen(function*() {
      yield* F.setNow(F.NOW)
      const cases: ReadonlyArray<readonly [Record<string, unknown>, string]> = [
        [{ sub: undefined }, "sub"],
        [{ sub: 42 }, "sub"],
        [{ exp: undefined }, "exp"],
        [{ exp: "soon" }, "exp"],
        [{ nbf: null }, "nbf"],
        [{ iss: 42 }, "iss"],
        [{ azp: ["x"] }, "azp"],
        [{ o: { id: "org_1", per: 7 } }, "o.per"],
        [{ fva: [1] }, "fva.1"],
        [{ org_permissions: "org:a:b" }, "org_permissions"],
        [{ act: { iss: "x" } }, "act.sub"]
      ]
      for (const [overrides, path] of cases) {
        const error = yield* rejection(yield* signed(overrides))
        expect(error.reason).toBe("token-verification-failed")
        expect(error.description).toBe(`the ${path} claim is missing or has the wrong type`)
      }
    }))

  it.effect("keeps claims it does not name, reads null Clerk claims as absent, and freezes what it returns", () =>
    Effect.gen(function*() {
      yield* F.setNow(F.NOW)
      const claims = yield* verify(
        yield* signed({ metadata: { plan: "pro" }, roles: ["a"], o: null, org_id: null, act: { sub: "user_admin", x: 1 } })
      )
      expect(claims["metadata"]).toEqual({ plan: "pro" })
      expect(claims["roles"]).toEqual(["a"])
      expect(claims.act?.sub).toBe("user_admin")
      expect(Object.isFrozen(claims)).toBe(true)
      expect(Object.isFrozen(claims["metadata"])).toBe(true)
      expect(Object.isFrozen(claims.fva)).toBe(true)
    }))
})

describe("signature cache", () => {
  it.effect("verifies a token's signature once; later calls re-check the claims only", () =>
    Effect.gen(function*() {
      yield* F.setNow(F.NOW)
      const auth = yield* ClerkAuth
      const token = yield* signed()
      const verifications = countVerifications()
      const first = yield* auth.verifyToken(token)
      const second = yield* auth.verifyToken(token)
      expect(second).toBe(first)
      expect(verifications).toHaveBeenCalledTimes(1)
      // Per-call options still apply to the cached token.
      const wrongParty = yield* Effect.flip(auth.verifyToken(token, { authorizedParties: ["https://evil.example"] }))
      expect(wrongParty.reason).toBe("token-invalid-authorized-parties")
      // And time moves on for it too.
      yield* TestClock.setTime((F.NOW + 60) * 1000 + 5000)
      expect((yield* Effect.flip(auth.verifyToken(token))).reason).toBe("token-expired")
      expect(verifications).toHaveBeenCalledTimes(1)
    }).pipe(Effect.provide(layerFor())))

  it.effect("does not remember a token whose signature failed", () =>
    Effect.gen(function*() {
      yield* F.setNow(F.NOW)
      const auth = yield* ClerkAuth
      const forged = yield* signed({}, {}, stranger)
      const verifications = countVerifications()
      expect((yield* Effect.flip(auth.verifyToken(forged))).reason).toBe("token-invalid-signature")
      expect((yield* Effect.flip(auth.verifyToken(forged))).reason).toBe("token-invalid-signature")
      expect(verifications).toHaveBeenCalledTimes(2)
    }).pipe(Effect.provide(layerFor())))

  it.effect("holds 1,000 tokens, evicting the least recently used", () =>
    Effect.gen(function*() {
      yield* F.setNow(F.NOW)
      const auth = yield* ClerkAuth
      const tokens = yield* Effect.promise(() =>
        Promise.all(Array.from({ length: 1001 }, (_, i) => F.sign(k2048, F.claims({ sid: `sess_${i}` }))))
      )
      const [first = "", second = "", last = ""] = [tokens[0], tokens[1], tokens[1000]]
      const verifications = countVerifications()
      for (const token of tokens.slice(0, 1000)) yield* auth.verifyToken(token)
      yield* auth.verifyToken(first) // now the most recently used
      expect(verifications).toHaveBeenCalledTimes(1000)
      yield* auth.verifyToken(last) // evicts the second, the least recently used
      yield* auth.verifyToken(first)
      expect(verifications).toHaveBeenCalledTimes(1001)
      yield* auth.verifyToken(second)
      expect(verifications).toHaveBeenCalledTimes(1002)
    }).pipe(Effect.provide(layerFor())))

  it.effect("is one per service instance", () =>
    Effect.gen(function*() {
      yield* F.setNow(F.NOW)
      const token = yield* signed()
      const verifications = countVerifications()
      yield* verify(token)
      yield* verify(token)
      expect(verifications).toHaveBeenCalledTimes(2)
    }))
})

describe("concurrent verifications", () => {
  /** The token with one character in the middle of its signature changed: still base64url, still 256 bytes. */
  const tamper = (token: string): string => {
    const at = token.lastIndexOf(".") + 100
    return `${token.slice(0, at)}${token[at] === "A" ? "B" : "A"}${token.slice(at + 1)}`
  }
  /** The verifications, by where they ran: the callback form of node:crypto's verify is the thread pool. */
  const byPath = (verifications: ReturnType<typeof countVerifications>) => {
    const calls = verifications.mock.calls
    const pooled = calls.filter((args) => typeof args[4] === "function").length
    return { now: calls.length - pooled, pooled }
  }
  const outcome = (auth: ClerkAuth, token: string) =>
    Effect.map(Effect.either(auth.verifyToken(token)), (either) =>
      either._tag === "Right" ? either.right.sid : either.left.reason)

  it.effect("one at a time, synchronously; 16 at once, on the thread pool but the first, with the same answers", () =>
    Effect.gen(function*() {
      yield* F.setNow(F.NOW)
      const auth = yield* ClerkAuth
      const sids = Array.from({ length: 15 }, (_, i) => `sess_${i}`)
      const valid = yield* Effect.forEach(sids, (sid) => signed({ sid }))
      const tampered = tamper(yield* signed({ sid: "sess_tampered" }))
      const tokens = [...valid.slice(0, 7), tampered, ...valid.slice(7)]
      const expected = [...sids.slice(0, 7), "token-invalid-signature", ...sids.slice(7)]
      const allTogether = Effect.forEach(tokens, (token) => outcome(auth, token), { concurrency: "unbounded" })

      // One at a time: every check on the event loop.
      const alone = countVerifications()
      expect(yield* outcome(auth, tampered)).toBe("token-invalid-signature")
      expect(yield* outcome(auth, yield* signed({ sid: "sess_alone" }))).toBe("sess_alone")
      expect(byPath(alone)).toEqual({ now: 2, pooled: 0 })
      vi.restoreAllMocks()

      // One fiber's checks in a row, with no wait between them: on the event loop too.
      const fresh = yield* Effect.forEach(["sess_x", "sess_y", "sess_z"], (sid) => signed({ sid }))
      const inARow = countVerifications()
      expect(yield* Effect.forEach(fresh, (token) => outcome(auth, token))).toEqual(["sess_x", "sess_y", "sess_z"])
      expect(byPath(inARow)).toEqual({ now: 3, pooled: 0 })
      vi.restoreAllMocks()

      // Started together: the first check on the event loop, the 15 others (the tampered token's among them) on
      // the thread pool; the same answers in the same order.
      const together = countVerifications()
      expect(yield* allTogether).toEqual(expected)
      expect(byPath(together)).toEqual({ now: 1, pooled: 15 })
      expect(together.mock.calls.findIndex((args) => args[4] === undefined)).toBe(0)
      vi.restoreAllMocks()

      // Again: the valid tokens are remembered, so the tampered one, never remembered, is the only check, and
      // runs synchronously; nothing was left pending.
      const after = countVerifications()
      expect(yield* allTogether).toEqual(expected)
      expect(yield* outcome(auth, yield* signed({ sid: "sess_after" }))).toBe("sess_after")
      expect(byPath(after)).toEqual({ now: 2, pooled: 0 })
    }).pipe(Effect.provide(layerFor())))

  it.effect("a check that fails is token-verification-failed on either path, and leaves nothing pending", () =>
    Effect.gen(function*() {
      yield* F.setNow(F.NOW)
      const auth = yield* ClerkAuth
      const tokens = yield* Effect.forEach(["sess_a", "sess_b", "sess_c"], (sid) => signed({ sid }))
      const failing = countVerifications().mockImplementation((...args) => {
        const callback = args[4]
        if (typeof callback !== "function") throw new Error("the check failed")
        setImmediate(() => callback(new Error("the check failed"), false))
      })
      expect(yield* outcome(auth, tokens[0] ?? "")).toBe("token-verification-failed")
      expect(yield* Effect.forEach(tokens, (token) => outcome(auth, token), { concurrency: "unbounded" })).toEqual(
        Array.from(tokens, () => "token-verification-failed")
      )
      expect(byPath(failing)).toEqual({ now: 2, pooled: 2 })
      vi.restoreAllMocks()

      const working = countVerifications()
      expect(yield* outcome(auth, tokens[1] ?? "")).toBe("sess_b")
      expect(byPath(working)).toEqual({ now: 1, pooled: 0 })
    }).pipe(Effect.provide(layerFor())))
})

describe("errors", () => {
  it.effect("never hold the token, a part of it, the key, or a claim's value", () =>
    Effect.gen(function*() {
      yield* F.setNow(F.NOW)
      const secretish = {
        sub: "user_s3cr3tUs3r",
        azp: "https://evil-origin.example",
        iss: "https://other-instance-7.clerk.accounts.dev",
        email: "ada@example.com"
      }
      const tokens = [
        yield* signed({ ...secretish, exp: F.NOW - 3600 }),
        yield* signed(secretish),
        yield* signed({ ...secretish, azp: F.ORIGIN }),
        yield* signed({ ...secretish, o: { id: 7 } }),
        yield* signed(secretish, {}, stranger),
        yield* signed(secretish, { header: { typ: "at+jwt", kid: "ins_k1d_v4lu3" } }),
        F.hs256WithPublicKey(k2048.pem, secretish),
        `${(yield* signed(secretish)).slice(0, 40)}.x`
      ]
      const keyLines = k2048.pem.split("\n").filter((line) => !line.startsWith("-----") && line.length > 0)
      const forbidden = [...keyLines, ...Object.values(secretish), "ins_k1d_v4lu3"]
      for (const token of tokens) {
        const error: ClerkTokenError = yield* rejection(token, { authorizedParties: [F.ORIGIN] })
        const shown = [String(error), error.message, JSON.stringify(error), error.stack ?? ""]
        for (const text of shown) {
          for (const part of [token, ...token.split(".").filter((p) => p.length > 8), ...forbidden]) {
            expect(text).not.toContain(part)
          }
        }
      }
    }))

  it.effect("are failures, never defects", () =>
    Effect.gen(function*() {
      yield* F.setNow(F.NOW)
      for (const token of ["x".repeat(20), "a.b.c", "", "x".repeat(2_000_000)]) {
        const exit = yield* Effect.exit(verify(token))
        expect(Exit.isFailure(exit) && Cause.isFailType(exit.cause)).toBe(true)
      }
    }))
})

describe("WebCrypto path (runtimes without node:crypto)", () => {
  // On Node every key also gets a node:crypto KeyObject; without one, the verifier falls back to WebCrypto.
  const webCryptoVerifier = (key: F.TestKey) =>
    Effect.map(Effect.orDie(Keys.fromPem(key.pem)), (imported) =>
      Verifier.make(Resolver.local({ ...imported, keyObject: undefined }), Verifier.session))
  const rules = { clockSkew: 5000, authorizedParties: undefined, audience: undefined, issuers: [F.ISSUER] }

  it.effect("verifies with crypto.subtle, and refuses a bad signature", () =>
    Effect.gen(function*() {
      yield* F.setNow(F.NOW)
      const subtle = vi.spyOn(crypto.subtle, "verify")
      const verifier = yield* webCryptoVerifier(k4096)
      for (const alg of ["RS256", "RS384", "RS512"] as const) {
        expect((yield* verifier.verify(yield* signed({}, { alg }, k4096), rules)).sub).toBe("user_2xUs3r")
      }
      const forged = yield* Effect.flip(verifier.verify(yield* signed({}, {}, stranger), rules))
      expect(forged.reason).toBe("token-invalid-signature")
      expect(subtle).toHaveBeenCalledTimes(4)
    }))
})

describe("types", () => {
  it("needs a JwksSource only when there is no jwtKey", () => {
    expectTypeOf(ClerkAuth.layer({ jwtKey: k2048.pem, publishableKey: F.PUBLISHABLE_KEY })).toEqualTypeOf<
      Layer.Layer<ClerkAuth, Cause.IllegalArgumentException>
    >()
    expectTypeOf(ClerkAuth.layer({ publishableKey: F.PUBLISHABLE_KEY })).toEqualTypeOf<
      Layer.Layer<ClerkAuth, Cause.IllegalArgumentException, JwksSource>
    >()
    const fromEnvironment: Options = { jwtKey: process.env["CLERK_JWT_KEY"], publishableKey: F.PUBLISHABLE_KEY }
    expectTypeOf(ClerkAuth.layer(fromEnvironment)).toEqualTypeOf<
      Layer.Layer<ClerkAuth, Cause.IllegalArgumentException, JwksSource>
    >()
  })
})
