/**
 * A fake `HttpClient` that records every request it sees and answers from a script: the seam through
 * which the tests watch what the SDK puts on the wire.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"

export interface Recorded {
  readonly method: string
  readonly url: URL
  readonly headers: Readonly<Record<string, string>>
  /** The JSON or text body as a string, the multipart form, or undefined for none. */
  readonly body: string | FormData | undefined
  readonly contentType: string | undefined
}

export type Respond = (
  request: Recorded,
  index: number
) => Response | Effect.Effect<Response, HttpClientError.HttpClientError>

const bodyOf = (request: HttpClientRequest.HttpClientRequest): Pick<Recorded, "body" | "contentType"> => {
  const body = request.body
  switch (body._tag) {
    case "Empty":
      return { body: undefined, contentType: undefined }
    case "Uint8Array":
      return { body: new TextDecoder().decode(body.body), contentType: body.contentType }
    case "FormData":
      return { body: body.formData, contentType: undefined }
    default:
      return { body: `<${body._tag}>`, contentType: body.contentType }
  }
}

export interface Fake {
  readonly requests: Array<Recorded>
  readonly layer: Layer.Layer<HttpClient.HttpClient>
}

export const makeFake = (respond: Respond): Fake => {
  const requests: Array<Recorded> = []
  const client = HttpClient.make((request, url) => {
    const recorded: Recorded = { method: request.method, url, headers: request.headers, ...bodyOf(request) }
    requests.push(recorded)
    const answer = respond(recorded, requests.length - 1)
    return Effect.map(
      Effect.isEffect(answer) ? answer : Effect.succeed(answer),
      (response) => HttpClientResponse.fromWeb(request, response)
    )
  })
  return { requests, layer: Layer.succeed(HttpClient.HttpClient, client) }
}

/** A JSON response. */
export const json = (body: unknown, status = 200, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } })

/** Clerk's error body. */
export const clerkErrors = (status: number, code: string, headers: Record<string, string> = {}, traceId?: string) =>
  json({
    errors: [{ code, message: `${code} message`, long_message: `${code} long message` }],
    ...(traceId === undefined ? {} : { clerk_trace_id: traceId })
  }, status, headers)
