/**
 * Nothing secret in errors, states, debug headers, logs or spans: tokens (session, refresh, machine,
 * handshake), the handshake nonce, the secret keys, key material, and an email from a token's claims or a
 * Backend API answer. Every failure path of request authentication runs here, through the live Backend API
 * wiring over a fake `HttpClient`, with a tracer and logger that keep everything.
 *
 * Two places carry tokens by design, and only those: the handshake `Location` (Clerk's protocol sends the
 * current session token to the Frontend API in `__session`) and `Set-Cookie` (the new session cookie).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { ClerkAuth, type RequestState } from "../../src/ClerkAuth.js"
import * as Clerk from "../../src/Clerk.js"
import * as ClerkAuthLive from "../../src/ClerkAuthLive.js"
import { json, makeFake } from "../support/fake.js"
import { makeTelemetry } from "../support/telemetry.js"
import * as F from "./fixtures.js"
import * as R from "./requestFixtures.js"

const key = await F.generateKey(2048)
const stranger = await F.generateKey(2048)

const SECRET_KEY = "sk_test_SuperSecretInstanceKey0001"
const MACHINE_SECRET = "ak_MachineSecretKeyValue0002"
const REFRESH = "rt_RefreshTokenValue0003"
const NONCE = "NonceValue0004"
const API_KEY = "ak_ApiKeyTokenValue0005"
const M2M = "mt_M2MTokenValue0006"
const OAUTH = "oat_OAuthTokenValue0007"
const EMAIL = "ada.lovelace@example.com"
const SUFFIX = R.suffixOf(R.PROD_PUBLISHABLE_KEY)

/** Every Backend API call fails, its error body quoting what it was sent (as a careless proxy might). */
const backendFake = () =>
  makeFake((request) => {
    const echo = `${String(request.body)} ${request.headers["authorization"] ?? ""} ${EMAIL}`
    const status = request.url.pathname.includes("jwks")
      ? 401
      : request.url.pathname.includes("refresh")
      ? 400
      : request.url.pathname.includes("handshake")
      ? 500
      : request.url.pathname.includes("api_keys")
      ? 401
      : 404
    return json({ errors: [{ code: "some_code", message: echo, long_message: echo }] }, status)
  })

const liveLayer = () => {
  const fake = backendFake()
  const services = Clerk.layer({ secretKey: Redacted.make(SECRET_KEY), retry: false }).pipe(Layer.provide(fake.layer))
  const backend = ClerkAuthLive.backend({ machineSecretKey: Redacted.make(MACHINE_SECRET) }).pipe(Layer.provide(services))
  return {
    fake,
    // No jwtKey: keys through the (refusing) JWKS, so that path runs too; and one networkless layer.
    jwks: Layer.orDie(ClerkAuth.layer({ publishableKey: R.PROD_PUBLISHABLE_KEY })).pipe(Layer.provide(backend)),
    local: Layer.orDie(ClerkAuth.layer({ publishableKey: R.PROD_PUBLISHABLE_KEY, jwtKey: key.pem })).pipe(
      Layer.provide(backend)
    )
  }
}

const now = F.NOW
const token = (overrides: Record<string, unknown> = {}, k = key, options: F.SignOptions = {}) =>
  Effect.promise(() =>
    F.sign(k, F.claims({ iss: R.PROD_ISSUER, email: EMAIL, ...overrides }), options)
  )

/** What a state shows besides the two places tokens belong. */
const visible = (state: RequestState): string =>
  [
    state.message ?? "",
    state.reason ?? "",
    ...[...state.headers].filter(([name]) => name !== "location" && name !== "set-cookie").map(([n, v]) => `${n}: ${v}`)
  ].join("\n")

describe("nothing secret in errors, states, logs or spans", () => {
  it.effect("across every failure path", () =>
    Effect.gen(function*() {
      yield* F.setNow(now)
      const telemetry = makeTelemetry()
      const { fake, jwks, local } = liveLayer()
      const forged = yield* token({}, stranger)
      const expired = yield* token({ exp: now - 60, iat: now - 120 })
      const valid = yield* token()
      const m2mJwt = yield* token({ sub: "mch_1", email: EMAIL }, key, { header: { cat: "cl_B7d4PD333AAA" } })
      const secrets = [SECRET_KEY, MACHINE_SECRET, REFRESH, NONCE, API_KEY, M2M, OAUTH, EMAIL, forged, expired, valid, m2mJwt]
      // Pieces of the tokens too: a signature or payload segment alone is as telling.
      for (const t of [forged, expired, valid, m2mJwt]) secrets.push(...t.split("."))
      secrets.push(key.pem.split("\n")[2] ?? "", String(key.jwk.n).slice(0, 40))

      const texts: Array<string> = []
      const states: Array<RequestState> = []
      const run = <A, E extends { readonly message: string }>(effect: Effect.Effect<A, E, ClerkAuth>, layer: Layer.Layer<ClerkAuth>) =>
        Effect.gen(function*() {
          const exit = yield* Effect.either(effect.pipe(Effect.provide(layer), Effect.provide(telemetry.layer)))
          if (exit._tag === "Left") texts.push(exit.left.message, JSON.stringify(exit.left), String(exit.left))
          return exit
        })
      const authenticate = (request: Request, layer: Layer.Layer<ClerkAuth>, acceptsToken?: "api_key" | "m2m_token" | "oauth_token" | "any") =>
        Effect.gen(function*() {
          const result = yield* run(ClerkAuth.authenticateRequest(request, acceptsToken === undefined ? {} : { acceptsToken }), layer)
          if (result._tag === "Right") states.push(result.right)
        })

      // verifyToken: garbage, forged, expired, too large, through the refusing JWKS.
      for (const t of ["garbage", forged, expired, `${valid}${"A".repeat(20_000)}`]) {
        yield* run(ClerkAuth.verifyToken(t), local)
      }
      yield* run(ClerkAuth.verifyToken(valid), jwks)
      // Machine tokens: the live verifier refusing each (404, 401), a machine JWT, an unknown prefix.
      for (const t of [M2M, OAUTH, API_KEY, m2mJwt, "xyz_unknown_secret_value"]) {
        yield* run(ClerkAuth.verifyMachineToken(t), local)
        yield* authenticate(new Request(R.PROD_API, { headers: { authorization: `Bearer ${t}` } }), local, "any")
      }
      // The header path, the cookie path with a refused refresh, a failing handshake nonce, loops, warnings.
      yield* authenticate(new Request(R.PROD_API, { headers: { authorization: `Bearer ${forged}` } }), local)
      yield* authenticate(new Request(R.PROD_PAGE, { headers: { ...R.DOCUMENT, authorization: `Bearer ${expired}` } }), local)
      yield* authenticate(
        new Request(R.PROD_PAGE, {
          headers: {
            ...R.DOCUMENT,
            cookie: R.cookieHeader({
              [`__session_${SUFFIX}`]: expired,
              [`__client_uat_${SUFFIX}`]: now - 300,
              [`__refresh_${SUFFIX}`]: REFRESH
            })
          }
        }),
        local
      )
      yield* authenticate(new Request(`${R.PROD_PAGE}?__clerk_handshake_nonce=${NONCE}`, { headers: R.DOCUMENT }), local)
      yield* authenticate(new Request(`${R.PROD_PAGE}?__clerk_handshake=${forged}`, { headers: R.DOCUMENT }), local)
      yield* authenticate(
        new Request(R.PROD_PAGE, {
          headers: { ...R.DOCUMENT, cookie: R.cookieHeader({ __session: expired, __client_uat: now - 300, __clerk_redirect_count: 3 }) }
        }),
        local
      )
      yield* authenticate(
        new Request(R.PROD_API, { headers: { cookie: R.cookieHeader({ __session: yield* token({ azp: undefined }), __client_uat: now - 60 }) } }),
        local
      )
      yield* authenticate(new Request(R.PROD_API, { headers: { authorization: `Bearer ${valid}` } }), jwks)

      // The paths ran: the Backend API was called, errors and states were produced, something was logged.
      expect(fake.requests.length).toBeGreaterThanOrEqual(6)
      expect(texts.length).toBeGreaterThan(20)
      expect(states.length).toBeGreaterThan(10)
      expect(telemetry.logs.length).toBeGreaterThan(0)
      expect(telemetry.spans.some((span) => span.name.startsWith("clerk."))).toBe(true)

      const everything = [...texts, ...states.map(visible), telemetry.everything()].join("\n")
      for (const secret of secrets.filter((s) => s.length >= 8)) {
        expect(everything.includes(secret), `leaked: ${secret.slice(0, 12)}…`).toBe(false)
      }
    }))

  it.effect("the handshake Location carries the session token, as Clerk's protocol requires, and nothing else secret", () =>
    Effect.gen(function*() {
      yield* F.setNow(now)
      const { local } = liveLayer()
      const expired = yield* token({ exp: now - 60, iat: now - 120 })
      const state = yield* ClerkAuth.authenticateRequest(
        new Request(R.PROD_PAGE, {
          headers: { ...R.DOCUMENT, cookie: R.cookieHeader({ __session: expired, __client_uat: now - 300, [`__refresh_${SUFFIX}`]: REFRESH }) }
        })
      ).pipe(Effect.provide(local))
      const location = state.headers.get("location") ?? ""
      expect(new URL(location).searchParams.get("__session")).toBe(expired)
      expect(location).not.toContain(REFRESH)
      expect(location).not.toContain(SECRET_KEY)
    }))
})
