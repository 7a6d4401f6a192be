/**
 * Faults for the offline Clerk: answers a real Clerk gives on a bad day (429 with `Retry-After`, 500, 503),
 * answers that never come, dropped connections, broken JSON and slow answers, so an application can test its
 * own handling and the SDK's retries without a network.
 *
 * Faults are chosen deterministically: an explicit `script` ("the first 2 requests to `users.list` answer
 * 503") is consulted first, then per-kind `rates` drawn from a generator seeded by `seed`, one draw per
 * request. The same seed and the same requests in the same order give the same faults.
 *
 * ```ts
 * const layer = ClerkTest.layerClient({
 *   faults: {
 *     script: [{ operation: "users.list", times: 2, fault: Faults.serverError(503) }],
 *     rates: { rateLimited: 0.05, timeout: 0.01 },
 *     seed: 7
 *   }
 * })
 * ```
 *
 * **A faulted write does not happen.** By default (`mode: "before"`) a fault is applied before the request
 * reaches the offline Clerk, so its state stays what the application was told: a 503 or a timeout means
 * nothing changed, and a retry does the write once. Broken-JSON faults answer a mangled copy of what the
 * request would have answered, computed on a scratch copy of the state and thrown away. With
 * `mode: "afterCommit"` the request is handled and committed first and only its answer is lost or mangled
 * (a 500, a timeout, a reset, broken JSON after the write): the case of "did my write go through?". A 429
 * and latency always come before: Clerk rate-limits before it does anything.
 *
 * @since 0.1.0
 */
import type * as Duration from "effect/Duration"

/**
 * A 429 `too_many_requests` with `Retry-After: <seconds>`.
 *
 * @since 0.1.0
 * @category models
 */
export interface RateLimited {
  readonly _tag: "RateLimited"
  readonly retryAfterSeconds: number
}

/**
 * A 5xx with Clerk's error body: 500 `internal_clerk_error`, or 502/503/504 as a proxy in front of Clerk
 * would answer.
 *
 * @since 0.1.0
 * @category models
 */
export interface ServerError {
  readonly _tag: "ServerError"
  readonly status: 500 | 502 | 503 | 504
}

/**
 * An answer that never comes: the caller's own timeout must fire (the SDK's per-attempt timeout, 30 s by
 * default). Under `TestClock`, `TestClock.adjust` drives it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Timeout {
  readonly _tag: "Timeout"
}

/**
 * The connection drops before an answer: an `HttpClientError` `RequestError` with reason `Transport` from
 * `ClerkTest`'s `HttpClient`, a destroyed socket from the local server.
 *
 * @since 0.1.0
 * @category models
 */
export interface ConnectionReset {
  readonly _tag: "ConnectionReset"
}

/**
 * The answer's status and headers, with a body that is not JSON.
 *
 * @since 0.1.0
 * @category models
 */
export interface MalformedJson {
  readonly _tag: "MalformedJson"
}

/**
 * The answer's status and headers, with its JSON body cut in half.
 *
 * @since 0.1.0
 * @category models
 */
export interface TruncatedJson {
  readonly _tag: "TruncatedJson"
}

/**
 * The right answer, late.
 *
 * @since 0.1.0
 * @category models
 */
export interface Latency {
  readonly _tag: "Latency"
  readonly delay: Duration.DurationInput
}

/**
 * @since 0.1.0
 * @category models
 */
export type Fault = RateLimited | ServerError | Timeout | ConnectionReset | MalformedJson | TruncatedJson | Latency

/**
 * @since 0.1.0
 * @category constructors
 */
export const rateLimited = (retryAfterSeconds = 1): Fault => ({ _tag: "RateLimited", retryAfterSeconds })

/**
 * @since 0.1.0
 * @category constructors
 */
export const serverError = (status: ServerError["status"] = 500): Fault => ({ _tag: "ServerError", status })

/**
 * @since 0.1.0
 * @category constructors
 */
export const timeout: Fault = { _tag: "Timeout" }

/**
 * @since 0.1.0
 * @category constructors
 */
export const connectionReset: Fault = { _tag: "ConnectionReset" }

/**
 * @since 0.1.0
 * @category constructors
 */
export const malformedJson: Fault = { _tag: "MalformedJson" }

/**
 * @since 0.1.0
 * @category constructors
 */
export const truncatedJson: Fault = { _tag: "TruncatedJson" }

/**
 * @since 0.1.0
 * @category constructors
 */
export const latency = (delay: Duration.DurationInput): Fault => ({ _tag: "Latency", delay })

/**
 * Which requests a fault applies to. Every given field must match; an empty matcher matches every request.
 *
 * @since 0.1.0
 * @category models
 */
export interface Match {
  /**
   * The operation: the SDK's name (`users.list`) or the spec's operationId (`GetUserList`), or several.
   */
  readonly operation?: string | ReadonlyArray<string> | undefined
  /** `GET`, `POST`, … */
  readonly method?: string | undefined
  /** The path without `/v1`: exactly, or matching a `RegExp`. */
  readonly path?: string | RegExp | undefined
}

/**
 * A scripted fault: the matching requests after the first `skip` get `fault`, `times` of them.
 *
 * @since 0.1.0
 * @category models
 */
export interface Scripted extends Match {
  readonly fault: Fault
  /** How many matching requests get the fault; default 1. `Infinity` for all. */
  readonly times?: number | undefined
  /** How many matching requests pass untouched first; default 0. */
  readonly skip?: number | undefined
}

/**
 * The chance, per request, of each kind of fault; together at most 1.
 *
 * @since 0.1.0
 * @category models
 */
export interface Rates {
  readonly rateLimited?: number | undefined
  readonly internalServerError?: number | undefined
  readonly serviceUnavailable?: number | undefined
  readonly timeout?: number | undefined
  readonly connectionReset?: number | undefined
  readonly malformedJson?: number | undefined
  readonly truncatedJson?: number | undefined
  readonly latency?: number | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Seeds the draws of `rates`; default the offline Clerk's seed. */
  readonly seed?: number | undefined
  /** Consulted first, in order: the first entry whose turn it is answers. */
  readonly script?: ReadonlyArray<Scripted> | undefined
  readonly rates?: Rates | undefined
  /** The requests `rates` apply to; every request when omitted. */
  readonly match?: Match | undefined
  /** `Retry-After` of the 429s `rates` make; default 1 second. */
  readonly retryAfterSeconds?: number | undefined
  /** The delay of the latency `rates` make; default 2 seconds. */
  readonly latency?: Duration.DurationInput | undefined
  /**
   * `"before"` (the default): a faulted request is not handled, so a faulted write does not happen.
   * `"afterCommit"`: the request is handled and committed, then its answer is lost or mangled.
   */
  readonly mode?: "before" | "afterCommit" | undefined
}

/**
 * A fault that was applied, for asserting what a test went through.
 *
 * @since 0.1.0
 * @category models
 */
export interface Injected {
  /** The request's position since the faults were set, from 0. */
  readonly index: number
  readonly method: string
  readonly path: string
  /** The spec's operationId, when the path matched one. */
  readonly operationId: string | undefined
  readonly fault: Fault
}
