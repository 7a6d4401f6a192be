/**
 * Retry policies for Backend API calls.
 *
 * The default policy retries a 429 for every method, waiting at least what `Retry-After` asks, and 500,
 * 502, 503, 504, timeouts and transport failures only for the methods that are safe to repeat (GET, PUT,
 * DELETE): exponential from 500 ms, jittered, at most 4 retries and about a minute in all. A 429 whose
 * `Retry-After` would overrun that minute fails at once with `ClerkRateLimited`, so the caller decides.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Schedule from "effect/Schedule"
import type { ClerkError } from "./ClerkError.js"

/**
 * The default `Schedule`'s knobs.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Default 4. */
  readonly maxRetries?: number | undefined
  /** The first delay, doubled each retry and jittered; default 500 ms. */
  readonly baseDelay?: Duration.DurationInput | undefined
  /** The time all retries may take; default 1 minute. */
  readonly budget?: Duration.DurationInput | undefined
}

/**
 * `false` for no retries, options for the default schedule, or a `Schedule` of your own (which decides the
 * delays and when to stop; which failures are retried, and the `Retry-After` floor, still apply).
 *
 * @since 0.1.0
 * @category models
 */
export type Policy = false | Options | Schedule.Schedule<unknown, ClerkError>

/**
 * The policy for the calls of one effect, overriding the layer's.
 *
 * @since 0.1.0
 * @category context
 */
export class CurrentPolicy extends Context.Reference<CurrentPolicy>()("effect-clerk/Retry/CurrentPolicy", {
  defaultValue: (): Option.Option<Policy> => Option.none()
}) {}

/**
 * Runs `effect` with its Clerk calls retried by `policy`.
 *
 * @since 0.1.0
 * @category combinators
 */
export const withRetry = (policy: Policy) => <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.provideService(effect, CurrentPolicy, Option.some(policy))

/**
 * Runs `effect` with its Clerk calls never retried.
 *
 * @since 0.1.0
 * @category combinators
 */
export const withoutRetries: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R> = /*#__PURE__*/ withRetry(false)
