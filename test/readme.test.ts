/**
 * The README's snippets, compiled and run: if the API they show changes, this fails.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { AllServices, ClerkAuth, User, Users } from "../src/index.js"
import { ClerkTest, Fixtures } from "../src/testing/index.js"
import { generateKeyPairSync } from "node:crypto"

const TEST_PEM = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ type: "spki", format: "pem" }).toString()

const whoIsIt = (request: Request) =>
  Effect.gen(function*() {
    const state = yield* ClerkAuth.authenticateRequest(request)
    if (state._tag !== "SignedIn" || state.tokenType !== "session_token") {
      return yield* Effect.logInfo(state._tag === "SignedIn" ? `a ${state.tokenType}` : `signed out: ${state.reason}`)
    }
    const auth = state.toAuth()
    yield* Effect.log(`${auth.userId} may read invoices: ${auth.has({ permission: "org:invoices:read" })}`)
  })

const TestClerk = Layer.provideMerge(AllServices, ClerkTest.layerClient())

const OneUser = Layer.mock(Users, {
  _tag: "effect-clerk/Users",
  get: ({ userId }) =>
    Effect.succeed(Schema.decodeUnknownSync(User)(Fixtures.userJson({ id: userId, emailAddress: "a@example.com" })))
})

describe("README", () => {
  it.effect("signs up a user", () =>
    Effect.gen(function*() {
      const user = yield* Users.create({ emailAddress: ["ada@example.com"], skipPasswordRequirement: true })
      expect((yield* Users.get({ userId: user.id })).id).toBe(user.id)
    }).pipe(Effect.provide(TestClerk)))

  it.effect("Layer.mock of one service", () =>
    Effect.gen(function*() {
      expect((yield* Users.get({ userId: "user_x" })).id).toBe("user_x")
    }).pipe(Effect.provide(OneUser)))

  it.effect("whoIsIt: a request without a token is signed out", () => {
    const request = new Request("https://example.com/api", { headers: { accept: "application/json" } })
    return Effect.gen(function*() {
      yield* whoIsIt(request)
      expect((yield* ClerkAuth.authenticateRequest(request))._tag).toBe("SignedOut")
    }).pipe(
      Effect.provide(ClerkAuth.layer({ jwtKey: TEST_PEM, publishableKey: "pk_test_ZXhhbXBsZS5jbGVyay5hY2NvdW50cy5kZXYk" }))
    )
  })
})
