import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import { ActorTokens } from "../../services/ActorTokens.js"
import { Clients } from "../../services/Clients.js"
import { EmailAddresses } from "../../services/EmailAddresses.js"
import { InstanceSettings } from "../../services/InstanceSettings.js"
import { Invitations } from "../../services/Invitations.js"
import { JwtTemplates } from "../../services/JwtTemplates.js"
import { Organizations } from "../../services/Organizations.js"
import { PhoneNumbers } from "../../services/PhoneNumbers.js"
import { RedirectUrls } from "../../services/RedirectUrls.js"
import { Sessions } from "../../services/Sessions.js"
import { SignInTokens } from "../../services/SignInTokens.js"
import { Users } from "../../services/Users.js"
import { fresh } from "./layer.js"
import { api } from "./support.js"

const run = fresh()

describe("email addresses and phone numbers", () => {
  it.effect("primary flags, verification state, and deleting the primary", () =>
    run(Effect.gen(function*() {
      const user = yield* Users.create({ emailAddress: ["first@example.com"] })
      const second = yield* EmailAddresses.create({ userId: user.id, emailAddress: "second@example.com" })
      expect(second).toMatchObject({ emailAddress: "second@example.com", verification: null })
      expect((yield* Users.get({ userId: user.id })).primaryEmailAddressId).toBe(user.primaryEmailAddressId)
      const verified = yield* EmailAddresses.update({ emailAddressId: second.id ?? "", verified: true, primary: true })
      expect(verified.verification).toMatchObject({ status: "verified", strategy: "admin" })
      expect((yield* Users.get({ userId: user.id })).primaryEmailAddressId).toBe(second.id)
      const taken = yield* Effect.flip(EmailAddresses.create({ userId: user.id, emailAddress: "first@example.com" }))
      expect(taken).toMatchObject({ errors: [{ code: "form_identifier_exists" }] })

      yield* EmailAddresses.delete({ emailAddressId: second.id ?? "" })
      const after = yield* Users.get({ userId: user.id })
      expect(after.emailAddresses.map((e) => e.emailAddress)).toEqual(["first@example.com"])
      expect(after.primaryEmailAddressId).toBe(after.emailAddresses[0]?.id)
      const gone = yield* Effect.flip(EmailAddresses.get({ emailAddressId: second.id ?? "" }))
      expect(gone).toMatchObject({ _tag: "ClerkNotFound" })
    })))

  it.effect("one-time-code verification: the code is 424242, the outcome is in the status", () =>
    run(Effect.gen(function*() {
      const user = yield* Users.create({ emailAddress: ["first@example.com"] })
      const email = yield* EmailAddresses.create({ userId: user.id, emailAddress: "otp@example.com" })
      const id = email.id ?? ""
      const prepared = yield* EmailAddresses.prepareVerification({ emailAddressId: id })
      expect(prepared).toMatchObject({ status: "unverified", strategy: "email_code", attempts: 0 })
      const wrong = yield* EmailAddresses.attemptVerification({ emailAddressId: id, verificationId: prepared.id ?? "", code: "000000" })
      expect(wrong).toMatchObject({ status: "unverified", attempts: 1 })
      const right = yield* EmailAddresses.attemptVerification({ emailAddressId: id, verificationId: prepared.id ?? "", code: "424242" })
      expect(right).toMatchObject({ status: "verified", attempts: 2 })
      expect((yield* EmailAddresses.get({ emailAddressId: id })).verification).toMatchObject({ status: "verified", strategy: "email_code" })
      const again = yield* Effect.flip(
        EmailAddresses.attemptVerification({ emailAddressId: id, verificationId: prepared.id ?? "", code: "424242" })
      )
      expect(again).toMatchObject({ _tag: "ClerkBadRequest", errors: [{ code: "verification_already_verified" }] })

      const phone = yield* PhoneNumbers.create({ userId: user.id, phoneNumber: "+15555550123" })
      const expiring = yield* PhoneNumbers.prepareVerification({ phoneNumberId: phone.id ?? "" })
      yield* TestClock.adjust("11 minutes")
      const late = yield* PhoneNumbers.attemptVerification({
        phoneNumberId: phone.id ?? "",
        verificationId: expiring.id ?? "",
        code: "424242"
      })
      expect(late.status).toBe("expired")
    })))

  it.effect("phone numbers: primary, reserved for second factor, replace for user", () =>
    run(Effect.gen(function*() {
      const user = yield* Users.create({ emailAddress: ["p@example.com"] })
      const phone = yield* PhoneNumbers.create({ userId: user.id, phoneNumber: "+15555550124", verified: true })
      expect((yield* Users.get({ userId: user.id })).primaryPhoneNumberId).toBe(phone.id)
      const mfa = yield* PhoneNumbers.update({ phoneNumberId: phone.id ?? "", reservedForSecondFactor: true })
      expect(mfa).toMatchObject({ reservedForSecondFactor: true, defaultSecondFactor: true })
      expect((yield* Users.get({ userId: user.id })).twoFactorEnabled).toBe(true)
      const replaced = yield* PhoneNumbers.replaceForUser({ userId: user.id, phoneNumber: "+15555550125" })
      const after = yield* Users.get({ userId: user.id })
      expect(after.phoneNumbers.map((p) => p.phoneNumber)).toEqual(["+15555550125"])
      expect(after.primaryPhoneNumberId).toBe(replaced.id)
      const replacedEmail = yield* EmailAddresses.replaceForUser({ userId: user.id, emailAddress: "q@example.com", identificationStatus: "reserved" })
      expect(replacedEmail).toMatchObject({ emailAddress: "q@example.com", reserved: true, verification: null })
    })))
})

describe("invitations", () => {
  it.effect("single, bulk, list with filters, revoke; expired ones read as expired", () =>
    run(Effect.gen(function*() {
      const one = yield* Invitations.create({ emailAddress: "i1@example.com", publicMetadata: { plan: "pro" }, expiresInDays: 1 })
      expect(one).toMatchObject({ status: "pending", emailAddress: "i1@example.com", publicMetadata: { plan: "pro" } })
      const bulk = yield* Invitations.bulkCreate({
        invitations: [{ emailAddress: "i2@example.com" }, { emailAddress: "i3@example.com" }]
      })
      expect(bulk.map((i) => i.emailAddress)).toEqual(["i2@example.com", "i3@example.com"])
      const duplicate = yield* Effect.flip(Invitations.create({ emailAddress: "i2@example.com" }))
      expect(duplicate).toMatchObject({ errors: [{ code: "duplicate_record" }] })
      yield* Users.create({ emailAddress: ["member@example.com"] })
      const existing = yield* Effect.flip(Invitations.create({ emailAddress: "member@example.com" }))
      expect(existing).toMatchObject({ errors: [{ code: "form_identifier_exists" }] })

      const revoked = yield* Invitations.revoke({ invitationId: bulk[0]?.id ?? "" })
      expect(revoked).toMatchObject({ status: "revoked", revoked: true })
      expect((yield* Invitations.list({ status: "pending" })).map((i) => i.emailAddress)).toEqual(["i3@example.com", "i1@example.com"])
      expect((yield* Invitations.list({ query: "i3" })).map((i) => i.emailAddress)).toEqual(["i3@example.com"])
      yield* TestClock.adjust("25 hours")
      expect((yield* Invitations.list({ status: "expired" })).map((i) => i.id)).toEqual([one.id])
      const again = yield* Effect.flip(Invitations.revoke({ invitationId: bulk[0]?.id ?? "" }))
      expect(again).toMatchObject({ _tag: "ClerkBadRequest", status: 400, errors: [{ code: "invitation_not_pending" }] })
    })))
})

describe("redirect URLs, sign-in tokens, actor tokens, JWT templates", () => {
  it.effect("redirect URLs", () =>
    run(Effect.gen(function*() {
      const url = yield* RedirectUrls.create({ url: "myapp://callback" })
      expect(url).toMatchObject({ object: "redirect_url", url: "myapp://callback" })
      expect((yield* RedirectUrls.list()).map((u) => u.id)).toEqual([url.id])
      expect((yield* RedirectUrls.get({ id: url.id })).url).toBe("myapp://callback")
      expect((yield* Effect.flip(RedirectUrls.create({ url: "not a url" })))).toMatchObject({ status: 422 })
      yield* RedirectUrls.delete({ id: url.id })
      expect((yield* Effect.flip(RedirectUrls.get({ id: url.id })))._tag).toBe("ClerkNotFound")
    })))

  it.effect("sign-in and actor tokens: created pending with a token and URL, revoked once", () =>
    run(Effect.gen(function*() {
      const user = yield* Users.create({ emailAddress: ["t@example.com"] })
      const token = yield* SignInTokens.create({ userId: user.id, expiresInSeconds: 600 })
      expect(token).toMatchObject({ status: "pending", userId: user.id })
      expect(token.token).toMatch(/^[0-9A-Za-z]{40}$/)
      expect((yield* SignInTokens.revoke({ signInTokenId: token.id })).status).toBe("revoked")
      expect((yield* Effect.flip(SignInTokens.revoke({ signInTokenId: token.id })))).toMatchObject({ status: 400 })
      expect((yield* Effect.flip(SignInTokens.create({ userId: "user_x" })))._tag).toBe("ClerkNotFound")

      const actor = yield* ActorTokens.create({ userId: user.id, actor: { sub: "user_admin" } })
      expect(actor).toMatchObject({ status: "pending", actor: { sub: "user_admin" } })
      expect((yield* ActorTokens.revoke({ actorTokenId: actor.id })).status).toBe("revoked")
      // The SDK's input Schema already requires `actor.sub`; the offline Clerk refuses it too.
      const noSub = yield* api("POST", "/actor_tokens", { body: { user_id: user.id, actor: {} } })
      expect(noSub).toMatchObject({ status: 422, body: { errors: [{ code: "form_param_missing", meta: { param_name: "actor.sub" } }] } })
    })))

  it.effect("JWT templates: unique names, reserved claims refused, update and delete", () =>
    run(Effect.gen(function*() {
      const template = yield* JwtTemplates.create({ name: "supabase", claims: { role: "authenticated", email: "{{user.primary_email_address}}" } })
      expect(template).toMatchObject({ name: "supabase", lifetime: 60, allowedClockSkew: 5, signingAlgorithm: "RS256" })
      expect((yield* Effect.flip(JwtTemplates.create({ name: "supabase", claims: {} })))).toMatchObject({ status: 422 })
      expect((yield* Effect.flip(JwtTemplates.create({ name: "bad", claims: { sub: "x" } })))).toMatchObject({ status: 422 })
      const updated = yield* JwtTemplates.update({ templateId: template.id, name: "supabase", claims: { role: "admin" }, lifetime: 120 })
      expect(updated).toMatchObject({ claims: { role: "admin" }, lifetime: 120 })
      expect((yield* JwtTemplates.list()).map((t) => t.name)).toEqual(["supabase"])
      yield* JwtTemplates.delete({ templateId: template.id })
      expect((yield* Effect.flip(JwtTemplates.get({ templateId: template.id })))._tag).toBe("ClerkNotFound")
    })))
})

describe("sessions", () => {
  it.effect("create for a user, list, get, revoke; signing in is activity; banning revokes", () =>
    run(Effect.gen(function*() {
      yield* TestClock.setTime(1_750_000_000_000)
      const user = yield* Users.create({ emailAddress: ["s@example.com"] })
      const org = yield* Organizations.create({ name: "S", createdBy: user.id })
      const session = yield* Sessions.create({ userId: user.id, activeOrganizationId: org.id })
      expect(session).toMatchObject({ status: "active", userId: user.id, lastActiveOrganizationId: org.id })
      expect(session.id).toMatch(/^sess_/)
      const signedIn = yield* Users.get({ userId: user.id })
      expect(signedIn.lastSignInAt).toBe(1_750_000_000_000)
      expect(signedIn.lastActiveAt).toBe(1_750_000_000_000 - (1_750_000_000_000 % 86_400_000))

      const second = yield* Sessions.create({ userId: user.id })
      expect((yield* Sessions.list({ userId: user.id })).map((s) => s.id)).toEqual([second.id, session.id])
      expect((yield* Sessions.get({ sessionId: session.id })).id).toBe(session.id)
      expect((yield* Clients.get({ clientId: session.clientId })).sessionIds).toEqual([session.id])
      expect((yield* Sessions.revoke({ sessionId: session.id })).status).toBe("revoked")
      expect((yield* Sessions.list({ userId: user.id, status: "active" })).map((s) => s.id)).toEqual([second.id])

      yield* Users.ban({ userId: user.id })
      expect((yield* Sessions.get({ sessionId: second.id })).status).toBe("revoked")
      const banned = yield* Effect.flip(Sessions.create({ userId: user.id }))
      expect(banned).toMatchObject({ status: 422, errors: [{ code: "user_banned" }] })
      expect((yield* Effect.flip(Sessions.create({ userId: "user_x" })))._tag).toBe("ClerkNotFound")
      expect((yield* Effect.flip(Sessions.list()))).toMatchObject({ status: 422 })
    })))

  it.effect("a session past its expiry reads as expired", () =>
    run(Effect.gen(function*() {
      const user = yield* Users.create({ emailAddress: ["e@example.com"] })
      const session = yield* Sessions.create({ userId: user.id })
      yield* TestClock.adjust("8 days")
      expect((yield* Sessions.get({ sessionId: session.id })).status).toBe("expired")
    })))
})

describe("instance", () => {
  it.effect("reads the instance and updates its restrictions", () =>
    run(Effect.gen(function*() {
      expect(yield* InstanceSettings.get()).toMatchObject({ object: "instance", id: "ins_offline", environmentType: "development" })
      const restrictions = yield* InstanceSettings.updateRestrictions({ blocklist: true })
      expect(restrictions).toMatchObject({ allowlist: false, blocklist: true })
      yield* InstanceSettings.update({ allowedOrigins: ["https://app.example.com"] })
      expect((yield* InstanceSettings.get()).allowedOrigins).toEqual(["https://app.example.com"])
    })))
})
