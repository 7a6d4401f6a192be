/**
 * The retry `Schedule` of one call: the policy's delays, filtered to the failures worth retrying for the
 * method, with `Retry-After` as a floor and the budget as a ceiling.
 */
import * as Duration from "effect/Duration"
import * as Schedule from "effect/Schedule"
import type { ClerkError } from "../ClerkError.js"
import type * as Retry from "../Retry.js"
import type * as Operation from "./operation.js"

const RETRIED_STATUSES: ReadonlyArray<number> = [500, 502, 503, 504]

/** Methods whose repetition cannot do something twice. */
const isIdempotent = (method: Operation.Method): boolean =>
  method === "GET" || method === "PUT" || method === "DELETE"

/**
 * A 429 is always safe to retry: Clerk did nothing. Anything else only where repeating cannot do twice.
 */
export const isRetryable = (method: Operation.Method, error: ClerkError): boolean => {
  switch (error._tag) {
    case "ClerkRateLimited":
      return true
    case "ClerkRequestError":
      return error.reason !== "Encode" && isIdempotent(method)
    case "ClerkInternalServerError":
    case "ClerkUnexpectedStatus":
      return RETRIED_STATUSES.includes(error.status) && isIdempotent(method)
    default:
      return false
  }
}

const retryAfter = (error: ClerkError): Duration.Duration | undefined =>
  error._tag === "ClerkRateLimited" ? error.retryAfter : undefined

const backoff = (options: Retry.Options): Schedule.Schedule<unknown, ClerkError> =>
  Schedule.exponential(options.baseDelay ?? "500 millis").pipe(
    Schedule.jittered,
    Schedule.intersect(Schedule.recurs(options.maxRetries ?? 4))
  )

/**
 * The schedule for `policy` and `method`, or `undefined` for no retries.
 */
export const schedule = (
  policy: Retry.Policy,
  method: Operation.Method
): Schedule.Schedule<unknown, ClerkError> | undefined => {
  if (policy === false) return undefined
  const custom = Schedule.isSchedule(policy)
  const delays: Schedule.Schedule<unknown, ClerkError> = custom ? policy : backoff(policy)
  const budget = custom ? undefined : Duration.decode(policy.budget ?? "1 minute")
  return delays.pipe(
    Schedule.intersect(Schedule.identity<ClerkError>()),
    Schedule.intersect(Schedule.elapsed),
    Schedule.check((error, [, elapsed]) => {
      if (!isRetryable(method, error)) return false
      if (budget === undefined) return true
      // Fail fast rather than wait past the budget: the caller gets the 429 and can decide.
      const wait = retryAfter(error) ?? Duration.zero
      return Duration.lessThanOrEqualTo(Duration.sum(elapsed, wait), budget)
    }),
    Schedule.modifyDelay(([[, error]], delay) => {
      const floor = retryAfter(error)
      return floor === undefined ? delay : Duration.max(delay, floor)
    })
  )
}
