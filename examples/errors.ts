/**
 * Error handling: every failure is a tagged error, so `Effect.catchTag` names exactly what it handles,
 * and what it does not handle stays in the type.
 *
 *   npx tsx examples/errors.ts
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { Users } from "../services/Users.js"
import { runExample } from "./support/run.js"

/** A user, or none when there is no such user; every other failure stays typed in the error channel. */
const findUser = (userId: string) =>
  Users.get({ userId }).pipe(
    Effect.map(Option.some),
    Effect.catchTag("ClerkNotFound", () => Effect.succeedNone)
  )

const program = Effect.gen(function*() {
  const missing = yield* findUser("user_does_not_exist")
  yield* Effect.log(`user_does_not_exist: ${Option.isNone(missing) ? "not found" : "found"}`)

  // Bad input never reaches Clerk: an empty id fails before any request with the field named.
  const invalid = yield* Users.get({ userId: "" }).pipe(Effect.flip)
  yield* Effect.log(`${invalid._tag} at ${"field" in invalid ? invalid.field : "?"}: ${invalid.message}`)

  // Several tags at once, and the rest by their common fields.
  yield* Users.get({ userId: "user_does_not_exist" }).pipe(
    Effect.catchTags({
      ClerkNotFound: (e) => Effect.log(`404 from ${e.operation} (${e.route}), codes: ${e.errors.map((x) => x.code).join(",")}`),
      ClerkRateLimited: (e) => Effect.log(`slow down; retry after ${String(e.retryAfter)}`)
    }),
    Effect.catchAll((e) => Effect.logError(`unexpected: ${e.message}`))
  )
})

runExample(program)
