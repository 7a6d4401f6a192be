/**
 * `authenticateRequest`, one test per branch of the reference's decision tree (§3.2–§3.6): routing on
 * `acceptsToken`, the header path, the cookie path in order (handshake resolution, satellite sync, the
 * development primary, dev browser, the uat/session states, staleness, verification, cross-origin sync,
 * organization sync), errors with refresh and the handshake, and the redirect-loop guard. Time is the
 * TestClock's; the Backend API is a fake `SessionBackend`.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import {
  type AuthenticateRequestOptions,
  ClerkAuth,
  make as makeAuth,
  type Options,
  type RefreshSessionParams,
  type RequestState,
  SessionBackend,
  SessionBackendError
} from "../../src/ClerkAuth.js"
import * as F from "./fixtures.js"
import * as R from "./requestFixtures.js"

const key = await F.generateKey(2048)
const stranger = await F.generateKey(2048)

const DEV_SUFFIX = R.suffixOf(F.PUBLISHABLE_KEY)
const PROD_SUFFIX = R.suffixOf(R.PROD_PUBLISHABLE_KEY)

type LayerOptions = Omit<Options, "jwtKey">

const devAuth = (options: LayerOptions = {}) =>
  Layer.orDie(ClerkAuth.layer({ publishableKey: F.PUBLISHABLE_KEY, ...options, jwtKey: key.pem }))
const prodAuth = (options: LayerOptions = {}) =>
  Layer.orDie(ClerkAuth.layer({ publishableKey: R.PROD_PUBLISHABLE_KEY, ...options, jwtKey: key.pem }))

const authenticate = (
  layer: Layer.Layer<ClerkAuth>,
  request: Request,
  options?: AuthenticateRequestOptions
): Effect.Effect<RequestState> =>
  Effect.zipRight(F.setNow(F.NOW), ClerkAuth.authenticateRequest(request, options).pipe(Effect.provide(layer)))

const token = (overrides: Record<string, unknown> = {}, options: F.SignOptions = {}, k: F.TestKey = key) =>
  Effect.promise(() => F.sign(k, F.claims(overrides), options))
const prodToken = (overrides: Record<string, unknown> = {}, options: F.SignOptions = {}) =>
  token({ iss: R.PROD_ISSUER, ...overrides }, options)

const bearer = (t: string, headers: Record<string, string> = {}, url = R.API, init: RequestInit = {}) =>
  new Request(url, { ...init, headers: { ...headers, authorization: `Bearer ${t}` } })
const withCookies = (cookies: Record<string, string | number>, headers: Record<string, string> = {}, url = R.PROD_API) =>
  new Request(url, { headers: { ...headers, cookie: R.cookieHeader(cookies) } })

/** A fake of the two Backend API calls of the cookie path, recording what it was asked. */
const fakeBackend = (answers: {
  readonly refresh?: (params: RefreshSessionParams) => Effect.Effect<ReadonlyArray<string>, SessionBackendError>
  readonly payload?: (nonce: string) => Effect.Effect<ReadonlyArray<string>, SessionBackendError>
}) => {
  const refreshes: Array<RefreshSessionParams> = []
  const nonces: Array<string> = []
  const layer = Layer.succeed(SessionBackend, {
    refreshSession: (params) => {
      refreshes.push(params)
      return answers.refresh?.(params) ?? Effect.fail(new SessionBackendError({ reason: "unexpected", description: "" }))
    },
    getHandshakePayload: (nonce) => {
      nonces.push(nonce)
      return answers.payload?.(nonce) ?? Effect.succeed([])
    }
  })
  return { refreshes, nonces, layer }
}

const location = (state: RequestState): URL => {
  const value = state.headers.get("location")
  expect(value).not.toBeNull()
  return new URL(value ?? "")
}

const expectState = (state: RequestState, status: RequestState["status"], reason: string | null) =>
  expect({ status: state.status, reason: state.reason }).toEqual({ status, reason })

describe("routing on acceptsToken (§3.2)", () => {
  it.effect("a list without the header token's type: signed out, token-type-mismatch, tokenType null", () =>
    Effect.gen(function*() {
      const state = yield* authenticate(devAuth(), bearer(yield* token()), { acceptsToken: ["api_key", "oauth_token"] })
      expectState(state, "signed-out", "token-type-mismatch")
      expect(state.tokenType).toBeNull()
      expect(state.toAuth()).toMatchObject({ tokenType: null, isAuthenticated: false })
      // No header counts as a session token.
      const none = yield* authenticate(devAuth(), new Request(R.API), { acceptsToken: ["m2m_token"] })
      expectState(none, "signed-out", "token-type-mismatch")
    }))

  it.effect("a machine type and no header: signed out, `No token in header` (never from cookies)", () =>
    Effect.gen(function*() {
      const t = yield* prodToken()
      const state = yield* authenticate(
        prodAuth(),
        withCookies({ __session: t, __client_uat: F.NOW - 60 }),
        { acceptsToken: "api_key" }
      )
      expectState(state, "signed-out", "No token in header")
      expect(state.tokenType).toBe("api_key")
    }))

  it.effect("the layer's acceptsToken is the default, a call's replaces it", () =>
    Effect.gen(function*() {
      const t = yield* token()
      expectState(yield* authenticate(devAuth({ acceptsToken: "api_key" }), bearer(t)), "signed-out", "token-type-mismatch")
      expectState(
        yield* authenticate(devAuth({ acceptsToken: "api_key" }), bearer(t), { acceptsToken: "session_token" }),
        "signed-in",
        null
      )
    }))
})

describe("a session token in the header (§3.3)", () => {
  it.effect("valid: signed in, with the auth object", () =>
    Effect.gen(function*() {
      const t = yield* token()
      const state = yield* authenticate(devAuth(), bearer(t))
      expectState(state, "signed-in", null)
      expect(state._tag).toBe("SignedIn")
      if (state._tag !== "SignedIn" || state.tokenType !== "session_token") return
      expect(state.token).toBe(t)
      expect(state.toAuth()).toMatchObject({ userId: "user_2xUs3r", sessionId: "sess_2xS3ss10n", isAuthenticated: true })
      expect([...state.headers]).toEqual([])
      expect(state.publishableKey).toBe(F.PUBLISHABLE_KEY)
    }))

  it.effect("the scheme must be `Bearer`; a bare token is taken as it is", () =>
    Effect.gen(function*() {
      const t = yield* token()
      const basic = new Request(R.API, { headers: { authorization: `Basic ${t}` } })
      expect((yield* authenticate(devAuth(), basic)).reason).toBe("dev-browser-missing") // no token: cookie path
      const bare = new Request(R.API, { headers: { authorization: t } })
      expectState(yield* authenticate(devAuth(), bare), "signed-in", null)
    }))

  it.effect("machine JWTs and non-session categories: token-type-mismatch, before verification", () =>
    Effect.gen(function*() {
      for (
        const t of [
          yield* token({ sub: "mch_1" }),
          yield* token({}, { header: { typ: "at+jwt" } }),
          yield* token({}, { header: { cat: "cl_B7d4PD222AAA" } }),
          yield* token({ exp: F.NOW - 600 }, { header: { cat: "cl_B7d4PD333AAA" } })
        ]
      ) {
        const state = yield* authenticate(devAuth(), bearer(t))
        expectState(state, "signed-out", "token-type-mismatch")
        expect(state.tokenType).toBe("session_token")
      }
    }))

  it.effect("other verification errors: signed out with the reason and Clerk's full message", () =>
    Effect.gen(function*() {
      const state = yield* authenticate(devAuth(), bearer(yield* token({}, {}, stranger)))
      expectState(state, "signed-out", "token-invalid-signature")
      expect(state.message).toMatch(/\(reason=token-invalid-signature, token-carrier=header\)$/)
      expect(state.headers.get("x-clerk-auth-status")).toBe("signed-out")
      expect(state.headers.get("x-clerk-auth-reason")).toBe("token-invalid-signature")
      expect(state.headers.get("x-clerk-auth-message")).toBe(state.message)
      expect(state.toAuth()).toMatchObject({ isAuthenticated: false, userId: null, tokenType: "session_token" })
    }))

  it.effect("expired, from fetch: signed out, session-token-expired-refresh-non-eligible-no-refresh-cookie", () =>
    Effect.gen(function*() {
      const state = yield* authenticate(devAuth(), bearer(yield* token({ exp: F.NOW - 60 })))
      expectState(state, "signed-out", "session-token-expired-refresh-non-eligible-no-refresh-cookie")
    }))

  it.effect("expired, a POST: …-non-eligible-non-get, never a handshake", () =>
    Effect.gen(function*() {
      const request = bearer(yield* token({ exp: F.NOW - 60 }), R.DOCUMENT, R.API, { method: "POST" })
      expectState(yield* authenticate(devAuth(), request), "signed-out", "session-token-expired-refresh-non-eligible-non-get")
    }))

  it.effect("expired, a page load: the handshake, even for a bearer token", () =>
    Effect.gen(function*() {
      const t = yield* token({ exp: F.NOW - 60 })
      const state = yield* authenticate(devAuth(), bearer(t, R.DOCUMENT, R.PAGE))
      expectState(state, "handshake", "session-token-expired-refresh-non-eligible-no-refresh-cookie")
      expect(location(state).searchParams.get("__session")).toBe(t)
      expect(state.toAuth()).toBeNull()
    }))
})

describe("the cookie path (§3.4)", () => {
  it.effect("no cookies at all: signed out, session-token-and-uat-missing", () =>
    Effect.gen(function*() {
      expectState(yield* authenticate(prodAuth(), new Request(R.PROD_API)), "signed-out", "session-token-and-uat-missing")
      // A uat of 0 is no client either.
      expectState(
        yield* authenticate(prodAuth(), withCookies({ __client_uat: 0 })),
        "signed-out",
        "session-token-and-uat-missing"
      )
    }))

  it.effect("a session and a uat: signed in", () =>
    Effect.gen(function*() {
      const t = yield* prodToken()
      const state = yield* authenticate(prodAuth(), withCookies({ __session: t, __client_uat: F.NOW - 60 }))
      expectState(state, "signed-in", null)
      expect(state.token).toBe(t)
    }))

  it.effect("a session without uat: the handshake for a page load, signed out for fetch", () =>
    Effect.gen(function*() {
      const t = yield* prodToken()
      const page = yield* authenticate(prodAuth(), withCookies({ __session: t }, R.DOCUMENT, R.PROD_PAGE))
      expectState(page, "handshake", "session-token-but-no-client-uat")
      expectState(
        yield* authenticate(prodAuth(), withCookies({ __session: t })),
        "signed-out",
        "session-token-but-no-client-uat"
      )
    }))

  it.effect("a uat without session: client-uat-but-no-session-token", () =>
    Effect.gen(function*() {
      const page = yield* authenticate(prodAuth(), withCookies({ __client_uat: F.NOW }, R.DOCUMENT, R.PROD_PAGE))
      expectState(page, "handshake", "client-uat-but-no-session-token")
      expect(location(page).searchParams.has("__session")).toBe(false)
    }))

  it.effect("a session cookie that does not decode: token-invalid", () =>
    Effect.gen(function*() {
      const state = yield* authenticate(prodAuth(), withCookies({ __session: "garbage", __client_uat: F.NOW }))
      expectState(state, "signed-out", "token-invalid")
      expect(state.message).toMatch(/token-carrier=cookie\)$/)
    }))

  it.effect("a machine token in the session cookie: token-type-mismatch", () =>
    Effect.gen(function*() {
      const m2m = yield* prodToken({ sub: "mch_1" })
      expectState(
        yield* authenticate(prodAuth(), withCookies({ __session: m2m, __client_uat: F.NOW - 60 })),
        "signed-out",
        "token-type-mismatch"
      )
    }))

  it.effect("a session issued before the uat: session-token-iat-before-client-uat", () =>
    Effect.gen(function*() {
      const stale = yield* prodToken({ iat: F.NOW - 30 })
      const state = yield* authenticate(prodAuth(), withCookies({ __session: stale, __client_uat: F.NOW }, R.DOCUMENT, R.PROD_PAGE))
      expectState(state, "handshake", "session-token-iat-before-client-uat")
    }))

  it.effect("expired, a page load: the handshake redirect, with every parameter Clerk sends", () =>
    Effect.gen(function*() {
      const expired = yield* prodToken({ exp: F.NOW - 60, iat: F.NOW - 120 })
      const request = withCookies(
        { __session: expired, __client_uat: F.NOW - 300 },
        { ...R.DOCUMENT, "x-forwarded-host": "app.example.net", "x-forwarded-proto": "https" },
        "http://internal:8080/dashboard?tab=1&__clerk_db_jwt=x"
      )
      const state = yield* authenticate(prodAuth(), request)
      expectState(state, "handshake", "session-token-expired-refresh-non-eligible-no-refresh-cookie")
      const url = location(state)
      expect(`${url.origin}${url.pathname}`).toBe(`${R.PROD_ISSUER}/v1/client/handshake`)
      expect(Object.fromEntries(url.searchParams)).toEqual({
        // Rebuilt from the forwarding headers, without the dev-browser parameter.
        redirect_url: "https://app.example.net/dashboard?tab=1",
        __clerk_api_version: "2026-05-12",
        suffixed_cookies: "false",
        __clerk_hs_reason: "session-token-expired-refresh-non-eligible-no-refresh-cookie",
        format: "nonce",
        __session: expired
      })
      expect(state.headers.get("cache-control")).toBe("no-store")
      expect(state.headers.getSetCookie()).toEqual(["__clerk_redirect_count=1; SameSite=Lax; HttpOnly; Max-Age=2"])
      expect(state.headers.get("x-clerk-auth-status")).toBe("handshake")
      expect(state.headers.get("x-clerk-auth-reason")).toBe(state.reason)
    }))

  it.effect("not active yet / issued in the future: session-token-nbf / session-token-iat-in-the-future", () =>
    Effect.gen(function*() {
      const nbf = yield* prodToken({ nbf: F.NOW + 600 })
      const iat = yield* prodToken({ iat: F.NOW + 600, nbf: undefined })
      expectState(
        yield* authenticate(prodAuth(), withCookies({ __session: nbf, __client_uat: F.NOW - 60 }, R.DOCUMENT, R.PROD_PAGE)),
        "handshake",
        "session-token-nbf"
      )
      expectState(
        yield* authenticate(prodAuth(), withCookies({ __session: iat, __client_uat: 1 }, R.DOCUMENT, R.PROD_PAGE)),
        "handshake",
        "session-token-iat-in-the-future"
      )
    }))

  it.effect("other verification errors on a page load: signed out, no handshake", () =>
    Effect.gen(function*() {
      const forged = yield* token({ iss: R.PROD_ISSUER }, {}, stranger)
      expectState(
        yield* authenticate(prodAuth(), withCookies({ __session: forged, __client_uat: F.NOW - 60 }, R.DOCUMENT, R.PROD_PAGE)),
        "signed-out",
        "token-invalid-signature"
      )
    }))
})

describe("the redirect-loop guard", () => {
  const expiredPage = (count: number) =>
    Effect.map(
      prodToken({ exp: F.NOW - 60, iat: F.NOW - 120 }),
      (t) => withCookies({ __session: t, __client_uat: F.NOW - 300, __clerk_redirect_count: count }, R.DOCUMENT, R.PROD_PAGE)
    )

  it.effect("counts each handshake redirect in a two-second cookie", () =>
    Effect.gen(function*() {
      for (const count of [0, 1, 2]) {
        const state = yield* authenticate(prodAuth(), yield* expiredPage(count))
        expect(state.status).toBe("handshake")
        expect(state.headers.getSetCookie()).toEqual([`__clerk_redirect_count=${count + 1}; SameSite=Lax; HttpOnly; Max-Age=2`])
      }
    }))

  it.effect("at 3, signs out with the same reason, no redirect, and logs why", () =>
    Effect.gen(function*() {
      const state = yield* authenticate(prodAuth(), yield* expiredPage(3))
      expectState(state, "signed-out", "session-token-expired-refresh-non-eligible-no-refresh-cookie")
      expect(state.headers.get("location")).toBeNull()
      expect(state.headers.getSetCookie()).toEqual([])
    }))
})

describe("refresh with __refresh (§3.5)", () => {
  const expiredWithRefresh = (method = "GET") =>
    Effect.map(prodToken({ exp: F.NOW - 60, iat: F.NOW - 120 }), (t) =>
      new Request(R.PROD_PAGE, {
        method,
        headers: {
          ...R.DOCUMENT,
          cookie: R.cookieHeader({
            [`__session_${PROD_SUFFIX}`]: t,
            [`__client_uat_${PROD_SUFFIX}`]: F.NOW - 300,
            [`__refresh_${PROD_SUFFIX}`]: "rt_opaque"
          })
        }
      }))

  it.effect("a GET with an expired session and a refresh cookie: refreshed through the Backend API, signed in", () =>
    Effect.gen(function*() {
      const fresh = yield* prodToken()
      const backend = fakeBackend({
        refresh: () =>
          Effect.succeed([
            `__session_${PROD_SUFFIX}=${fresh}; Path=/; Secure; SameSite=Lax`,
            `__client_uat_${PROD_SUFFIX}=${F.NOW}; Path=/; Secure; SameSite=Lax`
          ])
      })
      const request = yield* expiredWithRefresh()
      const state = yield* authenticate(prodAuth().pipe(Layer.provide(backend.layer)), request)
      expectState(state, "signed-in", null)
      expect(state.token).toBe(fresh)
      expect(state.headers.getSetCookie()).toHaveLength(2)
      expect(backend.refreshes).toHaveLength(1)
      const params = backend.refreshes[0]!
      expect(params).toMatchObject({
        sessionId: "sess_2xS3ss10n",
        refreshToken: "rt_opaque",
        requestOrigin: R.PROD_ORIGIN,
        suffixedCookies: true
      })
      expect(params.requestHeaders["sec-fetch-dest"]).toEqual(["document"])
    }))

  it.effect("a refused refresh: the handshake, with the Backend API's reason in the composed reason", () =>
    Effect.gen(function*() {
      const backend = fakeBackend({
        refresh: () => Effect.fail(new SessionBackendError({ reason: "refresh_token_invalid", description: "test" }))
      })
      const state = yield* authenticate(prodAuth().pipe(Layer.provide(backend.layer)), yield* expiredWithRefresh())
      expectState(state, "handshake", "session-token-expired-refresh-refresh_token_invalid")
    }))

  it.effect("refreshed cookies that do not verify: …-refresh-invalid-session-token", () =>
    Effect.gen(function*() {
      const bad = yield* token({ iss: R.PROD_ISSUER }, {}, stranger)
      const backend = fakeBackend({ refresh: () => Effect.succeed([`__session_${PROD_SUFFIX}=${bad}; Path=/`]) })
      const state = yield* authenticate(prodAuth().pipe(Layer.provide(backend.layer)), yield* expiredWithRefresh())
      expectState(state, "handshake", "session-token-expired-refresh-invalid-session-token")
    }))

  it.effect("no cookies in the answer: …-refresh-unexpected-sdk-error", () =>
    Effect.gen(function*() {
      const backend = fakeBackend({ refresh: () => Effect.succeed([]) })
      const state = yield* authenticate(prodAuth().pipe(Layer.provide(backend.layer)), yield* expiredWithRefresh())
      expectState(state, "handshake", "session-token-expired-refresh-unexpected-sdk-error")
    }))

  it.effect("no SessionBackend: …-refresh-missing-api-client", () =>
    Effect.gen(function*() {
      const state = yield* authenticate(prodAuth(), yield* expiredWithRefresh())
      expectState(state, "handshake", "session-token-expired-refresh-missing-api-client")
    }))

  it.effect("an expired token without sid: …-refresh-expired-session-token-missing-sid-claim", () =>
    Effect.gen(function*() {
      const t = yield* prodToken({ exp: F.NOW - 60, iat: F.NOW - 120, sid: undefined })
      const backend = fakeBackend({})
      const request = new Request(R.PROD_PAGE, {
        headers: {
          ...R.DOCUMENT,
          cookie: R.cookieHeader({ __session: t, __client_uat: F.NOW - 300, [`__refresh_${PROD_SUFFIX}`]: "rt" })
        }
      })
      const state = yield* authenticate(prodAuth().pipe(Layer.provide(backend.layer)), request)
      expectState(state, "handshake", "session-token-expired-refresh-expired-session-token-missing-sid-claim")
      expect(backend.refreshes).toHaveLength(0)
    }))

  it.effect("not on a POST: …-refresh-non-eligible-non-get, signed out", () =>
    Effect.gen(function*() {
      const backend = fakeBackend({})
      const state = yield* authenticate(prodAuth().pipe(Layer.provide(backend.layer)), yield* expiredWithRefresh("POST"))
      expectState(state, "signed-out", "session-token-expired-refresh-non-eligible-non-get")
      expect(backend.refreshes).toHaveLength(0)
    }))
})

describe("handshake resolution (§3.6)", () => {
  it.effect("a nonce: the payload's directives become Set-Cookie, the session in them signs in", () =>
    Effect.gen(function*() {
      const fresh = yield* prodToken()
      const backend = fakeBackend({
        payload: () => Effect.succeed([`__session=${fresh}; Path=/`, `__client_uat=${F.NOW}; Path=/`])
      })
      const request = new Request(`${R.PROD_PAGE}?__clerk_handshake_nonce=nonce_1`, { headers: R.DOCUMENT })
      const state = yield* authenticate(prodAuth().pipe(Layer.provide(backend.layer)), request)
      expectState(state, "signed-in", null)
      expect(state.token).toBe(fresh)
      expect(backend.nonces).toEqual(["nonce_1"])
      expect(state.headers.getSetCookie()).toEqual([`__session=${fresh}; Path=/`, `__client_uat=${F.NOW}; Path=/`])
      expect(state.headers.get("access-control-allow-origin")).toBe("null")
      expect(state.headers.get("access-control-allow-credentials")).toBe("true")
      // Production: no redirect to clean the URL.
      expect(state.headers.get("location")).toBeNull()
    }))

  it.effect("a nonce whose payload has no session: signed out, session-token-missing", () =>
    Effect.gen(function*() {
      const backend = fakeBackend({ payload: () => Effect.succeed([`__client_uat=0; Path=/`]) })
      const request = new Request(R.PROD_PAGE, { headers: { ...R.DOCUMENT, cookie: "__clerk_handshake_nonce=n2" } })
      const state = yield* authenticate(prodAuth().pipe(Layer.provide(backend.layer)), request)
      expectState(state, "signed-out", "session-token-missing")
      expect(state.headers.getSetCookie()).toEqual(["__client_uat=0; Path=/"])
    }))

  it.effect("in development, the resolved URL is cleaned of the handshake parameters", () =>
    Effect.gen(function*() {
      const fresh = yield* token()
      const backend = fakeBackend({ payload: () => Effect.succeed([`__session=${fresh}; Path=/`]) })
      const request = new Request(`${R.PAGE}?tab=2&__clerk_handshake_nonce=n&__clerk_db_jwt=dvb&__clerk_help=1`, {
        headers: R.DOCUMENT
      })
      const state = yield* authenticate(devAuth().pipe(Layer.provide(backend.layer)), request)
      expectState(state, "signed-in", null)
      expect(state.headers.get("location")).toBe(`${R.PAGE}?tab=2`)
      expect(state.headers.get("cache-control")).toBe("no-store")
    }))

  it.effect("in development, an expired session from the handshake is retried with a day of clock skew", () =>
    Effect.gen(function*() {
      const skewed = yield* token({ exp: F.NOW - 3600, iat: F.NOW - 3700, nbf: F.NOW - 3700 })
      const backend = fakeBackend({ payload: () => Effect.succeed([`__session=${skewed}; Path=/`]) })
      const request = new Request(`${R.PAGE}?__clerk_handshake_nonce=n`, { headers: R.DOCUMENT })
      expectState(yield* authenticate(devAuth().pipe(Layer.provide(backend.layer)), request), "signed-in", null)
    }))

  it.effect("a failed payload fetch: logged, and the cookie path goes on", () =>
    Effect.gen(function*() {
      const backend = fakeBackend({
        payload: () => Effect.fail(new SessionBackendError({ reason: "fetch-error", description: "ClerkRequestError" }))
      })
      const request = new Request(`${R.PROD_PAGE}?__clerk_handshake_nonce=n`, { headers: R.DOCUMENT })
      const state = yield* authenticate(prodAuth().pipe(Layer.provide(backend.layer)), request)
      expectState(state, "signed-out", "session-token-missing")
    }))

  it.effect("a legacy handshake token: signature checked (not its times), directives from its claim", () =>
    Effect.gen(function*() {
      const fresh = yield* prodToken()
      const handshakeToken = yield* Effect.promise(() =>
        F.sign(key, { handshake: [`__session=${fresh}; Path=/`], exp: F.NOW - 86_400 })
      )
      const request = new Request(`${R.PROD_PAGE}?__clerk_handshake=${handshakeToken}`, { headers: R.DOCUMENT })
      const state = yield* authenticate(prodAuth(), request)
      expectState(state, "signed-in", null)
      expect(state.headers.getSetCookie()).toEqual([`__session=${fresh}; Path=/`])
    }))

  it.effect("a handshake token of a JWT template is refused (it could set any cookie)", () =>
    Effect.gen(function*() {
      const fresh = yield* prodToken()
      const template = yield* Effect.promise(() =>
        F.sign(key, { handshake: [`__session=${fresh}; Path=/`] }, { header: { cat: "cl_B7d4PD222AAA" } })
      )
      const request = new Request(`${R.PROD_PAGE}?__clerk_handshake=${template}`, { headers: R.DOCUMENT })
      // Production: logged, then the cookie path without cookies.
      expectState(yield* authenticate(prodAuth(), request), "signed-out", "session-token-and-uat-missing")
    }))

  it.effect("in development, a handshake token with a bad signature is a sign-out with the advice", () =>
    Effect.gen(function*() {
      const forged = yield* Effect.promise(() => F.sign(stranger, { handshake: [] }))
      const request = new Request(`${R.PAGE}?__clerk_handshake=${forged}`, { headers: R.DOCUMENT })
      const state = yield* authenticate(devAuth(), request)
      expectState(state, "signed-out", "token-invalid-signature")
      expect(state.message).toMatch(/clear your cookies/)
    }))
})

describe("development instances", () => {
  it.effect("no dev browser: dev-browser-missing (a handshake for a page load)", () =>
    Effect.gen(function*() {
      const t = yield* token()
      const state = yield* authenticate(devAuth(), new Request(R.PAGE, { headers: { ...R.DOCUMENT, cookie: `__session=${t}; __client_uat=${F.NOW}` } }))
      expectState(state, "handshake", "dev-browser-missing")
    }))

  it.effect("a dev browser in the query: dev-browser-sync, forwarded to the Frontend API", () =>
    Effect.gen(function*() {
      const state = yield* authenticate(devAuth(), new Request(`${R.PAGE}?__clerk_db_jwt=dvb_1`, { headers: R.DOCUMENT }))
      expectState(state, "handshake", "dev-browser-sync")
      const url = location(state)
      expect(url.searchParams.get("__clerk_db_jwt")).toBe("dvb_1")
      expect(new URL(url.searchParams.get("redirect_url") ?? "").searchParams.has("__clerk_db_jwt")).toBe(false)
    }))

  it.effect("with a dev browser cookie and a session: signed in", () =>
    Effect.gen(function*() {
      const t = yield* token()
      const request = new Request(R.PAGE, {
        headers: { ...R.DOCUMENT, cookie: R.cookieHeader({ __clerk_db_jwt: "dvb", __session: t, __client_uat: F.NOW - 60 }) }
      })
      expectState(yield* authenticate(devAuth(), request), "signed-in", null)
    }))

  it.effect("the primary answering a satellite's sync: primary-responds-to-syncing, back with the dev browser", () =>
    Effect.gen(function*() {
      const back = "https://satellite.example.org/page?x=1"
      const request = new Request(`${R.PAGE}?__clerk_redirect_url=${encodeURIComponent(back)}`, {
        headers: { ...R.DOCUMENT, cookie: "__clerk_db_jwt=dvb_2" }
      })
      const state = yield* authenticate(devAuth(), request)
      expectState(state, "handshake", "primary-responds-to-syncing")
      expect(state.headers.get("location")).toBe("https://satellite.example.org/page?x=1&__clerk_db_jwt=dvb_2&__clerk_synced=true")
    }))
})

describe("satellites", () => {
  const satellite = (options: LayerOptions = {}) =>
    prodAuth({ isSatellite: true, domain: "satellite.example.org", ...options })

  it.effect("a production satellite page load without cookies: signed out (no auto-sync by default)", () =>
    Effect.gen(function*() {
      const request = new Request("https://satellite.example.org/page", { headers: R.DOCUMENT })
      expectState(yield* authenticate(satellite(), request), "signed-out", "session-token-and-uat-missing")
    }))

  it.effect("with satelliteAutoSync, or __clerk_synced=false: satellite-needs-syncing, to clerk.<domain>", () =>
    Effect.gen(function*() {
      const auto = yield* authenticate(
        satellite({ satelliteAutoSync: true }),
        new Request("https://satellite.example.org/page", { headers: R.DOCUMENT })
      )
      expectState(auto, "handshake", "satellite-needs-syncing")
      expect(location(auto).host).toBe("clerk.satellite.example.org")
      const needs = yield* authenticate(
        satellite(),
        new Request("https://satellite.example.org/page?__clerk_synced=false", { headers: R.DOCUMENT })
      )
      expectState(needs, "handshake", "satellite-needs-syncing")
    }))

  it.effect("__clerk_synced=true: the sync is done, the cookie path goes on", () =>
    Effect.gen(function*() {
      const request = new Request("https://satellite.example.org/page?__clerk_synced=true", { headers: R.DOCUMENT })
      expectState(yield* authenticate(satellite({ satelliteAutoSync: true }), request), "signed-out", "session-token-and-uat-missing")
    }))

  it.effect("a satellite accepts tokens issued by its own Frontend API (clerk.<domain>)", () =>
    Effect.gen(function*() {
      const t = yield* prodToken({ iss: "https://clerk.satellite.example.org" })
      expectState(yield* authenticate(satellite(), bearer(t)), "signed-in", null)
    }))

  it.effect("a development satellite sends the browser to the primary's sign-in page", () =>
    Effect.gen(function*() {
      const layer = devAuth({
        isSatellite: true,
        domain: "satellite.example.org",
        signInUrl: "https://primary.example.com/sign-in",
        satelliteAutoSync: true
      })
      const state = yield* authenticate(layer, new Request("https://satellite.example.org/page", { headers: R.DOCUMENT }))
      expectState(state, "handshake", "satellite-needs-syncing")
      expect(state.headers.get("location")).toBe(
        `https://primary.example.com/sign-in?__clerk_redirect_url=${encodeURIComponent("https://satellite.example.org/page")}`
      )
    }))

  it.effect("a satellite needs a domain or proxyUrl; a development one an absolute signInUrl", () =>
    Effect.gen(function*() {
      const noDomain = yield* Effect.flip(makeAuth({ jwtKey: key.pem, publishableKey: R.PROD_PUBLISHABLE_KEY, isSatellite: true }))
      expect(noDomain.message).toMatch(/domain or a proxyUrl/)
      const noSignIn = yield* Effect.flip(
        makeAuth({ jwtKey: key.pem, publishableKey: F.PUBLISHABLE_KEY, isSatellite: true, domain: "s.example" })
      )
      expect(noSignIn.message).toMatch(/signInUrl/)
    }))
})

describe("the primary's cross-origin sync", () => {
  const page = (referer: string, extra: Record<string, string | number> = {}) =>
    Effect.map(prodToken(), (t) =>
      withCookies({ __session: t, __client_uat: F.NOW - 60, ...extra }, { ...R.DOCUMENT, referer }, R.PROD_PAGE))

  it.effect("a page load from another origin: primary-domain-cross-origin-sync", () =>
    Effect.gen(function*() {
      const state = yield* authenticate(prodAuth(), yield* page("https://satellite.example.org/x"))
      expectState(state, "handshake", "primary-domain-cross-origin-sync")
      expect(state.message).toBe("Cross-origin request from satellite domain requires handshake")
    }))

  it.effect("not from Clerk's own pages, nor the same origin, nor once a redirect is under way", () =>
    Effect.gen(function*() {
      for (const referer of ["https://accounts.example.com/sign-in", "https://clerk.example.com/x", `${R.PROD_ORIGIN}/other`]) {
        expectState(yield* authenticate(prodAuth(), yield* page(referer)), "signed-in", null)
      }
      expectState(
        yield* authenticate(prodAuth(), yield* page("https://satellite.example.org/x", { __clerk_redirect_count: 1 })),
        "signed-in",
        null
      )
    }))
})

describe("organization sync", () => {
  const orgToken = (o: Record<string, unknown> | undefined) => prodToken({ o })
  const orgPage = (path: string, t: string, extra: Record<string, string | number> = {}) =>
    withCookies({ __session: t, __client_uat: F.NOW - 60, ...extra }, R.DOCUMENT, `${R.PROD_ORIGIN}${path}`)
  const sync = {
    organizationSyncOptions: {
      organizationPatterns: ["/orgs/:slug", "/orgs/:slug/(.*)", "/by-id/:id"],
      personalAccountPatterns: ["/me", "/me/(.*)"]
    }
  }

  it.effect("another organization's page: active-organization-mismatch, organization_id in the redirect", () =>
    Effect.gen(function*() {
      const t = yield* orgToken({ id: "org_1", slg: "other", rol: "admin" })
      const state = yield* authenticate(prodAuth(sync), orgPage("/orgs/acme/settings", t))
      expectState(state, "handshake", "active-organization-mismatch")
      expect(location(state).searchParams.get("organization_id")).toBe("acme")
      const byId = yield* authenticate(prodAuth(sync), orgPage("/by-id/org_2", t))
      expect(location(byId).searchParams.get("organization_id")).toBe("org_2")
    }))

  it.effect("the active organization's page: signed in", () =>
    Effect.gen(function*() {
      const t = yield* orgToken({ id: "org_1", slg: "acme", rol: "admin" })
      expectState(yield* authenticate(prodAuth(sync), orgPage("/orgs/acme/settings", t)), "signed-in", null)
    }))

  it.effect("the personal account's page with an organization active: organization_id empty", () =>
    Effect.gen(function*() {
      const t = yield* orgToken({ id: "org_1", slg: "acme", rol: "admin" })
      const state = yield* authenticate(prodAuth(sync), orgPage("/me/profile", t))
      expectState(state, "handshake", "active-organization-mismatch")
      expect(location(state).searchParams.get("organization_id")).toBe("")
      const personal = yield* orgToken(undefined)
      expectState(yield* authenticate(prodAuth(sync), orgPage("/me", personal)), "signed-in", null)
    }))

  it.effect("after three redirects, the organization is left as it is: signed in", () =>
    Effect.gen(function*() {
      const t = yield* orgToken({ id: "org_1", slg: "other", rol: "admin" })
      expectState(
        yield* authenticate(prodAuth(sync), orgPage("/orgs/acme", t, { __clerk_redirect_count: 3 })),
        "signed-in",
        null
      )
    }))

  it.effect("per-call patterns replace the layer's; a malformed one is refused when configured", () =>
    Effect.gen(function*() {
      const t = yield* orgToken({ id: "org_1", slg: "other", rol: "admin" })
      expectState(yield* authenticate(prodAuth(), orgPage("/orgs/acme", t)), "signed-in", null)
      expectState(yield* authenticate(prodAuth(), orgPage("/orgs/acme", t), sync), "handshake", "active-organization-mismatch")
      const bad = yield* Effect.flip(
        makeAuth({
          jwtKey: key.pem,
          publishableKey: R.PROD_PUBLISHABLE_KEY,
          organizationSyncOptions: { organizationPatterns: ["/orgs/:"] }
        })
      )
      expect(bad.message).toMatch(/organizationSyncOptions/)
    }))
})

describe("suffixed cookies", () => {
  it.effect("this instance's suffixed cookies win over another instance's plain ones", () =>
    Effect.gen(function*() {
      const mine = yield* prodToken()
      const other = yield* prodToken({ iss: "https://clerk.other.example" })
      const state = yield* authenticate(prodAuth(), withCookies({
        __session: other,
        __client_uat: F.NOW,
        [`__session_${PROD_SUFFIX}`]: mine,
        [`__client_uat_${PROD_SUFFIX}`]: F.NOW - 60
      }))
      expectState(state, "signed-in", null)
      expect(state.token).toBe(mine)
    }))

  it.effect("a signed-out suffixed uat (0) with a plain session: the plain cookies", () =>
    Effect.gen(function*() {
      const plain = yield* prodToken()
      const state = yield* authenticate(prodAuth(), withCookies({
        __session: plain,
        __client_uat: F.NOW - 60,
        [`__client_uat_${PROD_SUFFIX}`]: 0
      }))
      expectState(state, "signed-in", null)
      expect(state.token).toBe(plain)
    }))

  it.effect("the handshake says which set is in use", () =>
    Effect.gen(function*() {
      const t = yield* prodToken({ iat: F.NOW - 30 })
      const state = yield* authenticate(prodAuth(), withCookies({
        [`__session_${PROD_SUFFIX}`]: t,
        [`__client_uat_${PROD_SUFFIX}`]: F.NOW
      }, R.DOCUMENT, R.PROD_PAGE))
      expectState(state, "handshake", "session-token-iat-before-client-uat")
      expect(location(state).searchParams.get("suffixed_cookies")).toBe("true")
    }))

  it("uses Clerk's suffix", async () => {
    const { getCookieSuffix } = await import("@clerk/shared/keys")
    expect(await getCookieSuffix(R.PROD_PUBLISHABLE_KEY)).toBe(PROD_SUFFIX)
    expect(await getCookieSuffix(F.PUBLISHABLE_KEY)).toBe(DEV_SUFFIX)
  })
})

describe("pending sessions", () => {
  it.effect("are signed in for Clerk, signed out in the auth object unless asked", () =>
    Effect.gen(function*() {
      const state = yield* authenticate(devAuth(), bearer(yield* token({ sts: "pending" })))
      expect(state.status).toBe("signed-in")
      if (state._tag !== "SignedIn" || state.tokenType !== "session_token") return expect.fail("not a session")
      expect(state.toAuth()).toMatchObject({ isAuthenticated: false, userId: null, sessionStatus: "pending" })
      expect(state.toAuth({ treatPendingAsSignedOut: false })).toMatchObject({ isAuthenticated: true, userId: "user_2xUs3r" })
    }))
})

describe("inputs", () => {
  it.effect("an HttpServerRequest is read as its web Request is", () =>
    Effect.gen(function*() {
      const t = yield* prodToken()
      const web = withCookies({ __session: t, __client_uat: F.NOW - 60 })
      expectState(yield* authenticate(prodAuth(), web), "signed-in", null)
      const state = yield* Effect.provide(
        Effect.zipRight(F.setNow(F.NOW), ClerkAuth.authenticateRequest(HttpServerRequest.fromWeb(withCookies({ __session: t, __client_uat: F.NOW - 60 })))),
        prodAuth()
      )
      expectState(state, "signed-in", null)
    }))

  it.effect("the origin is rebuilt from the Host header, as Clerk does", () =>
    Effect.gen(function*() {
      const t = yield* prodToken({ exp: F.NOW - 60, iat: F.NOW - 120 })
      const web = withCookies({ __session: t, __client_uat: F.NOW - 300 }, { ...R.DOCUMENT, host: "node.example:3000" }, R.PROD_PAGE)
      const request = HttpServerRequest.fromWeb(web).modify({ url: "/dashboard" })
      const state = yield* Effect.provide(
        Effect.zipRight(F.setNow(F.NOW), ClerkAuth.authenticateRequest(request)),
        prodAuth()
      )
      expect(location(state).searchParams.get("redirect_url")).toBe("https://node.example:3000/dashboard")
    }))
})
