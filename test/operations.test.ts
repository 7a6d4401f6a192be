/**
 * Every one of the 249 operations, called once against a recording fake `HttpClient`: the method, the
 * encoded path, the query, the body and the headers it puts on the wire, and that its answer decodes. The
 * cases are generated from the spec (test/generated/cases.ts), so a new operation is covered the day it is
 * generated.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Clerk from "../src/Clerk.js"
import { type Case, cases } from "./generated/cases.js"
import { makeFake } from "./support/fake.js"

const SECRET = "sk_test_operations"

const answer = (c: Case): Response => {
  const { status, body } = c.response
  if (body === undefined) return new Response(null, { status })
  if (typeof body === "string") return new Response(body, { status, headers: { "content-type": "text/html" } })
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=utf-8" } })
}

const expectBody = (c: Case, body: string | FormData | undefined, contentType: string | undefined) => {
  if (c.request.body === undefined) {
    expect(body).toBeUndefined()
  } else if (c.request.body === "multipart") {
    expect(body).toBeInstanceOf(FormData)
    expect(body instanceof FormData && body.get("file")).toBeInstanceOf(Blob)
  } else {
    expect(contentType).toBe("application/json")
    expect(JSON.parse(String(body))).toEqual(c.request.body)
  }
}

describe("every operation against a recording fake", () => {
  it("has all 249 operations, each named once", () => {
    expect(cases).toHaveLength(249)
    expect(new Set(cases.map((c) => c.name)).size).toBe(249)
    expect(new Set(cases.map((c) => c.operationId)).size).toBe(249)
  })

  for (const c of cases) {
    it.effect(`${c.name} (${c.operationId})`, () => {
      const fake = makeFake(() => answer(c))
      const layer = Clerk.layer({ secretKey: Redacted.make(SECRET), retry: false }).pipe(Layer.provide(fake.layer))
      return Effect.gen(function*() {
        yield* c.call.pipe(Effect.provide(layer))
        expect(fake.requests).toHaveLength(1)
        const [request] = fake.requests
        if (request === undefined) return
        expect(request.method).toBe(c.request.method)
        expect(request.url.origin).toBe("https://api.clerk.com")
        expect(request.url.pathname).toBe(`/v1${c.request.path}`)
        expect([...request.url.searchParams]).toEqual(c.request.query)
        expectBody(c, request.body, request.contentType)
        expect(request.headers).toMatchObject({
          authorization: `Bearer ${SECRET}`,
          "clerk-api-version": "2026-05-12",
          "user-agent": "effect-clerk/0.1.0",
          accept: "application/json"
        })
      })
    })
  }
})
