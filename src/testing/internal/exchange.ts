/**
 * A request as the wire sees it: the fault in force (if any) applied around the handler, and the answer as
 * bytes. Both adapters, `ClerkTest`'s in-memory `HttpClient` and the local HTTP server, go through here, so a
 * fault means the same thing over either.
 */
import * as Effect from "effect/Effect"
import type * as Faults from "../Faults.js"
import type * as Engine from "./engine.js"
import * as Errors from "./errors.js"
import type * as Injector from "./faults.js"
import * as Router from "./router.js"

/**
 * What comes back over the wire: an answer with its body as text (`""` for none), or a dropped connection.
 * An answer that never comes is an effect that never completes.
 */
export type Exchange =
  | {
    readonly _tag: "Response"
    readonly status: number
    readonly headers: Readonly<Record<string, string>>
    readonly body: string
  }
  | { readonly _tag: "ConnectionReset" }

type Answer = Extract<Exchange, { readonly _tag: "Response" }>

const JSON_HEADERS = { "content-type": "application/json" }

const text = (response: Engine.ApiResponse): Answer => ({
  _tag: "Response",
  status: response.status,
  headers: response.headers,
  body: response.body === undefined ? "" : JSON.stringify(response.body)
})

/** Clerk's JSON with its first `:` made `=`: recognisably the right answer, and not JSON. */
const malformed = (body: string): string => body.includes(":") ? body.replace(":", "=") : `${body}}{`

/** At least one character goes, so even `{}` no longer parses. */
const truncated = (body: string): string => body === "" ? "{" : body.slice(0, Math.floor((body.length - 1) / 2) + 1)

const rateLimited = (retryAfterSeconds: number) =>
  new Errors.ApiFailure({
    status: 429,
    errors: [{
      code: "too_many_requests",
      message: "Too many requests",
      long_message: `Too many requests, retry after ${retryAfterSeconds} seconds.`
    }]
  })

const serverError = (status: number) =>
  new Errors.ApiFailure({
    status,
    errors: [status === 500
      ? { code: "internal_clerk_error", message: "Something went wrong", long_message: "Something went wrong." }
      : {
        code: "service_unavailable",
        message: "Service unavailable",
        long_message: `The service answered ${status}; please retry.`
      }]
  })

/** The error answer of a fault, with its trace id and, for a 429, `Retry-After`. */
const failed = (engine: Engine.Engine, failure: Errors.ApiFailure, headers: Readonly<Record<string, string>> = {}) =>
  Effect.map(engine.failure(failure), (response): Answer => ({
    ...text(response),
    headers: { ...response.headers, ...headers }
  }))

/** A `ConnectionReset` or `Timeout` after commit still leaves a trace in the request log. */
const lost = (request: Engine.ApiRequest, operationId: string | undefined, fault: Faults.Fault["_tag"]) => ({
  method: request.method.toUpperCase(),
  path: request.path,
  operationId,
  status: 0,
  fault
})

export const make = (engine: Engine.Engine, injector: Injector.Injector) =>
(request: Engine.ApiRequest): Effect.Effect<Exchange> =>
  Effect.gen(function*() {
    const method = request.method.toUpperCase()
    const operationId = Router.match(method, request.path)?.operationId
    const chosen = yield* injector.next({ method, path: request.path, operationId })
    if (chosen === undefined) return text(yield* engine.handle(request))
    const { fault, mode } = chosen
    const afterCommit = mode === "afterCommit"
    const tag = fault._tag
    const handled = (dryRun: boolean) => engine.handle(request, { dryRun, fault: tag })
    const before = (status: number) => engine.record({ ...lost(request, operationId, tag), status })

    switch (fault._tag) {
      case "Latency": {
        yield* Effect.sleep(fault.delay)
        return text(yield* handled(false))
      }
      case "RateLimited": {
        const answer = yield* failed(engine, rateLimited(fault.retryAfterSeconds), {
          "retry-after": String(fault.retryAfterSeconds)
        })
        yield* before(429)
        return answer
      }
      case "ServerError": {
        if (afterCommit) yield* handled(false)
        else yield* before(fault.status)
        return yield* failed(engine, serverError(fault.status))
      }
      case "Timeout": {
        if (afterCommit) yield* handled(false)
        else yield* before(0)
        return yield* Effect.never
      }
      case "ConnectionReset": {
        if (afterCommit) yield* handled(false)
        else yield* before(0)
        return { _tag: "ConnectionReset" }
      }
      case "MalformedJson":
      case "TruncatedJson": {
        const answer = text(yield* handled(!afterCommit))
        // A body-less answer (204) has nothing to break: it stays as it is.
        if (answer.status === 204) return answer
        return {
          ...answer,
          headers: { ...answer.headers, ...JSON_HEADERS },
          body: fault._tag === "MalformedJson" ? malformed(answer.body) : truncated(answer.body)
        }
      }
    }
  })
