/**
 * The Effect server integrations. Over real HTTP on 127.0.0.1: the `HttpApi` example server answers 200
 * with a valid token and 401 without (and the webhook receiver example verifies a signed webhook). In
 * process, through web handlers: the handshake's 307 with its cookies, refreshed cookies on a 200, pending
 * sessions, the debug headers, the OpenAPI security schemes, and the `HttpRouter` middleware.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as HttpApp from "@effect/platform/HttpApp"
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServer from "@effect/platform/HttpServer"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as OpenApi from "@effect/platform/OpenApi"
import * as AuthServer from "../../examples/auth-server.js"
import type { Server } from "../../examples/support/nodeHttp.js"
import * as WebhookReceiver from "../../examples/webhook-receiver.js"
import { ClerkAuth, SessionBackend } from "../../src/ClerkAuth.js"
import * as ClerkMiddleware from "../../src/ClerkMiddleware.js"
import { Webhooks } from "../../src/Webhooks.js"
import * as F from "./fixtures.js"
import * as R from "./requestFixtures.js"

/** Every request is bounded: a hung server fails the test instead of the run. */
const get = (url: string, headers: Record<string, string> = {}) =>
  fetch(url, { headers, redirect: "manual", signal: AbortSignal.timeout(5_000) })

describe("the auth-server example, over real HTTP on 127.0.0.1", () => {
  let server: Server
  let demo: AuthServer.Demo

  beforeAll(async () => {
    demo = await AuthServer.demo()
    server = await AuthServer.start(demo.auth)
  })
  afterAll(async () => {
    await server.close()
  })

  it("listens on 127.0.0.1", () => {
    expect(new URL(server.url).hostname).toBe("127.0.0.1")
  })

  it("answers the public endpoint without a token", async () => {
    const response = await get(`${server.url}/health`)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ ok: true })
  })

  it("answers 200 with a valid token, the handler seeing the auth object", async () => {
    const response = await get(`${server.url}/me`, { authorization: `Bearer ${await demo.mint()}` })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ tokenType: "session_token", userId: "user_demo", sessionId: "sess_demo", orgId: null })
    expect(response.headers.get("x-clerk-auth-status")).toBeNull()
  })

  it("answers 401 without a token, with Clerk's debug headers", async () => {
    const response = await get(`${server.url}/me`)
    expect(response.status).toBe(401)
    expect(response.headers.get("x-clerk-auth-status")).toBe("signed-out")
    expect(await response.json()).toEqual({ _tag: "Unauthenticated", reason: "dev-browser-missing" })
  })

  it("answers 401 for an expired or forged token", async () => {
    const expired = await get(`${server.url}/me`, { authorization: `Bearer ${await demo.mint({}, -60)}` })
    expect(expired.status).toBe(401)
    expect(expired.headers.get("x-clerk-auth-reason")).toBe("session-token-expired-refresh-non-eligible-no-refresh-cookie")
    const other = await AuthServer.demo()
    const forged = await get(`${server.url}/me`, { authorization: `Bearer ${await other.mint()}` })
    expect(forged.status).toBe(401)
    expect(forged.headers.get("x-clerk-auth-reason")).toBe("token-invalid-signature")
  })
})

describe("the webhook-receiver example, over real HTTP on 127.0.0.1", () => {
  it("verifies a signed webhook and refuses a tampered one", async () => {
    const secret = `whsec_${Buffer.from("an example secret of 24b").toString("base64")}`
    const types: Array<string> = []
    const server = await WebhookReceiver.start(Redacted.make(secret), { onEvent: (type) => types.push(type) })
    try {
      const signed = await Effect.runPromise(
        Webhooks.signedRequest({ secret, body: WebhookReceiver.sampleEvent, url: `${server.url}${WebhookReceiver.PATH}` })
      )
      const body = await signed.clone().text()
      const ok = await fetch(signed, { signal: AbortSignal.timeout(5_000) })
      expect(ok.status).toBe(204)
      expect(types).toEqual(["user.created"])
      const tampered = await fetch(`${server.url}${WebhookReceiver.PATH}`, {
        method: "POST",
        headers: signed.headers,
        body: body.replace("Ada", "Adb"),
        signal: AbortSignal.timeout(5_000)
      })
      expect(tampered.status).toBe(400)
      expect(await tampered.json()).toEqual({ reason: "NoMatchingSignature" })
    } finally {
      await server.close()
    }
  })
})

// ---------------------------------------------------------------------------------------------------------
// In process
// ---------------------------------------------------------------------------------------------------------

const key = await F.generateKey(2048)

/** Tokens relative to the real clock: the web handlers run on the default runtime. */
const now = () => Math.floor(Date.now() / 1000)
const prodToken = (overrides: Record<string, unknown> = {}) =>
  F.sign(key, F.claims({ iss: R.PROD_ISSUER, iat: now() - 5, nbf: now() - 10, exp: now() + 60, ...overrides }))

const prodAuth = (backend?: Layer.Layer<SessionBackend>) => {
  const auth = Layer.orDie(ClerkAuth.layer({ jwtKey: key.pem, publishableKey: R.PROD_PUBLISHABLE_KEY }))
  return backend === undefined ? auth : Layer.provide(auth, backend)
}

const apiHandler = (auth: Layer.Layer<ClerkAuth>, options: ClerkMiddleware.Options = {}) =>
  HttpApiBuilder.toWebHandler(
    Layer.mergeAll(AuthServer.apiLayer(options), HttpServer.layerContext).pipe(Layer.provide(auth))
  )

const withHandler = async <A>(
  handler: ReturnType<typeof apiHandler>,
  f: (handle: (request: Request) => Promise<Response>) => Promise<A>
): Promise<A> => {
  try {
    return await f(handler.handler)
  } finally {
    await handler.dispose()
  }
}

describe("ClerkAuthMiddleware (HttpApi), in process", () => {
  it("sends a browser with an expired session to the handshake: 307, Location, cookies, no-store", async () => {
    const expired = await prodToken({ exp: now() - 60, iat: now() - 120 })
    await withHandler(apiHandler(prodAuth()), async (handle) => {
      const response = await handle(new Request(`${R.PROD_ORIGIN}/me`, {
        headers: { ...R.DOCUMENT, cookie: R.cookieHeader({ __session: expired, __client_uat: now() - 300 }) }
      }))
      expect(response.status).toBe(307)
      const location = new URL(response.headers.get("location") ?? "")
      expect(`${location.origin}${location.pathname}`).toBe(`${R.PROD_ISSUER}/v1/client/handshake`)
      expect(response.headers.get("cache-control")).toBe("no-store")
      expect(response.headers.getSetCookie().map((c) => c.split(";")[0])).toEqual(["__clerk_redirect_count=1"])
      expect(response.headers.get("x-clerk-auth-status")).toBe("handshake")
      expect(await response.json()).toEqual({
        _tag: "HandshakeRequired",
        reason: "session-token-expired-refresh-non-eligible-no-refresh-cookie"
      })
    })
  })

  it("adds the refreshed session's cookies to the handler's 200", async () => {
    const suffix = R.suffixOf(R.PROD_PUBLISHABLE_KEY)
    const expired = await prodToken({ exp: now() - 60, iat: now() - 120 })
    const fresh = await prodToken()
    const backend = Layer.succeed(SessionBackend, {
      refreshSession: () => Effect.succeed([`__session_${suffix}=${fresh}; Path=/; Secure; HttpOnly`]),
      getHandshakePayload: () => Effect.succeed([])
    })
    await withHandler(apiHandler(prodAuth(backend)), async (handle) => {
      const response = await handle(new Request(`${R.PROD_ORIGIN}/me`, {
        headers: {
          cookie: R.cookieHeader({
            [`__session_${suffix}`]: expired,
            [`__client_uat_${suffix}`]: now() - 300,
            [`__refresh_${suffix}`]: "rt"
          })
        }
      }))
      expect(response.status).toBe(200)
      const cookie = response.headers.getSetCookie()[0] ?? ""
      expect(cookie.startsWith(`__session_${suffix}=${fresh}`)).toBe(true)
      expect(cookie).toMatch(/HttpOnly/)
    })
  })

  it("refuses a pending session unless told otherwise", async () => {
    const pending = await prodToken({ sts: "pending" })
    const request = () => new Request(`${R.PROD_ORIGIN}/me`, { headers: { authorization: `Bearer ${pending}` } })
    await withHandler(apiHandler(prodAuth()), async (handle) => {
      const response = await handle(request())
      expect(response.status).toBe(401)
      expect(response.headers.get("x-clerk-auth-reason")).toBe("session-pending")
    })
    await withHandler(apiHandler(prodAuth(), { treatPendingAsSignedOut: false }), async (handle) => {
      expect((await handle(request())).status).toBe(200)
    })
  })

  it("leaves the debug headers out when asked", async () => {
    await withHandler(apiHandler(prodAuth(), { debugHeaders: false }), async (handle) => {
      const response = await handle(new Request(`${R.PROD_ORIGIN}/me`))
      expect(response.status).toBe(401)
      expect([...response.headers.keys()].filter((name) => name.startsWith("x-clerk"))).toEqual([])
    })
  })

  it("authenticates once per request, whichever scheme runs first", async () => {
    let calls = 0
    const counting = Layer.effect(
      ClerkAuth,
      Effect.map(ClerkAuth, (auth) =>
        ClerkAuth.make({
          ...auth,
          authenticateRequest: (request, options) => Effect.suspend(() => {
            calls++
            return auth.authenticateRequest(request, options)
          })
        }))
    ).pipe(Layer.provide(prodAuth()))
    await withHandler(apiHandler(counting), async (handle) => {
      expect((await handle(new Request(`${R.PROD_ORIGIN}/me`))).status).toBe(401)
      expect(calls).toBe(1)
      expect((await handle(new Request(`${R.PROD_ORIGIN}/me`, { headers: { authorization: `Bearer ${await prodToken()}` } }))).status).toBe(200)
      expect(calls).toBe(2)
    })
  })

  it("documents both security schemes in the OpenAPI spec", () => {
    const spec = OpenApi.fromApi(AuthServer.ExampleApi)
    expect(Object.keys(spec.components.securitySchemes)).toEqual(["bearer", "cookie"])
    expect(spec.paths["/me"]?.get?.security).toEqual([{ bearer: [] }, { cookie: [] }])
    expect(spec.paths["/health"]?.get?.security).toEqual([])
  })
})

describe("ClerkMiddleware.middleware (HttpRouter), in process", () => {
  const router = HttpRouter.empty.pipe(
    HttpRouter.get(
      "/me",
      Effect.map(ClerkMiddleware.CurrentAuth, (auth) => HttpServerResponse.unsafeJson({ tokenType: auth.tokenType }))
    )
  )
  const handlerFor = (options: ClerkMiddleware.Options = {}) =>
    HttpApp.toWebHandlerLayer(ClerkMiddleware.middleware(options)(router), prodAuth())

  it("provides CurrentAuth and answers 200 with a valid token", async () => {
    const { dispose, handler } = handlerFor()
    try {
      const response = await handler(new Request(`${R.PROD_ORIGIN}/me`, { headers: { authorization: `Bearer ${await prodToken()}` } }))
      expect(response.status).toBe(200)
      expect(await response.json()).toEqual({ tokenType: "session_token" })
    } finally {
      await dispose()
    }
  })

  it("answers 401 itself when signed out, with the reason and the debug headers", async () => {
    const { dispose, handler } = handlerFor()
    try {
      const response = await handler(new Request(`${R.PROD_ORIGIN}/me`))
      expect(response.status).toBe(401)
      expect(await response.json()).toEqual({ reason: "session-token-and-uat-missing" })
      expect(response.headers.get("x-clerk-auth-reason")).toBe("session-token-and-uat-missing")
    } finally {
      await dispose()
    }
  })

  it("answers 307 to the handshake for a page load that needs one", async () => {
    const { dispose, handler } = handlerFor()
    try {
      const response = await handler(new Request(`${R.PROD_ORIGIN}/me`, {
        headers: { ...R.DOCUMENT, cookie: R.cookieHeader({ __client_uat: now() }) }
      }))
      expect(response.status).toBe(307)
      expect(response.headers.get("location")).toMatch(/^https:\/\/clerk\.example\.com\/v1\/client\/handshake\?/)
      expect(response.headers.getSetCookie().map((c) => c.split(";")[0])).toEqual(["__clerk_redirect_count=1"])
    } finally {
      await dispose()
    }
  })
})
