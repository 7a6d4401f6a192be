/**
 * End to end with the offline Clerk: a session token it mints authenticates a request through the `HttpApi`
 * middleware example, over real HTTP on 127.0.0.1, with `ClerkAuth` given nothing but the fake's
 * publishable key (its JWKS comes through the Backend API, served by the fake).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { start } from "../../examples/auth-server.js"
import { AllServices } from "../../services/index.js"
import { Users } from "../../services/Users.js"
import { ClerkAuth } from "../../src/ClerkAuth.js"
import * as ClerkAuthLive from "../../src/ClerkAuthLive.js"
import { ClerkTest, OfflineClerk } from "../../src/testing/index.js"

const OfflineWorld = Layer.provideMerge(AllServices, ClerkTest.layerClient())

describe("offline Clerk, end to end", () => {
  // Live clock: the fake mints with the clock it runs on, and the server verifies with the real one.
  it.scopedLive("a token the fake mints gets 200 from the middleware example; none gets 401", () =>
    Effect.gen(function*() {
      const world = yield* Layer.build(OfflineWorld)
      const fake = yield* Effect.provide(OfflineClerk, world)
      const user = yield* Effect.provide(
        Users.create({ emailAddress: ["e2e+clerk_test@example.com"], skipPasswordRequirement: true }),
        world
      )
      const { token } = yield* fake.mintSessionToken({ userId: user.id })
      const auth = ClerkAuth.layer({ publishableKey: fake.publishableKey }).pipe(
        Layer.provide(ClerkAuthLive.jwksSource),
        Layer.provide(Layer.succeedContext(world))
      )
      const server = yield* Effect.acquireRelease(
        Effect.promise(() => start(auth)),
        (s) => Effect.promise(() => s.close())
      )
      const me = (headers: Record<string, string>) =>
        Effect.promise(async () => {
          const response = await fetch(`${server.url}/me`, { headers: { accept: "application/json", ...headers } })
          return { status: response.status, body: await response.json() }
        })
      const signedIn = yield* me({ authorization: `Bearer ${token}` })
      expect(signedIn.status).toBe(200)
      expect(signedIn.body).toMatchObject({ tokenType: "session_token", userId: user.id })
      expect((yield* me({})).status).toBe(401)
      expect((yield* me({ authorization: `Bearer ${token.slice(0, -4)}AAAA` })).status).toBe(401)
    }), 30_000)
})
