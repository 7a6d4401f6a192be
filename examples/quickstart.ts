/**
 * The quickstart: list users, get one, update its metadata, and stream the whole list.
 *
 *   npm start                                  # against the offline Clerk
 *   CLERK_SECRET_KEY=sk_test_… npm start       # against your Clerk development instance
 */
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { Users } from "../services/Users.js"
import { live, runExample } from "./support/run.js"

const program = Effect.gen(function*() {
  const users = yield* Users
  yield* Effect.log(`effect-clerk quickstart, against ${live ? "Clerk" : "the offline Clerk"}`)

  // A page of users, newest first.
  const page = yield* users.list({ limit: 3, orderBy: "-created_at" })
  yield* Effect.log(`newest users: ${page.map((u) => `${u.firstName ?? "?"} (${u.id})`).join(", ")}`)

  const first = page[0]
  if (first === undefined) return yield* Effect.log("no users yet: create one in the Clerk Dashboard")

  // One user, by id.
  const user = yield* users.get({ userId: first.id })
  yield* Effect.log(`${user.firstName ?? user.id}: ${user.emailAddresses.map((e) => e.emailAddress).join(", ")}`)

  // Metadata is deep-merged; `null` deletes a key.
  const updated = yield* users.updateMetadata({
    userId: user.id,
    publicMetadata: { plan: "pro", quickstart: { ranAt: new Date().toISOString() } }
  })
  yield* Effect.log(`public metadata now: ${JSON.stringify(updated.publicMetadata)}`)

  // Every user, page after page, fetched lazily.
  const total = yield* users.listStream({ limit: 100 }).pipe(Stream.runCount)
  yield* Effect.log(`${total} users in all`)

  // A user that does not exist is a typed failure, handled by its tag.
  yield* users.get({ userId: "user_000000000000000000000000000" }).pipe(
    Effect.flatMap((u) => Effect.log(`unexpectedly found ${u.id}`)),
    Effect.catchTag("ClerkNotFound", (error) => Effect.log(`as expected: ${error.errors[0]?.code ?? error.status}`))
  )
})

runExample(program)
