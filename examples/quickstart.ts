/**
 * The quickstart: what a Clerk backend does, end to end. It creates users and an organization, streams the
 * user list, updates metadata, mints a session token and authenticates a request with it, verifies a
 * webhook, handles a `ClerkNotFound`, cleans up, and prints a summary.
 *
 *   npm start                                  # against the offline Clerk: no account, no network
 *   CLERK_SECRET_KEY=sk_test_… CLERK_PUBLISHABLE_KEY=pk_test_… npm start
 *                                              # against your development instance (it deletes what it creates)
 */
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { OrganizationMemberships } from "../services/OrganizationMemberships.js"
import { Organizations } from "../services/Organizations.js"
import { Sessions } from "../services/Sessions.js"
import { Users } from "../services/Users.js"
import { ClerkAuth } from "../src/ClerkAuth.js"
import { Webhooks } from "../src/Webhooks.js"
import { live, runExample, SampleWebhook } from "./support/run.js"

const program = Effect.gen(function*() {
  const started = Date.now()
  const users = yield* Users
  const summary: Array<string> = []
  const step = (line: string) => Effect.sync(() => summary.push(line))
  yield* Effect.log(`effect-clerk quickstart, against ${live ? "your Clerk instance" : "the offline Clerk"}\n`)

  // Users, and an organization with one of them as its admin.
  const suffix = Date.now().toString(36)
  const ada = yield* users.create({
    emailAddress: [`ada-${suffix}+clerk_test@example.com`],
    firstName: "Ada",
    skipPasswordRequirement: true
  })
  const grace = yield* users.create({
    emailAddress: [`grace-${suffix}+clerk_test@example.com`],
    firstName: "Grace",
    skipPasswordRequirement: true
  })
  const org = yield* Organizations.create({ name: `Analytical Engines ${suffix}`, createdBy: ada.id })
  yield* OrganizationMemberships.create({ organizationId: org.id, userId: grace.id, role: "org:member" })
  yield* step(`created users ${ada.firstName} and ${grace.firstName}, and organization "${org.name}"`)

  // Every user, page after page, fetched lazily.
  const total = yield* users.listStream({ limit: 100 }).pipe(Stream.runCount)
  yield* step(`streamed the user list: ${total} users`)

  // Metadata is deep-merged; `null` deletes a key.
  const updated = yield* users.updateMetadata({ userId: ada.id, publicMetadata: { plan: "pro", beta: true } })
  yield* users.updateMetadata({ userId: ada.id, publicMetadata: { beta: null } })
  const after = yield* users.get({ userId: ada.id })
  yield* step(`metadata: ${JSON.stringify(updated.publicMetadata)} then ${JSON.stringify(after.publicMetadata)}`)

  // A session token for Ada, and a request carrying it, authenticated as a server would.
  const session = yield* Sessions.create({ userId: ada.id })
  const { jwt } = yield* Sessions.createToken({ sessionId: session.id })
  const request = new Request("http://127.0.0.1/api/me", { headers: { authorization: `Bearer ${jwt ?? ""}` } })
  const state = yield* ClerkAuth.authenticateRequest(request)
  yield* step(
    state._tag === "SignedIn" && state.tokenType === "session_token"
      ? `authenticated a request: signed in as ${state.toAuth().userId === ada.id ? "Ada" : "someone else?!"}`
      : `authenticated a request: ${state._tag}${"reason" in state ? ` (${state.reason})` : ""}`
  )

  // A signed webhook, verified and decoded into a typed event.
  const webhook = yield* (yield* SampleWebhook)
  const event = yield* Webhooks.verify(webhook)
  yield* step(`verified a webhook: ${event.type}`)

  // A user that does not exist is a typed failure, handled by its tag.
  const missing = yield* users.get({ userId: ada.id + "x" }).pipe(
    Effect.as("found?!"),
    Effect.catchTag("ClerkNotFound", (error) => Effect.succeed(`${error.status} ${error.errors[0]?.code ?? ""}`))
  )
  yield* step(`looked up a user that does not exist: ${missing}`)

  // Clean up what was created.
  yield* Organizations.delete({ organizationId: org.id })
  yield* users.delete({ userId: grace.id })
  yield* users.delete({ userId: ada.id })
  yield* step("deleted what it created")

  yield* Effect.log(summary.map((line, i) => `${i + 1}. ${line}`).join("\n"))
  yield* Effect.log(`\ndone in ${Date.now() - started} ms`)
})

runExample(program, { seed: false })
