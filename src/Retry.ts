/**
 * Retry policies for Backend API calls.
 *
 * @since 0.1.0
 */
import type * as Duration from "effect/Duration"
import type * as Schedule from "effect/Schedule"
import type { ClerkError } from "./ClerkError.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly maxRetries?: number | undefined
  readonly baseDelay?: Duration.DurationInput | undefined
  readonly budget?: Duration.DurationInput | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export type Policy = false | Options | Schedule.Schedule<unknown, ClerkError>
