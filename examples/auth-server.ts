/**
 * An `HttpApi` server protected by Clerk: one public endpoint, one behind `ClerkAuthMiddleware`, served
 * on 127.0.0.1 with plain `node:http`.
 *
 *   npx tsx examples/auth-server.ts
 *     Demo: generates an RSA key and a publishable key, mints a session token with them, starts the server
 *     on an ephemeral port, shows 200 with the token and 401 without, and exits.
 *
 *   CLERK_PUBLISHABLE_KEY=pk_test_… CLERK_SECRET_KEY=sk_test_… npx tsx examples/auth-server.ts
 *     Serves on PORT (default 3000) with your instance's keys (CLERK_JWT_KEY for networkless
 *     verification, else the JWKS through the Backend API) until Ctrl-C:
 *       curl -H "Authorization: Bearer <session token>" http://127.0.0.1:3000/me
 */
import { pathToFileURL } from "node:url"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as HttpApi from "@effect/platform/HttpApi"
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as HttpServer from "@effect/platform/HttpServer"
import * as jose from "jose"
import * as Clerk from "../src/Clerk.js"
import { ClerkAuth, JwksSource } from "../src/ClerkAuth.js"
import * as ClerkMiddleware from "../src/ClerkMiddleware.js"
import { serve, type Server } from "./support/nodeHttp.js"

// ---------------------------------------------------------------------------------------------------------
// The API
// ---------------------------------------------------------------------------------------------------------

const Me = Schema.Struct({
  tokenType: Schema.String,
  userId: Schema.NullOr(Schema.String),
  sessionId: Schema.NullOr(Schema.String),
  orgId: Schema.NullOr(Schema.String)
})

class PublicGroup extends HttpApiGroup.make("public")
  .add(HttpApiEndpoint.get("health", "/health").addSuccess(Schema.Struct({ ok: Schema.Boolean })))
{}

/** Everything in this group requires a signed-in user (or an accepted machine token). */
class MeGroup extends HttpApiGroup.make("me")
  .add(HttpApiEndpoint.get("me", "/me").addSuccess(Me))
  .middleware(ClerkMiddleware.ClerkAuthMiddleware)
{}

export class ExampleApi extends HttpApi.make("example").add(PublicGroup).add(MeGroup) {}

const PublicLive = HttpApiBuilder.group(ExampleApi, "public", (handlers) =>
  handlers.handle("health", () => Effect.succeed({ ok: true })))

const MeLive = HttpApiBuilder.group(ExampleApi, "me", (handlers) =>
  handlers.handle("me", () =>
    Effect.map(ClerkMiddleware.CurrentAuth, (auth) =>
      auth.tokenType === "session_token"
        ? { tokenType: auth.tokenType, userId: auth.userId, sessionId: auth.sessionId, orgId: auth.orgId }
        : { tokenType: auth.tokenType, userId: "userId" in auth ? auth.userId : null, sessionId: null, orgId: null })))

/** The API, given a `ClerkAuth`; the middleware's options (accepted tokens, pending sessions, …) here. */
export const apiLayer = (options: ClerkMiddleware.Options = {}) =>
  HttpApiBuilder.api(ExampleApi).pipe(
    Layer.provide([PublicLive, MeLive]),
    Layer.provide(ClerkMiddleware.layer(options))
  )

export const ApiLive = apiLayer()

/**
 * Starts the server on 127.0.0.1 (port 0: an ephemeral one) with the given `ClerkAuth`. `close` stops the
 * server and releases the handler's layer.
 */
export const start = async (
  auth: Layer.Layer<ClerkAuth, unknown>,
  options: { readonly port?: number; readonly middleware?: ClerkMiddleware.Options } = {}
): Promise<Server> => {
  const { dispose, handler } = HttpApiBuilder.toWebHandler(
    Layer.mergeAll(apiLayer(options.middleware), HttpServer.layerContext).pipe(Layer.provide(auth))
  )
  const server = await serve(handler, { host: "127.0.0.1", port: options.port ?? 0 })
  return {
    url: server.url,
    close: async () => {
      await server.close()
      await dispose()
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// The demo instance: keys made here, a token minted here
// ---------------------------------------------------------------------------------------------------------

/** A development instance's publishable key, for a made-up Frontend API. */
export const DEMO_FRONTEND_API = "example-app-1.clerk.accounts.dev"
export const DEMO_PUBLISHABLE_KEY = `pk_test_${btoa(`${DEMO_FRONTEND_API}$`).replace(/=+$/, "")}`

export interface Demo {
  readonly auth: Layer.Layer<ClerkAuth, unknown>
  /** A session token for `user_demo`, valid for `seconds` (default 60). */
  readonly mint: (claims?: Record<string, unknown>, seconds?: number) => Promise<string>
}

/** An RSA key pair generated now: the public half verifies, the private half mints tokens. */
export const demo = async (): Promise<Demo> => {
  const { privateKey, publicKey } = await jose.generateKeyPair("RS256", { extractable: true })
  const jwtKey = await jose.exportSPKI(publicKey)
  return {
    auth: ClerkAuth.layer({ jwtKey, publishableKey: DEMO_PUBLISHABLE_KEY }),
    mint: (claims = {}, seconds = 60) => {
      const now = Math.floor(Date.now() / 1000)
      return new jose.SignJWT({ sid: "sess_demo", v: 2, azp: "http://127.0.0.1", ...claims })
        .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: "ins_demo" })
        .setSubject("user_demo")
        .setIssuer(`https://${DEMO_FRONTEND_API}`)
        .setIssuedAt(now - 1)
        .setNotBefore(now - 1)
        .setExpirationTime(now + seconds)
        .sign(privateKey)
    }
  }
}

/** With your instance's keys: networkless with CLERK_JWT_KEY, else the JWKS through ClerkLive. */
const fromEnvironment = (): Layer.Layer<ClerkAuth, unknown> =>
  (process.env["CLERK_SECRET_KEY"] ?? "") !== ""
    ? Clerk.ClerkLive
    : ClerkAuth.layerConfig().pipe(Layer.provide(JwksSource.none))

const main = async () => {
  if ((process.env["CLERK_PUBLISHABLE_KEY"] ?? "") !== "") {
    const server = await start(fromEnvironment(), { port: Number(process.env["PORT"] ?? 3000) })
    console.log(`listening on ${server.url}: GET /health (public), GET /me (Authorization: Bearer <session token>)`)
    process.once("SIGINT", () => void server.close().then(() => process.exit(0)))
    return
  }
  const { auth, mint } = await demo()
  const server = await start(auth)
  try {
    const show = async (label: string, path: string, headers: Record<string, string> = {}) => {
      const response = await fetch(`${server.url}${path}`, { headers, signal: AbortSignal.timeout(5_000) })
      const reason = response.headers.get("x-clerk-auth-reason")
      console.log(`${label}: ${response.status}${reason === null ? "" : ` (${reason})`} ${await response.text()}`)
    }
    console.log(`demo server on ${server.url}`)
    await show("GET /health, public      ", "/health")
    await show("GET /me, no token        ", "/me")
    await show("GET /me, a valid token   ", "/me", { authorization: `Bearer ${await mint()}` })
    await show("GET /me, an expired token", "/me", { authorization: `Bearer ${await mint({}, -60)}` })
  } finally {
    await server.close()
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error))
    process.exitCode = 1
  })
}
