/**
 * Retry policies: the layer's default, a custom `Schedule` for the whole layer, and per-call overrides.
 *
 *   npx tsx examples/retries.ts
 */
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import * as Clerk from "../src/Clerk.js"
import { Users } from "../services/Users.js"
import { runExample } from "./support/run.js"

/** Patient: a fixed 2 s between attempts, at most 6 retries. 429s still wait at least `Retry-After`. */
export const patient = Schedule.spaced("2 seconds").pipe(Schedule.intersect(Schedule.recurs(6)))

const program = Effect.gen(function*() {
  // Per call: a health check should fail fast rather than wait out a minute of retries…
  const count = yield* Users.count({}).pipe(Clerk.withoutRetries)
  // …while a nightly job can afford to be patient.
  const first = yield* Users.list({ limit: 1 }).pipe(Clerk.withRetry(patient))
  yield* Effect.log(`${count.totalCount} users; first: ${first[0]?.id ?? "none"}`)
})

// For a whole layer: `Clerk.layer({ secretKey, retry: patient })`, or `retry: false`, or
// `retry: { maxRetries: 2, baseDelay: "1 second", budget: "20 seconds" }` to tune the default.
runExample(program, { retry: patient })
