/**
 * Clerk authentication for Effect HTTP servers: an `HttpApiMiddleware` for `HttpApi` groups and
 * endpoints, and a middleware function for plain `HttpRouter`/`HttpApp` apps. Both run
 * `ClerkAuth.authenticateRequest` on the request (bearer header or `__session` cookies), give handlers the
 * auth object as `CurrentAuth`, and answer 401 when signed out, or 307 to Clerk's handshake when a browser
 * must refresh its session. The response carries what Clerk's own adapters add: `Set-Cookie` after a
 * refresh, and the `x-clerk-auth-status`/`-reason`/`-message` debug headers.
 *
 * ```ts
 * import { HttpApi, HttpApiBuilder, HttpApiEndpoint, HttpApiGroup } from "@effect/platform"
 * import * as Effect from "effect/Effect"
 * import * as Schema from "effect/Schema"
 * import { ClerkMiddleware } from "effect-clerk"
 *
 * class Me extends HttpApiGroup.make("me")
 *   .add(HttpApiEndpoint.get("me", "/me").addSuccess(Schema.String))
 *   .middleware(ClerkMiddleware.ClerkAuthMiddleware) {}
 *
 * const MeLive = HttpApiBuilder.group(Api, "me", (handlers) =>
 *   handlers.handle("me", () => Effect.map(ClerkMiddleware.CurrentAuth, (auth) => auth.subject ?? "")))
 *
 * // ClerkMiddleware.layer() needs ClerkAuth (ClerkLive, or ClerkAuth.layer({ jwtKey, publishableKey })).
 * ```
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as Cookies from "@effect/platform/Cookies"
import * as HttpApiMiddleware from "@effect/platform/HttpApiMiddleware"
import * as HttpApiSchema from "@effect/platform/HttpApiSchema"
import * as HttpApiSecurity from "@effect/platform/HttpApiSecurity"
import * as HttpApp from "@effect/platform/HttpApp"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import { ClerkAuth } from "./ClerkAuth.js"
import type * as Auth from "./ClerkAuth.js"

/**
 * Who the request is from: a signed-in session's auth object, or a machine token's.
 *
 * @since 0.1.0
 * @category models
 */
export type AuthenticatedAuth = Auth.SignedInAuthObject | Auth.MachineAuthObject

/**
 * The auth object of the authenticated request, for handlers behind the middleware.
 *
 * @since 0.1.0
 * @category tags
 */
export class CurrentAuth extends Context.Tag("effect-clerk/CurrentAuth")<CurrentAuth, AuthenticatedAuth>() {}

/**
 * 401: the request is signed out. `reason` is Clerk's (`session-token-and-uat-missing`, `token-expired`,
 * …), as in the `x-clerk-auth-reason` header; it never holds the token.
 *
 * @since 0.1.0
 * @category errors
 */
export class Unauthenticated extends Schema.TaggedError<Unauthenticated>()(
  "Unauthenticated",
  { reason: Schema.String },
  HttpApiSchema.annotations({ status: 401 })
) {}

/**
 * 307 to Clerk's handshake: the browser's session must be refreshed (or synced) before the page can be
 * served. The `Location` and cookies are in the response headers.
 *
 * @since 0.1.0
 * @category errors
 */
export class HandshakeRequired extends Schema.TaggedError<HandshakeRequired>()(
  "HandshakeRequired",
  { reason: Schema.String },
  HttpApiSchema.annotations({ status: 307 })
) {}

/**
 * `HttpApiMiddleware` for `HttpApi`: bearer tokens and the `__session` cookie (both listed as security
 * schemes in the OpenAPI document), `CurrentAuth` for the handlers, 401/307 otherwise.
 *
 * @since 0.1.0
 * @category tags
 */
export class ClerkAuthMiddleware extends HttpApiMiddleware.Tag<ClerkAuthMiddleware>()(
  "effect-clerk/ClerkAuthMiddleware",
  {
    failure: Schema.Union(Unauthenticated, HandshakeRequired),
    provides: CurrentAuth,
    security: {
      bearer: HttpApiSecurity.bearer,
      cookie: HttpApiSecurity.apiKey({ in: "cookie", key: "__session" })
    }
  }
) {}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Passed to `authenticateRequest` (`acceptsToken`, `authorizedParties`, organization sync, …). */
  readonly authenticate?: Auth.AuthenticateRequestOptions | undefined
  /** A `pending` session (tasks left to do) is refused unless `false`; default `true`, as Clerk. */
  readonly treatPendingAsSignedOut?: boolean | undefined
  /** Add the `x-clerk-auth-*` debug headers to signed-out and handshake responses; default `true`, as Clerk. */
  readonly debugHeaders?: boolean | undefined
}

/** What the request gets: the auth object, or the refusal, plus the headers to add to the response. */
type Decision =
  | { readonly _tag: "Allow"; readonly auth: AuthenticatedAuth; readonly headers: Headers }
  | { readonly _tag: "Deny"; readonly error: Unauthenticated | HandshakeRequired; readonly headers: Headers }

const DEBUG_HEADERS = ["x-clerk-auth-status", "x-clerk-auth-reason", "x-clerk-auth-message"]

const decide = (state: Auth.RequestState, options: Options): Decision => {
  const headers = state.headers
  if (options.debugHeaders === false) for (const name of DEBUG_HEADERS) headers.delete(name)
  switch (state._tag) {
    case "SignedIn": {
      const auth = state.tokenType === "session_token"
        ? state.toAuth({ treatPendingAsSignedOut: options.treatPendingAsSignedOut ?? true })
        : state.toAuth()
      if (auth.isAuthenticated) return { _tag: "Allow", auth, headers }
      // A pending session: signed in for Clerk, not yet for this application.
      if (options.debugHeaders !== false) {
        headers.set("x-clerk-auth-status", "signed-out")
        headers.set("x-clerk-auth-reason", "session-pending")
      }
      return { _tag: "Deny", error: new Unauthenticated({ reason: "session-pending" }), headers }
    }
    case "SignedOut":
      return { _tag: "Deny", error: new Unauthenticated({ reason: state.reason }), headers }
    case "Handshake":
      return { _tag: "Deny", error: new HandshakeRequired({ reason: state.reason }), headers }
  }
}

/** Copies web `Headers` onto a response: `Set-Cookie` as cookies (the response's only multi-valued field). */
const withHeaders = (
  response: HttpServerResponse.HttpServerResponse,
  headers: Headers
): HttpServerResponse.HttpServerResponse => {
  let result = response
  for (const [name, value] of headers) {
    if (name !== "set-cookie") result = HttpServerResponse.setHeader(result, name, value)
  }
  const cookies = headers.getSetCookie()
  return cookies.length === 0 ? result : HttpServerResponse.mergeCookies(result, Cookies.fromSetCookie(cookies))
}

const isEmpty = (headers: Headers): boolean => headers.keys().next().done === true

const annotate = (state: Auth.RequestState) =>
  Effect.annotateCurrentSpan({
    "clerk.auth.status": state.status,
    "clerk.auth.token_type": state.tokenType ?? "none",
    ...(state.reason === null ? {} : { "clerk.auth.reason": state.reason })
  })

/**
 * Authenticates the request in context and decides; the headers go onto whatever response is sent (the
 * handler's, or the encoded error's), through a pre-response handler.
 */
const run = (
  auth: Auth.ClerkAuthService,
  request: HttpServerRequest.HttpServerRequest,
  options: Options
): Effect.Effect<AuthenticatedAuth, Unauthenticated | HandshakeRequired> =>
  Effect.flatMap(auth.authenticateRequest(request, options.authenticate), (state) => {
    const decision = decide(state, options)
    const respond = isEmpty(decision.headers)
      ? Effect.void
      : HttpApp.appendPreResponseHandler((_, response) => Effect.succeed(withHeaders(response, decision.headers)))
    return Effect.zipRight(
      Effect.zipRight(annotate(state), respond),
      decision._tag === "Allow" ? Effect.succeed(decision.auth) : Effect.fail(decision.error)
    )
  })

/**
 * The `ClerkAuthMiddleware` implementation, over the `ClerkAuth` in context.
 *
 * The two security schemes share one decision per request: the first one run authenticates the whole
 * request (header or cookies, as Clerk's decision tree reads them), and the second, run only when the
 * first refused, gives the same answer without authenticating again.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<ClerkAuthMiddleware, never, ClerkAuth> =>
  Layer.effect(
    ClerkAuthMiddleware,
    Effect.map(ClerkAuth, (auth) => {
      const decided = new WeakMap<
        HttpServerRequest.HttpServerRequest,
        Exit.Exit<AuthenticatedAuth, Unauthenticated | HandshakeRequired>
      >()
      const once = Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
        const previous = decided.get(request)
        if (previous !== undefined) return previous
        return Effect.tap(Effect.exit(run(auth, request, options)), (exit) => {
          decided.set(request, exit)
        }).pipe(Effect.flatten)
      })
      return ClerkAuthMiddleware.of({ bearer: () => once, cookie: () => once })
    })
  )

/**
 * For plain `HttpRouter`/`HttpApp` apps: authenticates each request, provides `CurrentAuth` to the app,
 * and answers 401 (signed out) or 307 (handshake) itself.
 *
 * ```ts
 * const app = HttpRouter.empty.pipe(
 *   HttpRouter.get("/me", Effect.map(CurrentAuth, (auth) => HttpServerResponse.text(auth.subject ?? ""))),
 *   ClerkMiddleware.middleware()
 * )
 * ```
 *
 * @since 0.1.0
 * @category middleware
 */
export const middleware = (options: Options = {}) =>
<E, R>(
  app: HttpApp.Default<E, R>
): HttpApp.Default<E, Exclude<R, CurrentAuth> | ClerkAuth | HttpServerRequest.HttpServerRequest> =>
  Effect.flatMap(
    Effect.all([ClerkAuth, HttpServerRequest.HttpServerRequest]),
    ([auth, request]) =>
      Effect.flatMap(auth.authenticateRequest(request, options.authenticate), (state) => {
        const decision = decide(state, options)
        if (decision._tag === "Deny") {
          const status = decision.error._tag === "HandshakeRequired" ? 307 : 401
          return Effect.as(
            annotate(state),
            withHeaders(HttpServerResponse.unsafeJson({ reason: decision.error.reason }, { status }), decision.headers)
          )
        }
        return Effect.zipRight(
          annotate(state),
          Effect.map(
            Effect.provideService(app, CurrentAuth, decision.auth),
            (response) => isEmpty(decision.headers) ? response : withHeaders(response, decision.headers)
          )
        )
      })
  )
