/**
 * Layers that put the offline Clerk under the real SDK: an `HttpClient` answered in memory by
 * `OfflineClerk`, so the services, encoders, decoders, errors and retries run unchanged on top.
 *
 * ```ts
 * const TestLayer = Clerk.layer({ secretKey: Redacted.make("sk_test_offline"), apiUrl: ClerkTest.apiUrl })
 *   .pipe(Layer.provideMerge(ClerkTest.layer()))
 * ```
 *
 * Faults (`Faults`) given in the options, set with `OfflineClerk.setFaults`, or scoped to one effect with
 * `withFaults`, reach the SDK as the real wire would deliver them: a reset is an `HttpClientError`, a timeout
 * an answer that never comes.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as ClerkClient from "../ClerkClient.js"
import type * as Faults from "./Faults.js"
import * as Webhooks from "./internal/webhooks.js"
import * as OfflineClerk from "./OfflineClerk.js"

/**
 * The base URL the test layers use. Any URL works: the `HttpClient` never leaves the process.
 *
 * @since 0.1.0
 * @category constants
 */
export const apiUrl = "https://api.clerk.test/v1"

/**
 * A secret key of the right shape, for `ClerkClient.layer`. Not a real key.
 *
 * @since 0.1.0
 * @category constants
 */
export const secretKey: Redacted.Redacted<string> = Redacted.make("sk_test_offline")

/**
 * The secret the offline Clerk signs its webhooks with unless `webhooks.signingSecret` says otherwise: fixed,
 * so `Webhooks.layer({ signingSecret: ClerkTest.webhookSecret })` verifies them. Not a real secret.
 *
 * @since 0.1.0
 * @category constants
 */
export const webhookSecret: Redacted.Redacted<string> = Webhooks.DEFAULT_SECRET

/**
 * @since 0.1.0
 * @category models
 */
export interface Options extends OfflineClerk.Options {}

const readBody = (request: HttpClientRequest.HttpClientRequest): unknown => {
  const body = request.body
  switch (body._tag) {
    case "Empty":
      return undefined
    case "FormData":
      return body.formData
    case "Uint8Array": {
      const text = new TextDecoder().decode(body.body)
      if (text === "") return undefined
      try {
        return JSON.parse(text)
      } catch {
        return new OfflineClerk.MalformedBody("it is not JSON")
      }
    }
    default:
      return new OfflineClerk.MalformedBody(`a ${body._tag} body is not supported`)
  }
}

/** `/v1/users` → `/users`; a base URL without `/v1` (as Prism serves) works too. */
const apiPath = (url: URL): string => url.pathname.replace(/^\/v1(?=\/|$)/, "") || "/"

/** What undici throws when a peer resets the connection, so the SDK reports it as it would for real. */
const connectionReset = (): Error =>
  new Error("fetch failed", { cause: Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }) })

/** Statuses whose responses cannot have a body. */
const NULL_BODY: ReadonlyArray<number> = [204, 205, 304]

/**
 * An `HttpClient` answered in memory by an exchange (`OfflineClerk.exchange`, faults included): a reset
 * becomes a `RequestError` with reason `Transport`, an answer that never comes an effect that never
 * completes (interrupted by the caller's timeout).
 *
 * @since 0.1.0
 * @category constructors
 */
export const httpClient = (
  exchange: (request: OfflineClerk.ApiRequest) => Effect.Effect<OfflineClerk.ExchangeResult>
): HttpClient.HttpClient =>
  HttpClient.make((request, url) =>
    Effect.flatMap(
      exchange({
        method: request.method,
        path: apiPath(url),
        query: url.searchParams,
        body: readBody(request),
        headers: request.headers
      }),
      (result) =>
        result._tag === "ConnectionReset"
          ? Effect.fail(
            new HttpClientError.RequestError({ request, reason: "Transport", cause: connectionReset() })
          )
          : Effect.succeed(HttpClientResponse.fromWeb(
            request,
            new Response(NULL_BODY.includes(result.status) || result.body === "" ? null : result.body, {
              status: result.status,
              headers: result.headers
            })
          ))
    )
  )

/**
 * A fresh offline Clerk and an `HttpClient` that talks to it. Provide `ClerkClient.layer` (or `Clerk.layer`)
 * on top, or use `layerClient`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: Options = {}
): Layer.Layer<HttpClient.HttpClient | OfflineClerk.OfflineClerk> =>
  Layer.scopedContext(
    Effect.map(OfflineClerk.make(options), (clerk) =>
      Context.make(OfflineClerk.OfflineClerk, clerk).pipe(
        Context.add(HttpClient.HttpClient, httpClient(clerk.exchange))
      ))
  )

/**
 * `layer` with the core `ClerkClient` on top, configured with `apiUrl` and `secretKey`: what the generated
 * services need. `clientOptions` override the client's (a retry policy, say).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerClient = (
  options: Options = {},
  clientOptions: Partial<ClerkClient.Options> = {}
): Layer.Layer<ClerkClient.ClerkClient | HttpClient.HttpClient | OfflineClerk.OfflineClerk> =>
  ClerkClient.layer({ secretKey, apiUrl, ...clientOptions }).pipe(Layer.provideMerge(layer(options)))

/**
 * Runs `effect` with `faults` in force, and none after (whatever was in force before is not restored: faults
 * are a test's own setting). Seed the state first, then wrap only the part under test.
 *
 * ```ts
 * Users.list({}).pipe(
 *   ClerkTest.withFaults({ script: [{ operation: "users.list", times: 2, fault: Faults.serverError(503) }] })
 * )
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const withFaults = (faults: Faults.Options) =>
<A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R | OfflineClerk.OfflineClerk> =>
  Effect.flatMap(OfflineClerk.OfflineClerk, (clerk) =>
    Effect.acquireUseRelease(clerk.setFaults(faults), () => effect, () => clerk.setFaults(undefined)))
