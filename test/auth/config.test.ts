/**
 * Configuration and wiring: `ClerkAuth.layerConfig` from `Config`, `ClerkLive` with and without auth
 * variables (an application that only calls the Backend API must not be refused), and the live
 * `JwksSource` and `SessionBackend` over the Backend API (the recording fake `HttpClient` under
 * `Clerk.layer`, or a fake `fetch` under `ClerkLive`).
 */
import { describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { Users } from "../../services/Users.js"
import { ClerkAuth, JwksSource, SessionBackend } from "../../src/ClerkAuth.js"
import * as Clerk from "../../src/Clerk.js"
import * as ClerkAuthLive from "../../src/ClerkAuthLive.js"
import { clerkErrors, json, makeFake } from "../support/fake.js"
import * as F from "./fixtures.js"
import * as R from "./requestFixtures.js"

const key = await F.generateKey(2048)
const SECRET = "sk_test_0123456789abcdef"

const fromEnv = (env: Record<string, string>) =>
  Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))

const configuredOrFail = (env: Record<string, string>) =>
  ClerkAuth.layerConfig().pipe(
    Layer.provide(JwksSource.none),
    Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))))
  )
const configured = (env: Record<string, string>) => Layer.orDie(configuredOrFail(env))

const signed = (overrides: Record<string, unknown> = {}) => Effect.promise(() => F.sign(key, F.claims(overrides)))

describe("ClerkAuth.layerConfig", () => {
  it.effect("reads CLERK_JWT_KEY (one line, \\n escaped), CLERK_PUBLISHABLE_KEY and CLERK_AUTHORIZED_PARTIES", () =>
    Effect.gen(function*() {
      yield* F.setNow(F.NOW)
      const layer = configured({
        CLERK_JWT_KEY: key.pem.replace(/\n/g, "\\n"),
        CLERK_PUBLISHABLE_KEY: F.PUBLISHABLE_KEY,
        CLERK_AUTHORIZED_PARTIES: ` https://other.example , ${F.ORIGIN} `
      })
      const claims = yield* ClerkAuth.verifyToken(yield* signed()).pipe(Effect.provide(layer))
      expect(claims.sub).toBe("user_2xUs3r")
      const refused = yield* Effect.flip(ClerkAuth.verifyToken(yield* signed({ azp: "https://evil.example" })).pipe(Effect.provide(layer)))
      expect(refused.reason).toBe("token-invalid-authorized-parties")
    }))

  it.effect("builds without a publishable key; verification then fails, typed, naming the variable", () =>
    Effect.gen(function*() {
      yield* F.setNow(F.NOW)
      const layer = configured({ CLERK_JWT_KEY: key.pem })
      const error = yield* Effect.flip(ClerkAuth.verifyToken(yield* signed()).pipe(Effect.provide(layer)))
      expect(error.reason).toBe("jwk-failed-to-resolve")
      expect(error.description).toMatch(/CLERK_PUBLISHABLE_KEY/)
      const state = yield* ClerkAuth.authenticateRequest(new Request(R.API)).pipe(Effect.provide(layer))
      expect([state.status, state.reason]).toEqual(["signed-out", "jwk-failed-to-resolve"])
      // And with nothing at all.
      const bare = yield* Effect.flip(ClerkAuth.verifyToken(yield* signed()).pipe(Effect.provide(configured({}))))
      expect(bare.reason).toBe("jwk-failed-to-resolve")
    }))

  it.effect("a present but unusable value is a ConfigError that names the option, not the value", () =>
    Effect.gen(function*() {
      for (
        const env of [
          { CLERK_PUBLISHABLE_KEY: "pk_test_not-base64!!" },
          { CLERK_PUBLISHABLE_KEY: F.PUBLISHABLE_KEY, CLERK_JWT_KEY: "-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----" },
          { CLERK_PUBLISHABLE_KEY: F.PUBLISHABLE_KEY, CLERK_IS_SATELLITE: "maybe" }
        ]
      ) {
        const exit = yield* Effect.exit(Effect.provide(ClerkAuth, configuredOrFail(env)))
        expect(Exit.isFailure(exit)).toBe(true)
        if (Exit.isSuccess(exit)) continue
        const text = String(exit.cause)
        expect(text).not.toContain("pk_test_not-base64")
        expect(text).not.toContain("nope")
      }
    }))
})

describe("ClerkLive", () => {
  it.effect("builds with only CLERK_SECRET_KEY, and gives ClerkAuth, whose verification fails typed", () =>
    Effect.gen(function*() {
      yield* F.setNow(F.NOW)
      const token = yield* signed()
      const result = yield* Effect.gen(function*() {
        yield* Users // the Backend API services are there
        return yield* Effect.flip(ClerkAuth.verifyToken(token))
      }).pipe(Effect.provide(Clerk.ClerkLive), fromEnv({ CLERK_SECRET_KEY: SECRET }))
      expect(result.reason).toBe("jwk-failed-to-resolve")
    }))

  it.effect("with a publishable key and no jwtKey: the instance's JWKS through GET /jwks with the secret key", () =>
    Effect.gen(function*() {
      yield* F.setNow(F.NOW)
      const token = yield* signed()
      const seen: Array<string> = []
      const fakeFetch: typeof fetch = (input, init) => {
        const url = input instanceof Request ? input.url : String(input)
        seen.push(`${init?.method ?? "GET"} ${url} ${new Headers(init?.headers).get("authorization")}`)
        return Promise.resolve(Response.json({ keys: [F.jwkOf(key, "ins_1")] }))
      }
      const claims = yield* ClerkAuth.verifyToken(token).pipe(
        Effect.provide(Clerk.ClerkLive),
        Effect.provideService(FetchHttpClient.Fetch, fakeFetch),
        fromEnv({ CLERK_SECRET_KEY: SECRET, CLERK_PUBLISHABLE_KEY: F.PUBLISHABLE_KEY })
      )
      expect(claims.sid).toBe("sess_2xS3ss10n")
      expect(seen).toEqual([`GET https://api.clerk.com/v1/jwks Bearer ${SECRET}`])
    }))
})

describe("the live JwksSource", () => {
  const jwksLayer = (respond: Parameters<typeof makeFake>[0]) => {
    const fake = makeFake(respond)
    const source = ClerkAuthLive.jwksSource.pipe(
      Layer.provide(Clerk.layer({ secretKey: Redacted.make(SECRET), retry: false })),
      Layer.provide(fake.layer)
    )
    return Layer.orDie(ClerkAuth.layer({ publishableKey: F.PUBLISHABLE_KEY })).pipe(Layer.provide(source))
  }

  it.effect("a 401 with clerk_key_invalid: secret-key-invalid; another failure: jwk-remote-failed-to-load", () =>
    Effect.gen(function*() {
      yield* F.setNow(F.NOW)
      const token = yield* signed()
      const invalid = yield* Effect.flip(
        ClerkAuth.verifyToken(token).pipe(Effect.provide(jwksLayer(() => clerkErrors(401, "clerk_key_invalid"))))
      )
      expect(invalid.reason).toBe("secret-key-invalid")
      const other401 = yield* Effect.flip(
        ClerkAuth.verifyToken(token).pipe(Effect.provide(jwksLayer(() => clerkErrors(401, "authentication_invalid"))))
      )
      expect(other401.reason).toBe("jwk-remote-failed-to-load")
      const down = yield* Effect.flip(
        ClerkAuth.verifyToken(token).pipe(Effect.provide(jwksLayer(() => new Response("<html>bad gateway</html>", { status: 502 }))))
      )
      expect(down.reason).toBe("jwk-remote-failed-to-load")
      expect(down.description).toMatch(/ClerkUnexpectedStatus \(502\)/)
      for (const error of [invalid, other401, down]) expect(error.message).not.toContain(SECRET)
    }))

  it.effect("keys from the JWKS verify", () =>
    Effect.gen(function*() {
      yield* F.setNow(F.NOW)
      const claims = yield* ClerkAuth.verifyToken(yield* signed()).pipe(
        Effect.provide(jwksLayer(() => json({ keys: [F.jwkOf(key, "ins_1")] })))
      )
      expect(claims.sub).toBe("user_2xUs3r")
    }))
})

describe("the live SessionBackend", () => {
  const backendLayer = (respond: Parameters<typeof makeFake>[0]) => {
    const fake = makeFake(respond)
    const layer = ClerkAuthLive.sessionBackend.pipe(
      Layer.provide(Clerk.layer({ secretKey: Redacted.make(SECRET), retry: false })),
      Layer.provide(fake.layer)
    )
    return { fake, layer }
  }

  it.effect("refresh: POST /sessions/{id}/refresh with Clerk's body, suffixed_cookies included", () =>
    Effect.gen(function*() {
      const { fake, layer } = backendLayer(() => json({ object: "cookies", cookies: ["__session=x; Path=/"] }))
      const cookies = yield* Effect.flatMap(SessionBackend, (backend) =>
        backend.refreshSession({
          sessionId: "sess_1",
          expiredToken: "expired.jwt.value",
          refreshToken: "rt",
          requestOrigin: R.PROD_ORIGIN,
          requestHeaders: { accept: ["text/html"] },
          suffixedCookies: true
        })).pipe(Effect.provide(layer))
      expect(cookies).toEqual(["__session=x; Path=/"])
      const request = fake.requests[0]!
      expect(`${request.method} ${request.url.pathname}`).toBe("POST /v1/sessions/sess_1/refresh")
      expect(JSON.parse(String(request.body))).toEqual({
        expired_token: "expired.jwt.value",
        refresh_token: "rt",
        request_origin: R.PROD_ORIGIN,
        request_headers: { accept: ["text/html"] },
        suffixed_cookies: true,
        format: "cookie"
      })
    }))

  it.effect("refresh failures become Clerk's refresh reasons", () =>
    Effect.gen(function*() {
      const reasonOf = (respond: Parameters<typeof makeFake>[0]) =>
        Effect.flatMap(SessionBackend, (backend) =>
          Effect.flip(backend.refreshSession({
            sessionId: "sess_1",
            expiredToken: "e",
            refreshToken: "r",
            requestOrigin: R.PROD_ORIGIN,
            requestHeaders: {},
            suffixedCookies: false
          }))).pipe(Effect.map((e) => e.reason), Effect.provide(backendLayer(respond).layer))
      expect(yield* reasonOf(() => clerkErrors(400, "refresh_token_invalid"))).toBe("refresh_token_invalid")
      expect(yield* reasonOf(() => clerkErrors(400, "unexpected_error"))).toBe("fetch-error")
      expect(yield* reasonOf(() => new Response("nope", { status: 502 }))).toBe("unexpected-bapi-error")
    }))

  it.effect("the handshake payload: GET /clients/handshake_payload?nonce=…", () =>
    Effect.gen(function*() {
      const { fake, layer } = backendLayer(() => json({ directives: ["__session=a; Path=/", "__client_uat=1; Path=/"] }))
      const directives = yield* Effect.flatMap(SessionBackend, (backend) => backend.getHandshakePayload("nonce_9")).pipe(
        Effect.provide(layer)
      )
      expect(directives).toHaveLength(2)
      expect(`${fake.requests[0]?.method} ${fake.requests[0]?.url.pathname}${fake.requests[0]?.url.search}`).toBe(
        "GET /v1/clients/handshake_payload?nonce=nonce_9"
      )
    }))
})
