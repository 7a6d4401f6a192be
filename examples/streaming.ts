/**
 * Streaming pagination: `users.listStream` walks every page lazily. Only the pages that are consumed are
 * fetched, so taking the first 25 of a million users costs one request of 25.
 *
 *   npx tsx examples/streaming.ts
 */
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { Users } from "../services/Users.js"
import { runExample } from "./support/run.js"

const program = Effect.gen(function*() {
  // `yield* Users` first: the static accessors lift only methods that return an Effect, so
  // `Users.listStream(...)` would be an Effect of a Stream (`Stream.unwrap` it if you prefer that form).
  const users = yield* Users

  // Every user, 100 a page (the page size is `limit`, up to 500), counted as they arrive.
  const total = yield* users.listStream({ limit: 100 }).pipe(Stream.runCount)

  // The first 25 users whose email is at example.com, newest first: stops fetching once it has them.
  const newest = yield* users.listStream({ orderBy: "-created_at", limit: 25 }).pipe(
    Stream.filter((user) => user.emailAddresses.some((email) => email.emailAddress.endsWith("@example.com"))),
    Stream.take(25),
    Stream.map((user) => user.id),
    Stream.runCollect
  )

  yield* Effect.log(`${total} users in all; the newest at example.com: ${[...newest].slice(0, 3).join(", ")}…`)
})

runExample(program)
