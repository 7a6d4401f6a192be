import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import * as ClerkClient from "../src/ClerkClient.js"
import type { KnownStatus } from "../src/ClerkError.js"
import * as Operation from "../src/internal/operation.js"
import * as Retry from "../src/Retry.js"
import { clerkErrors, type Fake, json, makeFake, type Respond } from "./support/fake.js"
import { makeTelemetry, withTelemetry } from "./support/telemetry.js"

const SECRET = "sk_test_fakeSecretKeyThatMustNeverLeak0000"

const Thing = Schema.Struct({ id: Schema.String, createdAt: Schema.fromKey(Schema.propertySignature(Schema.Number), "created_at") })

const GetThing = Operation.make({
  operationId: "GetThing",
  name: "things.get",
  method: "GET",
  path: "/things/{thing_id}",
  input: Operation.fromSchema(Schema.Struct({
    thingId: Schema.fromKey(Schema.propertySignature(Schema.String), "thing_id"),
    emailAddress: Schema.optional(Schema.Array(Schema.String)).pipe(Schema.fromKey("email_address")),
    limit: Schema.optional(Schema.Int.pipe(Schema.greaterThanOrEqualTo(1), Schema.lessThanOrEqualTo(500)))
  })),
  pathParams: ["thing_id"],
  queryParams: ["email_address", "limit"],
  body: "none",
  success: Operation.json(Thing),
  errors: [400, 404]
})

const CreateThing = Operation.make({
  operationId: "CreateThing",
  name: "things.create",
  method: "POST",
  path: "/things",
  input: Operation.fromSchema(Schema.Struct({
    name: Schema.String,
    kind: Schema.optional(Schema.Literal("big", "small")),
    username: Schema.optional(Schema.NullOr(Schema.String)),
    publicMetadata: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })).pipe(
      Schema.fromKey("public_metadata")
    )
  })),
  pathParams: [],
  queryParams: [],
  body: "json",
  success: Operation.json(Thing),
  errors: [422]
})

const ListThings = Operation.make({
  operationId: "ListThings",
  name: "things.list",
  method: "GET",
  path: "/things",
  input: Operation.fromSchema(Schema.Struct({
    limit: Schema.optional(Schema.Int.pipe(Schema.lessThanOrEqualTo(500))),
    offset: Schema.optional(Schema.Int),
    orderBy: Schema.optional(Schema.String).pipe(Schema.fromKey("order_by")),
    startingAfter: Schema.optional(Schema.String).pipe(Schema.fromKey("starting_after"))
  })),
  pathParams: [],
  queryParams: ["limit", "offset", "order_by", "starting_after"],
  body: "none",
  success: Operation.json(Schema.Array(Thing)),
  errors: [],
  paging: { items: (page) => page, cursor: (thing) => thing.id }
})

const thing = (id: string) => ({ id, created_at: 1 })

const withClient = (respond: Respond, options: Partial<ClerkClient.Options> = {}) => {
  const fake = makeFake(respond)
  const layer = ClerkClient.layer({ secretKey: Redacted.make(SECRET), ...options }).pipe(Layer.provide(fake.layer))
  return { fake, provide: <A, E>(effect: Effect.Effect<A, E, ClerkClient.ClerkClient>) => Effect.provide(effect, layer) }
}

const execute = <I, A, S extends KnownStatus>(
  operation: Operation.Operation<I, A, S>,
  input: I
) => Effect.flatMap(ClerkClient.ClerkClient, (client) => client.execute(operation, input))

const expectNoSecret = (fake: Fake, error: unknown) => {
  expect(String(error)).not.toContain(SECRET)
  expect(JSON.stringify(error)).not.toContain(SECRET)
  expect(fake.requests.every((r) => r.headers["authorization"] === `Bearer ${SECRET}`)).toBe(true)
}

describe("requests", () => {
  it.effect("sends the version, user agent and bearer headers to the base URL, and decodes camelCase", () => {
    const { fake, provide } = withClient(() => json(thing("t_1")))
    return Effect.gen(function*() {
      const result = yield* provide(execute(GetThing, { thingId: "a b/c", emailAddress: ["x+1@example.com", "y@example.com"], limit: 5 }))
      expect(result).toEqual({ id: "t_1", createdAt: 1 })
      const [request] = fake.requests
      expect(request?.method).toBe("GET")
      expect(request?.url.href.split("?")[0]).toBe("https://api.clerk.com/v1/things/a%20b%2Fc")
      expect(request?.url.search).toBe("?email_address=x%2B1%40example.com&email_address=y%40example.com&limit=5")
      expect(request?.headers).toMatchObject({
        authorization: `Bearer ${SECRET}`,
        "clerk-api-version": "2026-05-12",
        "user-agent": "effect-clerk/0.1.0",
        accept: "application/json"
      })
      expect(request?.headers["traceparent"]).toBeUndefined()
      expect(request?.headers["b3"]).toBeUndefined()
    })
  })

  it.effect("encodes JSON bodies in snake_case, keeps null apart from absent and metadata keys untouched", () => {
    const { fake, provide } = withClient(() => json(thing("t_2")))
    return Effect.gen(function*() {
      yield* provide(execute(CreateThing, { name: "n", username: null, publicMetadata: { some_key: { innerKey: null } } }))
      expect(fake.requests[0]?.contentType).toBe("application/json")
      expect(JSON.parse(String(fake.requests[0]?.body))).toEqual({
        name: "n",
        username: null,
        public_metadata: { some_key: { innerKey: null } }
      })
    })
  })

  it.effect("honours apiUrl and apiVersion", () => {
    const { fake, provide } = withClient(() => json(thing("t")), { apiUrl: "http://127.0.0.1:9/v1/", apiVersion: "2025-11-10" })
    return Effect.gen(function*() {
      yield* provide(execute(GetThing, { thingId: "x" }))
      expect(fake.requests[0]?.url.href).toBe("http://127.0.0.1:9/v1/things/x")
      expect(fake.requests[0]?.headers["clerk-api-version"]).toBe("2025-11-10")
    })
  })
})

describe("bad input is rejected before sending", () => {
  const cases: ReadonlyArray<readonly [string, Effect.Effect<unknown, unknown, ClerkClient.ClerkClient>, string]> = [
    ["an empty id", execute(GetThing, { thingId: "" }), "thingId"],
    ["a . id", execute(GetThing, { thingId: "." }), "thingId"],
    ["a .. id", execute(GetThing, { thingId: ".." }), "thingId"],
    ["limit over 500", execute(GetThing, { thingId: "x", limit: 501 }), "limit"],
    ["a missing required field", execute(CreateThing, {} as never), "name"],
    ["a value outside a request enum", execute(CreateThing, { name: "n", kind: "huge" as never }), "kind"]
  ]
  for (const [label, call, field] of cases) {
    it.effect(label, () => {
      const { fake, provide } = withClient(() => json(thing("never")))
      return Effect.gen(function*() {
        const error = yield* Effect.flip(provide(call))
        expect(error).toMatchObject({ _tag: "ClerkInvalidInput", field })
        expect(fake.requests).toHaveLength(0)
      })
    })
  }

  it.effect("never echoes the offending value", () => {
    const { provide } = withClient(() => json(thing("never")))
    return Effect.gen(function*() {
      const error = yield* Effect.flip(provide(execute(GetThing, { thingId: "x", emailAddress: [42 as never] })))
      expect(error._tag).toBe("ClerkInvalidInput")
      expect(String(error)).toContain("emailAddress[0]")
      expect(String(error)).not.toContain("42")
    })
  })

  it.effect("a body that cannot be serialised is a ClerkInvalidInput, not a defect", () => {
    const { fake, provide } = withClient(() => json(thing("never")))
    return Effect.gen(function*() {
      const error = yield* Effect.flip(provide(execute(CreateThing, { name: "n", publicMetadata: { big: 1n } })))
      expect(error).toMatchObject({ _tag: "ClerkInvalidInput" })
      expect(fake.requests).toHaveLength(0)
    })
  })
})

describe("errors", () => {
  it.effect("a documented status becomes its tagged error with Clerk's codes and trace id", () => {
    const { fake, provide } = withClient(() => clerkErrors(404, "resource_not_found", {}, "trace-123"))
    return Effect.gen(function*() {
      const error = yield* Effect.flip(provide(execute(GetThing, { thingId: "user_1", emailAddress: ["jane@example.com"] })))
      expect(error).toMatchObject({
        _tag: "ClerkNotFound",
        status: 404,
        operation: "things.get",
        route: "GET /things/{thing_id}",
        clerkTraceId: "trace-123",
        errors: [{ code: "resource_not_found", message: "resource_not_found message", longMessage: "resource_not_found long message" }]
      })
      expect(String(error)).toContain("things.get")
      expect(String(error)).toContain("resource_not_found")
      expect(String(error)).toContain("trace-123")
      expect(String(error)).not.toContain("jane@example.com")
      expectNoSecret(fake, error)
    })
  })

  it.effect("falls back to the cf-ray header for the trace id", () => {
    const { provide } = withClient(() => clerkErrors(400, "form_param_missing", { "cf-ray": "ray-9" }))
    return Effect.gen(function*() {
      const error = yield* Effect.flip(provide(execute(GetThing, { thingId: "x" })))
      expect(error).toMatchObject({ _tag: "ClerkBadRequest", clerkTraceId: "ray-9" })
    })
  })

  it.effect("an undocumented status is ClerkUnexpectedStatus", () => {
    const { provide } = withClient(() => clerkErrors(409, "conflict"))
    return Effect.gen(function*() {
      const error = yield* Effect.flip(provide(execute(GetThing, { thingId: "x" })))
      expect(error).toMatchObject({ _tag: "ClerkUnexpectedStatus", status: 409 })
    })
  })

  it.effect("a non-JSON error body keeps its text, bounded", () => {
    const html = "<html>" + "x".repeat(10_000) + "</html>"
    const { provide } = withClient(() => new Response(html, { status: 404, headers: { "content-type": "text/html" } }))
    return Effect.gen(function*() {
      const error = yield* Effect.flip(provide(execute(GetThing, { thingId: "x" })))
      expect(error._tag).toBe("ClerkNotFound")
      const body = "body" in error ? error.body : undefined
      expect(body?.startsWith("<html>xxx")).toBe(true)
      expect(body?.length).toBe(2_000)
    })
  })

  it.effect("a response that does not match its schema is ClerkDecodeError naming the path", () => {
    const { provide } = withClient(() => json({ id: "t", created_at: "yesterday" }))
    return Effect.gen(function*() {
      const error = yield* Effect.flip(provide(execute(GetThing, { thingId: "x" })))
      expect(error).toMatchObject({ _tag: "ClerkDecodeError", operation: "things.get", path: "$.created_at", status: 200 })
    })
  })

  it.effect("a success body that is not JSON is ClerkDecodeError", () => {
    const { provide } = withClient(() => new Response("<html>", { status: 200 }))
    return Effect.gen(function*() {
      const error = yield* Effect.flip(provide(execute(GetThing, { thingId: "x" })))
      expect(error).toMatchObject({ _tag: "ClerkDecodeError", path: "$" })
    })
  })
})

describe("retries", () => {
  const script = (...responses: ReadonlyArray<() => Response>): Respond => (_, i) =>
    (responses[Math.min(i, responses.length - 1)] ?? (() => json(thing("t"))))()

  it.effect("a 429 waits at least Retry-After, then succeeds", () => {
    const { fake, provide } = withClient(script(() => clerkErrors(429, "too_many_requests", { "retry-after": "10" }), () => json(thing("t"))))
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(provide(execute(CreateThing, { name: "n" })))
      yield* TestClock.adjust("9900 millis")
      expect(fake.requests).toHaveLength(1)
      yield* TestClock.adjust("200 millis")
      const result = yield* Fiber.join(fiber)
      expect(result.id).toBe("t")
      expect(fake.requests).toHaveLength(2)
    })
  })

  it.effect("a 503 on GET is retried", () => {
    const { fake, provide } = withClient(script(() => clerkErrors(503, "unavailable"), () => clerkErrors(503, "unavailable"), () => json(thing("t"))))
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(provide(execute(GetThing, { thingId: "x" })))
      yield* TestClock.adjust("10 seconds")
      expect((yield* Fiber.join(fiber)).id).toBe("t")
      expect(fake.requests).toHaveLength(3)
    })
  })

  it.effect("a 503 on POST is not retried", () => {
    const { fake, provide } = withClient(script(() => clerkErrors(503, "unavailable"), () => json(thing("t"))))
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(provide(execute(CreateThing, { name: "n" })))
      yield* TestClock.adjust("10 seconds")
      const error = yield* Effect.flip(Fiber.join(fiber))
      expect(error).toMatchObject({ _tag: "ClerkUnexpectedStatus", status: 503 })
      expect(fake.requests).toHaveLength(1)
    })
  })

  it.effect("gives up after 4 retries", () => {
    const { fake, provide } = withClient(script(() => clerkErrors(503, "unavailable")))
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(provide(execute(GetThing, { thingId: "x" })))
      yield* TestClock.adjust("1 minute")
      expect(yield* Effect.flip(Fiber.join(fiber))).toMatchObject({ status: 503 })
      expect(fake.requests).toHaveLength(5)
    })
  })

  it.effect("a Retry-After longer than the budget fails fast with ClerkRateLimited", () => {
    const { fake, provide } = withClient(script(() => clerkErrors(429, "too_many_requests", { "retry-after": "3600" })))
    return Effect.gen(function*() {
      const error = yield* Effect.flip(provide(execute(GetThing, { thingId: "x" })))
      expect(error).toMatchObject({ _tag: "ClerkRateLimited", retryAfter: Duration.seconds(3600) })
      expect(fake.requests).toHaveLength(1)
    })
  })

  it.effect("retry: false on the layer turns retries off", () => {
    const { fake, provide } = withClient(script(() => clerkErrors(429, "too_many_requests", { "retry-after": "1" })), { retry: false })
    return Effect.gen(function*() {
      expect(yield* Effect.flip(provide(execute(GetThing, { thingId: "x" })))).toMatchObject({ _tag: "ClerkRateLimited" })
      expect(fake.requests).toHaveLength(1)
    })
  })

  it.effect("withoutRetries and withRetry override the layer per call", () => {
    const { fake, provide } = withClient(script(() => clerkErrors(503, "unavailable")))
    return Effect.gen(function*() {
      yield* Effect.flip(provide(Retry.withoutRetries(execute(GetThing, { thingId: "x" }))))
      expect(fake.requests).toHaveLength(1)
      const fiber = yield* Effect.fork(provide(execute(GetThing, { thingId: "x" }).pipe(Retry.withRetry({ maxRetries: 1 }))))
      yield* TestClock.adjust("1 minute")
      yield* Effect.flip(Fiber.join(fiber))
      expect(fake.requests).toHaveLength(3)
    })
  })

  it.effect("a custom Schedule decides the delays", () => {
    const { fake, provide } = withClient(script(() => clerkErrors(503, "unavailable"), () => json(thing("t"))), {
      retry: Schedule.spaced("2 seconds").pipe(Schedule.intersect(Schedule.recurs(3)))
    })
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(provide(execute(GetThing, { thingId: "x" })))
      yield* TestClock.adjust("1999 millis")
      expect(fake.requests).toHaveLength(1)
      yield* TestClock.adjust("1 millis")
      yield* Fiber.join(fiber)
      expect(fake.requests).toHaveLength(2)
    })
  })

  it.effect("a timeout becomes ClerkRequestError with reason Timeout", () => {
    const { provide } = withClient(() => Effect.never, { retry: false, timeout: "5 seconds" })
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(provide(execute(GetThing, { thingId: "x" })))
      yield* TestClock.adjust("5 seconds")
      const exit = yield* Fiber.await(fiber)
      expect(Exit.isFailure(exit)).toBe(true)
      const error = yield* Effect.flip(Fiber.join(fiber))
      expect(error).toMatchObject({ _tag: "ClerkRequestError", reason: "Timeout" })
    })
  })
})


describe("pagination", () => {
  const pages = (total: number): Respond => (request) => {
    const limit = Number(request.url.searchParams.get("limit"))
    const after = request.url.searchParams.get("starting_after")
    const offset = after === null ? Number(request.url.searchParams.get("offset") ?? 0) : Number(after.slice(2)) + 1
    const ids = Array.from({ length: Math.max(0, Math.min(limit, total - offset)) }, (_, i) => thing(`t_${offset + i}`))
    return json(ids)
  }

  it.effect("walks the pages lazily by cursor when ordered by created_at", () => {
    const { fake, provide } = withClient(pages(25))
    return Effect.gen(function*() {
      const client = yield* provide(ClerkClient.ClerkClient)
      const items = yield* client.stream(ListThings, { limit: 10 }).pipe(Stream.runCollect)
      expect(Chunk.toReadonlyArray(items).map((t) => t.id)).toEqual(Array.from({ length: 25 }, (_, i) => `t_${i}`))
      expect(fake.requests.map((r) => r.url.search)).toEqual(["?limit=10", "?limit=10&starting_after=t_9", "?limit=10&starting_after=t_19"])
    })
  })

  it.effect("uses offsets when ordered by something else, and stops after what was taken", () => {
    const { fake, provide } = withClient(pages(1000))
    return Effect.gen(function*() {
      const client = yield* provide(ClerkClient.ClerkClient)
      const items = yield* client.stream(ListThings, { limit: 10, orderBy: "-name" }).pipe(Stream.take(15), Stream.runCollect)
      expect(Chunk.size(items)).toBe(15)
      expect(fake.requests.map((r) => r.url.searchParams.get("offset"))).toEqual(["0", "10"])
    })
  })

  for (const [mode, input] of [["cursor", { limit: 10 }], ["offset", { limit: 10, orderBy: "-name" }]] as const) {
    it.effect(`fails, instead of walking forever, when the server ignores the ${mode} and repeats a full page`, () => {
      // A cache in front of the API that ignores the query string answers the first page every time.
      const { fake, provide } = withClient(() => json(Array.from({ length: 10 }, (_, i) => thing(`t_${i}`))))
      return Effect.gen(function*() {
        const client = yield* provide(ClerkClient.ClerkClient)
        const error = yield* Effect.flip(client.stream(ListThings, input).pipe(Stream.runDrain))
        expect(error).toMatchObject({
          _tag: "ClerkDecodeError",
          operation: "things.list",
          path: "$",
          description: `the page repeats the previous one: the server ignored ${mode === "cursor" ? "starting_after" : "offset"}`
        })
        expect(fake.requests).toHaveLength(2)
      })
    })
  }

  it.effect("rejects a page size over 500 before sending", () => {
    const { fake, provide } = withClient(pages(10))
    return Effect.gen(function*() {
      const client = yield* provide(ClerkClient.ClerkClient)
      const error = yield* Effect.flip(client.stream(ListThings, { limit: 501 }).pipe(Stream.runCollect))
      expect(error).toMatchObject({ _tag: "ClerkInvalidInput", field: "limit" })
      expect(fake.requests).toHaveLength(0)
    })
  })
})

describe("telemetry", () => {
  it.effect("spans name the operation and never hold the secret, a query string or an email", () => {
    const telemetry = makeTelemetry()
    const { provide } = withClient(script429Then404())
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(
        withTelemetry(telemetry, provide(execute(GetThing, { thingId: "x", emailAddress: ["jane@example.com"] })))
      )
      yield* TestClock.adjust("1 minute")
      const error = yield* Effect.flip(Fiber.join(fiber))
      expect(error._tag).toBe("ClerkNotFound")
      const span = telemetry.spans.find((s) => s.name === "clerk.things.get")
      expect(span?.attributes.get("clerk.route")).toBe("GET /things/{thing_id}")
      expect(span?.attributes.get("clerk.attempts")).toBe(2)
      expect(span?.attributes.get("http.response.status_code")).toBe(404)
      expect(telemetry.spans.some((s) => s.name.startsWith("http.client"))).toBe(false)
      expect(telemetry.logs.some((l) => l.includes("attempt 1 failed: ClerkRateLimited"))).toBe(true)
      const everything = telemetry.everything()
      expect(everything).not.toContain(SECRET)
      expect(everything).not.toContain("jane@example.com")
      expect(everything).not.toContain("email_address=")
    })
  })
})

// Effect's span keeps the exit it ends with, often in V8's old generation by then: a decoded page left in it
// would be copied there after every call (src/internal/handover.ts). The span must still tell success from
// failure, and keep the error.
describe("what a span keeps", () => {
  const spanOf = (telemetry: ReturnType<typeof makeTelemetry>) => telemetry.spans.find((s) => s.name === "clerk.things.get")

  it.effect("a success: a success, without the value", () => {
    const telemetry = makeTelemetry()
    const { provide } = withClient(() => json(thing("thing_kept")))
    return Effect.gen(function*() {
      const value = yield* withTelemetry(telemetry, provide(execute(GetThing, { thingId: "thing_kept" })))
      expect(value).toEqual({ id: "thing_kept", createdAt: 1 })
      const exit = spanOf(telemetry)?.exit
      expect(exit !== undefined && Exit.isSuccess(exit)).toBe(true)
      expect(JSON.stringify(exit)).not.toContain("thing_kept")
    })
  })

  it.effect("a failure: the tagged error", () => {
    const telemetry = makeTelemetry()
    const { provide } = withClient(() => clerkErrors(404, "resource_not_found"))
    return Effect.gen(function*() {
      const error = yield* Effect.flip(withTelemetry(telemetry, provide(execute(GetThing, { thingId: "x" }))))
      const exit = spanOf(telemetry)?.exit
      expect(exit).toStrictEqual(Exit.fail(error))
      expect(error._tag).toBe("ClerkNotFound")
    })
  })
})

function script429Then404(): Respond {
  return (_, i) => i === 0 ? clerkErrors(429, "too_many_requests", { "retry-after": "1" }) : clerkErrors(404, "resource_not_found")
}

describe("credentials", () => {
  it.effect("withSecretKey authenticates the calls of one effect with another key", () => {
    const { fake, provide } = withClient(() => json(thing("t")))
    return Effect.gen(function*() {
      yield* provide(execute(GetThing, { thingId: "x" }).pipe(ClerkClient.withSecretKey(Redacted.make("ak_machine_key"))))
      yield* provide(execute(GetThing, { thingId: "y" }))
      expect(fake.requests.map((r) => r.headers["authorization"])).toEqual(["Bearer ak_machine_key", `Bearer ${SECRET}`])
    })
  })
})
