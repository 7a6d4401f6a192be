/**
 * Layers that put the offline Clerk under the real SDK: an `HttpClient` answered in memory by
 * `OfflineClerk`, so the services, encoders, decoders, errors and retries run unchanged on top.
 *
 * ```ts
 * const TestLayer = Clerk.layer({ secretKey: Redacted.make("sk_test_offline"), apiUrl: ClerkTest.apiUrl })
 *   .pipe(Layer.provideMerge(ClerkTest.layer()))
 * ```
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as ClerkClient from "../ClerkClient.js"
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

/**
 * An `HttpClient` answered by a handler, in memory.
 *
 * @since 0.1.0
 * @category constructors
 */
export const httpClient = (
  handle: (request: OfflineClerk.ApiRequest) => Effect.Effect<OfflineClerk.ApiResponse>
): HttpClient.HttpClient =>
  HttpClient.make((request, url) =>
    Effect.map(
      handle({
        method: request.method,
        path: apiPath(url),
        query: url.searchParams,
        body: readBody(request),
        headers: request.headers
      }),
      (response) =>
        HttpClientResponse.fromWeb(
          request,
          new Response(response.body === undefined ? null : JSON.stringify(response.body), {
            status: response.status,
            headers: response.headers
          })
        )
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
  Layer.effectContext(
    Effect.map(OfflineClerk.make(options), (clerk) =>
      Context.make(OfflineClerk.OfflineClerk, clerk).pipe(
        Context.add(HttpClient.HttpClient, httpClient(clerk.handle))
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
