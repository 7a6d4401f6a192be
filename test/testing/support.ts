/**
 * Drives the offline Clerk over its `HttpClient`, as raw HTTP: for the behaviours the generated services
 * cannot express (an unknown route, a malformed body) and for asserting the wire shapes.
 */
import * as Effect from "effect/Effect"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { ClerkTest } from "../../src/testing/index.js"

export interface Call {
  readonly query?: Record<string, string | number | boolean | ReadonlyArray<string>>
  readonly body?: unknown
  readonly form?: FormData
  readonly headers?: Record<string, string>
}

export interface Answer {
  readonly status: number
  /** The wire JSON, for `expect(…).toMatchObject`. */
  readonly body: unknown
}

export const api = (method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE", path: string, call: Call = {}) =>
  Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    const url = new URL(ClerkTest.apiUrl + path)
    for (const [key, value] of Object.entries(call.query ?? {})) {
      if (typeof value === "object") for (const item of value) url.searchParams.append(key, item)
      else url.searchParams.append(key, String(value))
    }
    let request = HttpClientRequest.make(method)(url, {
      headers: { authorization: "Bearer sk_test_offline", ...call.headers }
    })
    if (call.body !== undefined) request = HttpClientRequest.bodyUnsafeJson(request, call.body)
    if (call.form !== undefined) request = HttpClientRequest.bodyFormData(request, call.form)
    const response = yield* client.execute(request)
    const text = yield* response.text
    const body: unknown = text === "" ? undefined : JSON.parse(text)
    const answer: Answer = { status: response.status, body }
    return answer
  }).pipe(Effect.orDie)
