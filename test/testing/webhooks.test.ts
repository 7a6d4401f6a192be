/**
 * Webhooks from the offline Clerk: each state change emits Clerk's event, in Clerk's envelope, signed so that
 * `Webhooks.verify` (with the fake's secret) accepts and decodes it; streams see what is published after they
 * subscribe; a local receiver gets them POSTed, with retries, and a failing one never hurts the fake.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as Http from "node:http"
import { EmailAddresses } from "../../services/EmailAddresses.js"
import { OrganizationInvitations } from "../../services/OrganizationInvitations.js"
import { OrganizationMemberships } from "../../services/OrganizationMemberships.js"
import { Organizations } from "../../services/Organizations.js"
import { PhoneNumbers } from "../../services/PhoneNumbers.js"
import { Sessions } from "../../services/Sessions.js"
import { Users } from "../../services/Users.js"
import { ClerkTest, Faults, OfflineClerk, type SignedWebhook } from "../../src/testing/index.js"
import { Webhooks } from "../../src/Webhooks.js"
import { fresh, offline } from "./layer.js"

const run = fresh()

const OTHER_SECRET = `whsec_${btoa("another test secret, 32 bytes long")}`

/** Verifies a webhook the way an application's endpoint would. */
const verify = (webhook: SignedWebhook, secret: Redacted.Redacted<string> = ClerkTest.webhookSecret) =>
  Webhooks.verify({ headers: webhook.headers, body: webhook.body }).pipe(
    Effect.provide(Webhooks.layer({ signingSecret: secret }))
  )

const emitted = Effect.flatMap(OfflineClerk, (clerk) => clerk.emittedWebhooks)
const types = Effect.map(emitted, (all) => all.map((w) => w.type))

describe("webhooks: every state change emits Clerk's event", () => {
  it.effect("user.created verifies through Webhooks.verify and decodes with its type and data.id", () =>
    run(Effect.gen(function*() {
      const user = yield* Users.create({ emailAddress: ["ada@example.com"], firstName: "Ada" })
      const [webhook] = yield* emitted
      expect(webhook?.type).toBe("user.created")
      expect(webhook?.headers).toMatchObject({ "content-type": "application/json" })
      expect(webhook?.headers["svix-id"]).toMatch(/^msg_[0-9A-Za-z]{27}$/)
      expect(webhook?.headers["svix-signature"]).toMatch(/^v1,/)
      const event = yield* verify(webhook!)
      expect(event).toMatchObject({
        type: "user.created",
        object: "event",
        instanceId: "ins_offline",
        data: { id: user.id, emailAddresses: [{ emailAddress: "ada@example.com" }] }
      })
      // The envelope as Clerk sends it, `data` being what `GET /users/{id}` answers.
      expect(JSON.parse(webhook!.body)).toMatchObject({
        object: "event",
        type: "user.created",
        instance_id: "ins_offline",
        timestamp: 0,
        event_attributes: { http_request: { client_ip: "127.0.0.1", user_agent: "effect-clerk/0.1.0" } },
        data: { id: user.id, object: "user", first_name: "Ada" }
      })
    })))

  it.effect("a whole story: users, organizations, memberships, invitations, sessions, deletes", () =>
    run(Effect.gen(function*() {
      const ada = yield* Users.create({ emailAddress: ["ada@example.com"] })
      const bob = yield* Users.create({ emailAddress: ["bob@example.com"] })
      yield* Users.updateMetadata({ userId: ada.id, publicMetadata: { plan: "pro" } })
      const org = yield* Organizations.create({ name: "Acme", createdBy: ada.id })
      yield* Organizations.update({ organizationId: org.id, name: "Acme Inc" })
      yield* OrganizationMemberships.create({ organizationId: org.id, userId: bob.id, role: "org:member" })
      yield* OrganizationMemberships.update({ organizationId: org.id, userId: bob.id, role: "org:admin" })
      yield* OrganizationMemberships.delete({ organizationId: org.id, userId: bob.id })
      const invitation = yield* OrganizationInvitations.create({
        organizationId: org.id,
        emailAddress: "carol@example.com",
        role: "org:member"
      })
      yield* OrganizationInvitations.revoke({ organizationId: org.id, invitationId: invitation.id })
      const session = yield* Sessions.create({ userId: bob.id })
      yield* Sessions.revoke({ sessionId: session.id })
      yield* Organizations.delete({ organizationId: org.id })
      yield* Users.delete({ userId: ada.id })

      expect(yield* types).toEqual([
        "user.created",
        "user.created",
        "user.updated",
        "organization.created",
        "organizationMembership.created",
        "organization.updated",
        "organizationMembership.created",
        "organizationMembership.updated",
        "organizationMembership.deleted",
        "organizationInvitation.created",
        "email.created",
        "organizationInvitation.revoked",
        // Signing in is `session.created` alone: `last_sign_in_at` moving is not a `user.updated`.
        "session.created",
        "session.revoked",
        // The organization goes with its last membership, dependents first.
        "organizationMembership.deleted",
        "organization.deleted",
        "user.deleted"
      ])
      // Every one of them verifies and decodes as its type's schema.
      const events = yield* Effect.forEach(yield* emitted, (webhook) => verify(webhook))
      const byType = (type: string) => events.filter((e) => e.type === type)
      expect(byType("user.updated")[0]).toMatchObject({ data: { id: ada.id, publicMetadata: { plan: "pro" } } })
      expect(byType("organization.updated")[0]).toMatchObject({ data: { id: org.id, name: "Acme Inc" } })
      expect(byType("organizationMembership.updated")[0]).toMatchObject({
        data: { role: "org:admin", publicUserData: { userId: bob.id }, organization: { id: org.id } }
      })
      expect(byType("organizationInvitation.revoked")[0]).toMatchObject({ data: { id: invitation.id, status: "revoked" } })
      expect(byType("session.revoked")[0]).toMatchObject({
        data: { id: session.id, status: "revoked", user: { id: bob.id } }
      })
      expect(byType("email.created")[0]).toMatchObject({
        data: { slug: "organization_invitation", toEmailAddress: "carol@example.com", deliveredByClerk: true }
      })
      // Deletes carry Clerk's DeletedObject.
      expect(byType("organization.deleted")[0]).toMatchObject({
        data: { object: "organization", id: org.id, deleted: true, slug: org.slug }
      })
      expect(byType("user.deleted")[0]).toMatchObject({ data: { object: "user", id: ada.id, deleted: true } })
      const ids = (yield* emitted).map((w) => w.id)
      expect(new Set(ids).size).toBe(ids.length)
    })))

  it.effect("a verification code is an email.created (or sms.created) carrying the code", () =>
    run(Effect.gen(function*() {
      const user = yield* Users.create({ emailAddress: ["ada@example.com"], phoneNumber: ["+15555550100"] })
      const email = yield* EmailAddresses.create({ userId: user.id, emailAddress: "new@example.com" })
      yield* EmailAddresses.prepareVerification({ emailAddressId: email.id ?? "" })
      const phone = yield* PhoneNumbers.create({ userId: user.id, phoneNumber: "+15555550101" })
      yield* PhoneNumbers.prepareVerification({ phoneNumberId: phone.id ?? "" })
      const all = yield* emitted
      expect(all.map((w) => w.type)).toEqual(["user.created", "user.updated", "email.created", "user.updated", "sms.created"])
      const events = yield* Effect.forEach(all, (webhook) => verify(webhook))
      expect(events[2]).toMatchObject({
        type: "email.created",
        data: { slug: "verification_code", toEmailAddress: "new@example.com", emailAddressId: email.id, userId: user.id, data: { otp_code: "424242" } }
      })
      expect(events[4]).toMatchObject({
        type: "sms.created",
        data: { toPhoneNumber: "+15555550101", phoneNumberId: phone.id, data: { otp_code: "424242" } }
      })
    })))

  it.effect("a failed request, and a faulted one, emit nothing", () =>
    run(Effect.gen(function*() {
      yield* Users.create({ emailAddress: ["ada@example.com"] })
      yield* Effect.flip(Users.create({ emailAddress: ["ada@example.com"] }))
      yield* Effect.flip(
        Users.create({ emailAddress: ["bob@example.com"] }).pipe(
          ClerkTest.withFaults({ script: [{ fault: Faults.truncatedJson }] })
        )
      )
      expect(yield* types).toEqual(["user.created"])
    })))

  it.effect("seeding emits too: it is a state change like any other", () =>
    run(Effect.gen(function*() {
      const clerk = yield* OfflineClerk
      const user = yield* clerk.seedUser({ emailAddress: "seed@example.com" })
      yield* clerk.mintSessionToken({ userId: user.id })
      expect(yield* types).toEqual(["user.created", "session.created"])
      const [created] = yield* emitted
      expect(JSON.parse(created!.body)).toMatchObject({
        event_attributes: { http_request: { user_agent: "effect-clerk/testing" } }
      })
    })))

  it.effect("subscribeWebhooks sees what is published after it subscribes, and nothing before", () =>
    run(Effect.gen(function*() {
      const clerk = yield* OfflineClerk
      yield* Users.create({ emailAddress: ["before@example.com"] })
      const seen = yield* Effect.scoped(Effect.gen(function*() {
        const stream = yield* clerk.subscribeWebhooks
        const user = yield* Users.create({ emailAddress: ["after@example.com"] })
        yield* Users.delete({ userId: user.id })
        return yield* stream.pipe(Stream.take(2), Stream.runCollect)
      }))
      expect(Chunk.toReadonlyArray(seen).map((w) => w.type)).toEqual(["user.created", "user.deleted"])
      expect(Chunk.toReadonlyArray(seen)[0]?.event).toMatchObject({ data: { email_addresses: [{ email_address: "after@example.com" }] } })
    })))

  it.effect("the signing secret is configurable, and a webhook does not verify under another", () =>
    Effect.gen(function*() {
      const secret = Redacted.make(OTHER_SECRET)
      yield* Users.create({ emailAddress: ["ada@example.com"] })
      const clerk = yield* OfflineClerk
      expect(Redacted.value(clerk.webhookSecret)).toBe(Redacted.value(secret))
      const [webhook] = yield* clerk.emittedWebhooks
      expect((yield* verify(webhook!, secret)).type).toBe("user.created")
      const error = yield* Effect.flip(verify(webhook!))
      expect(error.reason).toBe("NoMatchingSignature")
    }).pipe(Effect.provide(offline({ webhooks: { signingSecret: OTHER_SECRET } }))))
})

interface Received {
  readonly headers: Http.IncomingHttpHeaders
  readonly body: string
}

/** A local receiver: answers each POST with the next status of `statuses` (the last one repeating). */
const receiver = (statuses: ReadonlyArray<number>) =>
  Effect.acquireRelease(
    Effect.async<{ readonly url: string; readonly received: Array<Received>; readonly server: Http.Server }>((resume) => {
      const received: Array<Received> = []
      const server = Http.createServer((request, response) => {
        const chunks: Array<Buffer> = []
        request.on("data", (chunk: Buffer) => chunks.push(chunk))
        request.on("end", () => {
          received.push({ headers: request.headers, body: Buffer.concat(chunks).toString("utf8") })
          response.writeHead(statuses[Math.min(received.length, statuses.length) - 1] ?? 204)
          response.end()
        })
      })
      server.listen(0, "127.0.0.1", () => {
        const address = server.address()
        const port = typeof address === "object" && address !== null ? address.port : 0
        resume(Effect.succeed({ url: `http://127.0.0.1:${port}/api/webhooks/clerk`, received, server }))
      })
    }),
    ({ server }) =>
      Effect.async<void>((resume) => {
        server.close(() => resume(Effect.void))
        server.closeAllConnections()
      })
  )

const waitFor = <A>(check: Effect.Effect<A | undefined>) =>
  Effect.gen(function*() {
    for (let i = 0; i < 200; i++) {
      const value = yield* check
      if (value !== undefined) return value
      yield* Effect.sleep("25 millis")
    }
    return yield* Effect.dieMessage("timed out waiting")
  })

describe("webhooks: delivery to a local URL", () => {
  it.live("POSTs each webhook, signed, retrying a receiver that fails once", () =>
    Effect.scoped(Effect.gen(function*() {
      const endpoint = yield* receiver([500, 204])
      const context = yield* Layer.build(offline({ webhooks: { url: endpoint.url } }))
      const user = yield* Users.create({ emailAddress: ["ada@example.com"] }).pipe(Effect.provide(context))
      const clerk = yield* Effect.provide(OfflineClerk, context)
      const [delivery] = yield* waitFor(Effect.map(clerk.webhookDeliveries, (all) => all.length > 0 ? all : undefined))
      expect(delivery).toMatchObject({ type: "user.created", attempts: 2, status: 204, delivered: true })
      expect(endpoint.received).toHaveLength(2)
      const last = endpoint.received[1]!
      expect(last.headers["content-type"]).toBe("application/json")
      const headers: Record<string, string> = {}
      for (const [name, value] of Object.entries(last.headers)) if (typeof value === "string") headers[name] = value
      const event = yield* Webhooks.verify({ headers, body: last.body }).pipe(
        Effect.provide(Webhooks.layer({ signingSecret: ClerkTest.webhookSecret }))
      )
      expect(event).toMatchObject({ type: "user.created", data: { id: user.id } })
    })))

  it.live("a receiver that always fails is given up on; the fake carries on", () =>
    Effect.scoped(Effect.gen(function*() {
      const endpoint = yield* receiver([503])
      const context = yield* Layer.build(offline({ webhooks: { url: endpoint.url, maxAttempts: 2 } }))
      const provide = Effect.provide(context)
      yield* provide(Users.create({ emailAddress: ["ada@example.com"] }))
      const clerk = yield* provide(OfflineClerk)
      const [delivery] = yield* waitFor(Effect.map(clerk.webhookDeliveries, (all) => all.length > 0 ? all : undefined))
      expect(delivery).toMatchObject({ attempts: 2, status: 503, delivered: false, error: "the receiver answered 503" })
      expect((yield* provide(Users.count())).totalCount).toBe(1)
    })))

  it.live("nothing is sent off the machine: a URL not on 127.0.0.1 is refused when the layer is built", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(Effect.scoped(Layer.build(ClerkTest.layer({ webhooks: { url: "https://example.com/hook" } }))))
      expect(Exit.isFailure(exit) && String(exit.cause)).toMatch(/127\.0\.0\.1/)
    }))
})
