/**
 * The standalone `TokenVerifier` answers every token exactly as `ClerkAuth.verifyToken` does (the same
 * claims, the same `ClerkTokenError` reasons), with the same per-call overrides, and refuses options it
 * cannot verify with, naming itself.
 */
import { afterEach, describe, expect, it, vi } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import { ClerkAuth, type VerifyOptions } from "../../src/ClerkAuth.js"
import { nodeCrypto } from "../../src/internal/auth/signature.js"
import * as TokenVerifier from "../../src/TokenVerifier.js"
import * as F from "./fixtures.js"

const key = await F.generateKey(2048)
const stranger = await F.generateKey(2048)

const options = { jwtKey: key.pem, publishableKey: F.PUBLISHABLE_KEY, authorizedParties: [F.ORIGIN] }
const both = Layer.orDie(Layer.merge(ClerkAuth.layer(options), TokenVerifier.layer(options)))

const tokens: ReadonlyArray<readonly [string, () => Promise<string>]> = [
  ["a valid token", () => F.sign(key, F.claims())],
  ["an expired token", () => F.sign(key, F.claims({ exp: F.NOW - 60 }))],
  ["a token not yet valid", () => F.sign(key, F.claims({ nbf: F.NOW + 600 }))],
  ["another instance's issuer", () => F.sign(key, F.claims({ iss: "https://other-7.clerk.accounts.dev" }))],
  ["an unauthorized party", () => F.sign(key, F.claims({ azp: "https://evil.example" }))],
  ["another key's signature", () => F.sign(stranger, F.claims())],
  ["an HS256 token", () => Promise.resolve(F.hs256WithPublicKey(key.pem, F.claims()))],
  ["not a JWT", () => Promise.resolve("not-a-jwt")]
]

const outcome = <A, E extends { readonly reason: string }, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.map(Effect.either(effect), (either) => either._tag === "Right" ? { claims: either.right } : { reason: either.left.reason })

afterEach(() => {
  vi.restoreAllMocks()
})

describe("TokenVerifier", () => {
  for (const [name, make] of tokens) {
    for (const override of [undefined, { authorizedParties: ["https://evil.example"] }, { clockSkew: "10 minutes" }] as const) {
      it.effect(`${name}${override === undefined ? "" : `, with ${Object.keys(override).join()} overridden`}: as ClerkAuth`, () =>
        Effect.gen(function*() {
          yield* F.setNow(F.NOW)
          const token = yield* Effect.promise(make)
          const verifyOptions: VerifyOptions | undefined = override
          const ours = yield* outcome(TokenVerifier.verifyToken(token, verifyOptions))
          const clerkAuth = yield* outcome(ClerkAuth.verifyToken(token, verifyOptions))
          expect(ours).toEqual(clerkAuth)
          if (name === "a valid token" && override === undefined) expect(ours).toHaveProperty("claims.sub")
          if (name !== "a valid token" && override === undefined) expect(ours).toHaveProperty("reason")
        }).pipe(Effect.provide(both)))
    }
  }

  it.effect("every token in flight at once: the answers ClerkAuth gives one at a time", () =>
    Effect.gen(function*() {
      yield* F.setNow(F.NOW)
      const made = yield* Effect.forEach(tokens, ([, make]) => Effect.promise(make))
      if (nodeCrypto === undefined) throw new Error("these tests run on Node")
      const verifications = vi.spyOn(nodeCrypto, "verify")
      const together = yield* Effect.forEach(made, (token) => outcome(TokenVerifier.verifyToken(token)), {
        concurrency: "unbounded"
      })
      // Six of them (all but the HS256 token and the one that is not a JWT) reach the signature check, together:
      // the first on the event loop, the others on the thread pool (the callback form of verify).
      const paths = verifications.mock.calls.map((args) => typeof args[4] === "function" ? "pool" : "now")
      expect(paths).toEqual(["now", "pool", "pool", "pool", "pool", "pool"])
      const alone = yield* Effect.forEach(made, (token) => outcome(ClerkAuth.verifyToken(token)))
      expect(together).toEqual(alone)
      expect(alone.filter((o) => "claims" in o)).toHaveLength(1)
    }).pipe(Effect.provide(both)))

  it.effect("a value that is not a string is token-invalid, not a defect", () =>
    Effect.gen(function*() {
      // JSON.parse gives what an untyped caller would pass.
      for (const token of [JSON.parse("null"), JSON.parse("42"), JSON.parse("{}")]) {
        const error = yield* Effect.flip(TokenVerifier.verifyToken(token))
        expect(error).toMatchObject({ _tag: "ClerkTokenError", reason: "token-invalid" })
      }
    }).pipe(Effect.provide(both)))

  for (
    const [name, bad, says] of [
      ["a key that is not a key", { jwtKey: "-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----" }, "jwtKey"],
      ["no publishable key, issuer or proxy", { publishableKey: undefined }, "the issuer cannot be pinned"],
      ["a publishable key that is not one", { publishableKey: "pk_nope" }, "publishableKey"],
      ["an infinite clock skew", { clockSkew: Duration.infinity }, "clockSkew"]
    ] as const
  ) {
    it.effect(`${name}: IllegalArgumentException from TokenVerifier naming it`, () =>
      Effect.gen(function*() {
        const exit = yield* Effect.exit(TokenVerifier.make({ ...options, ...bad }))
        expect(Exit.isFailure(exit)).toBe(true)
        if (Exit.isFailure(exit)) {
          const error = Cause.squash(exit.cause)
          expect(error).toBeInstanceOf(Cause.IllegalArgumentException)
          expect(String(error)).toContain("TokenVerifier: ")
          expect(String(error)).toContain(says)
        }
      }))
  }
})
