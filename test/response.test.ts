import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Operation from "../src/internal/operation.js"
import * as Response from "../src/internal/response.js"

const GetThing = Operation.make({
  operationId: "GetThing",
  name: "things.get",
  method: "GET",
  path: "/things",
  input: Operation.fromSchema(Schema.Struct({})),
  pathParams: [],
  queryParams: [],
  body: "none",
  success: Operation.json(Schema.Struct({ id: Schema.String })),
  errors: [404]
})

const reply = (status: number, body: string, headers: Record<string, string> = {}) =>
  Response.readReply(
    GetThing,
    HttpClientResponse.fromWeb(HttpClientRequest.get("http://127.0.0.1:9/things"), new globalThis.Response(body, { status, headers }))
  )

// The reply crosses the timeout's fiber boundary, whose result V8 keeps alive past the call (bench/promotion.ts):
// once interpreted, it must no longer hold the page's text.
describe("a reply", () => {
  it.effect("keeps the status, the headers and the body until it is interpreted, then not the body", () =>
    Effect.gen(function*() {
      const received = yield* reply(200, `{"id":"thing_1"}`, { "clerk-trace-id": "t-1" })
      expect(received).toMatchObject({ status: 200, body: `{"id":"thing_1"}` })
      expect(received.headers["clerk-trace-id"]).toBe("t-1")
      expect(yield* Response.interpret(GetThing, GetThing.success, received)).toEqual({ id: "thing_1" })
      expect(received.body).toBeUndefined()
    }))

  it.effect("an error status is read from the reply, and its body taken out too", () =>
    Effect.gen(function*() {
      const received = yield* reply(404, `{"errors":[{"code":"resource_not_found","message":"m"}]}`, { "cf-ray": "r-1" })
      const error = yield* Effect.flip(Response.interpret(GetThing, GetThing.success, received))
      expect(error).toMatchObject({ _tag: "ClerkNotFound", status: 404, clerkTraceId: "r-1" })
      expect(received.body).toBeUndefined()
    }))

  it.effect("a body that is not JSON fails to decode at $, after the body is taken out", () =>
    Effect.gen(function*() {
      const received = yield* reply(200, "<html>")
      const error = yield* Effect.flip(Response.interpret(GetThing, GetThing.success, received))
      expect(error).toMatchObject({ _tag: "ClerkDecodeError", path: "$", status: 200 })
      expect(received.body).toBeUndefined()
    }))
})
