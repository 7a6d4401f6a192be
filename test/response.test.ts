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

describe("a reply", () => {
  it.effect("keeps the status, the headers and the body", () =>
    Effect.gen(function*() {
      const received = yield* reply(200, `{"id":"thing_1"}`, { "clerk-trace-id": "t-1" })
      expect(received).toMatchObject({ status: 200, body: `{"id":"thing_1"}` })
      expect(received.headers["clerk-trace-id"]).toBe("t-1")
      expect(yield* Response.interpret(GetThing, GetThing.success, received)).toEqual({ id: "thing_1" })
    }))

  it.effect("an error status is read from the reply", () =>
    Effect.gen(function*() {
      const received = yield* reply(404, `{"errors":[{"code":"resource_not_found","message":"m"}]}`, { "cf-ray": "r-1" })
      const error = yield* Effect.flip(Response.interpret(GetThing, GetThing.success, received))
      expect(error).toMatchObject({ _tag: "ClerkNotFound", status: 404, clerkTraceId: "r-1" })
    }))

  it.effect("a body that is not JSON fails to decode at $", () =>
    Effect.gen(function*() {
      const received = yield* reply(200, "<html>")
      const error = yield* Effect.flip(Response.interpret(GetThing, GetThing.success, received))
      expect(error).toMatchObject({ _tag: "ClerkDecodeError", path: "$", status: 200 })
    }))

  // The platform keeps what a response's `arrayBuffer` gave (src/internal/response.ts): the page's bytes must
  // not stay there.
  it.effect("reads the body as Response.text() does, and leaves the platform's copy of its bytes empty", () =>
    Effect.gen(function*() {
      // A BOM, JSON, then a byte that is not UTF-8.
      const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(`{"id":"é"}`), 0xff])
      const response = HttpClientResponse.fromWeb(HttpClientRequest.get("http://127.0.0.1:9/things"), new globalThis.Response(bytes))
      const received = yield* Response.readReply(GetThing, response)
      expect(received.body).toBe(yield* Effect.promise(() => new globalThis.Response(bytes).text()))
      expect(received.body).toBe(`{"id":"é"}\ufffd`)
      expect((yield* response.arrayBuffer).byteLength).toBe(0)
    }))

  it.effect("no body at all is an empty text", () =>
    Effect.gen(function*() {
      const noBody = HttpClientResponse.fromWeb(HttpClientRequest.get("http://127.0.0.1:9/things"), new globalThis.Response(null, { status: 204 }))
      expect((yield* Response.readReply(GetThing, noBody)).body).toBe("")
    }))
})
