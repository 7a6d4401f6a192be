import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import { User } from "../../schemas/Models.js"
import { Organizations } from "../../services/Organizations.js"
import { OrganizationMemberships } from "../../services/OrganizationMemberships.js"
import { Users } from "../../services/Users.js"
import { OfflineClerk } from "../../src/testing/index.js"
import { fresh } from "./layer.js"

const run = fresh()

describe("users: create, read, update, delete", () => {
  it.effect("creates a user with every identifier and reads it back through the real service", () =>
    run(Effect.gen(function*() {
      const user = yield* Users.create({
        emailAddress: ["Ada@Example.com", "ada.work@example.com"],
        phoneNumber: ["+15555550100"],
        username: "ada_l",
        password: "correct horse battery",
        externalId: "ext-1",
        firstName: "Ada",
        lastName: "Lovelace",
        publicMetadata: { plan: "pro" },
        privateMetadata: { stripe_id: "cus_1" },
        unsafeMetadata: { theme: "dark" }
      })
      expect(user.id).toMatch(/^user_[0-9A-Za-z]{27}$/)
      expect(user.emailAddresses.map((e) => e.emailAddress)).toEqual(["ada@example.com", "ada.work@example.com"])
      expect(user.primaryEmailAddressId).toBe(user.emailAddresses[0]?.id)
      expect(user.emailAddresses[0]?.verification).toMatchObject({ status: "verified", strategy: "admin" })
      expect(user.phoneNumbers[0]?.phoneNumber).toBe("+15555550100")
      expect(user.primaryPhoneNumberId).toBe(user.phoneNumbers[0]?.id)
      expect(user).toMatchObject({
        username: "ada_l",
        externalId: "ext-1",
        passwordEnabled: true,
        publicMetadata: { plan: "pro" },
        privateMetadata: { stripe_id: "cus_1" },
        unsafeMetadata: { theme: "dark" },
        banned: false,
        locked: false
      })
      expect(yield* Users.get({ userId: user.id })).toEqual(user)
    })))

  it.effect("takes its timestamps from the Clock", () =>
    run(Effect.gen(function*() {
      yield* TestClock.setTime(1_750_000_000_000)
      const user = yield* Users.create({ emailAddress: ["t@example.com"] })
      expect(user.createdAt).toBe(1_750_000_000_000)
      yield* TestClock.adjust("1 minute")
      const updated = yield* Users.update({ userId: user.id, firstName: "T" })
      expect(updated.updatedAt).toBe(1_750_000_060_000)
      expect(updated.createdAt).toBe(1_750_000_000_000)
    })))

  it.effect("a duplicate email address is a 422 form_identifier_exists naming the parameter", () =>
    run(Effect.gen(function*() {
      yield* Users.create({ emailAddress: ["taken@example.com"] })
      const error = yield* Effect.flip(Users.create({ emailAddress: ["TAKEN@example.com"] }))
      expect(error).toMatchObject({
        _tag: "ClerkUnprocessableEntity",
        status: 422,
        errors: [{ code: "form_identifier_exists", meta: { param_name: "email_address" } }]
      })
      expect(error._tag === "ClerkUnprocessableEntity" && error.clerkTraceId).toMatch(/^[0-9a-f]{32}$/)
      expect(yield* Users.count()).toMatchObject({ totalCount: 1 })
    })))

  it.effect("an email, username or external id freed by an update or a delete can be taken again", () =>
    run(Effect.gen(function*() {
      const first = yield* Users.create({ emailAddress: ["free@example.com"], username: "Free_Name", externalId: "e-free" })
      // Taken, whatever the username's case.
      expect(yield* Effect.flip(Users.create({ emailAddress: ["x@example.com"], username: "free_name" }))).toMatchObject({
        status: 422
      })
      yield* Users.update({ userId: first.id, username: "renamed", externalId: "e-renamed" })
      const second = yield* Users.create({ emailAddress: ["y@example.com"], username: "free_name", externalId: "e-free" })
      expect(yield* Effect.flip(Users.create({ emailAddress: ["z@example.com"], username: "RENAMED" }))).toMatchObject({
        status: 422
      })
      yield* Users.delete({ userId: first.id })
      const third = yield* Users.create({ emailAddress: ["free@example.com"], username: "renamed", externalId: "e-renamed" })
      expect([second.username, third.username, third.emailAddresses[0]?.emailAddress]).toEqual([
        "free_name",
        "renamed",
        "free@example.com"
      ])
      expect(yield* Effect.flip(Users.update({ userId: second.id, externalId: "e-renamed" }))).toMatchObject({ status: 422 })
    })))

  it.effect("duplicate usernames and external ids are refused; a failed create leaves nothing behind", () =>
    run(Effect.gen(function*() {
      yield* Users.create({ emailAddress: ["a@example.com"], username: "alice", externalId: "e1" })
      const username = yield* Effect.flip(Users.create({ emailAddress: ["b@example.com"], username: "ALICE" }))
      expect(username).toMatchObject({ errors: [{ code: "form_identifier_exists", meta: { param_name: "username" } }] })
      const external = yield* Effect.flip(Users.create({ emailAddress: ["b@example.com"], externalId: "e1" }))
      expect(external).toMatchObject({ errors: [{ code: "form_identifier_exists", meta: { param_name: "external_id" } }] })
      // b@example.com was checked before the external id failed: the transaction must not have kept it.
      expect((yield* Users.create({ emailAddress: ["b@example.com"] })).emailAddresses[0]?.emailAddress).toBe("b@example.com")
    })))

  it.effect("bad input gets Clerk's codes", () =>
    run(Effect.gen(function*() {
      const email = yield* Effect.flip(Users.create({ emailAddress: ["not-an-email"] }))
      expect(email).toMatchObject({ status: 422, errors: [{ code: "form_param_format_invalid", meta: { param_name: "email_address" } }] })
      const phone = yield* Effect.flip(Users.create({ phoneNumber: ["555-0100"] }))
      expect(phone).toMatchObject({ errors: [{ code: "form_param_format_invalid", meta: { param_name: "phone_number" } }] })
      const password = yield* Effect.flip(Users.create({ emailAddress: ["p@example.com"], password: "short" }))
      expect(password).toMatchObject({ errors: [{ code: "form_password_length_too_short" }] })
      const nothing = yield* Effect.flip(Users.create({ firstName: "Nobody" }))
      expect(nothing).toMatchObject({ errors: [{ code: "form_param_missing", meta: { param_name: "email_address" } }] })
      expect((yield* Users.create({ firstName: "Ghost", skipUserRequirement: true })).firstName).toBe("Ghost")
    })))

  it.effect("an unknown id is a 404 resource_not_found for every user operation", () =>
    run(Effect.gen(function*() {
      const calls: ReadonlyArray<Effect.Effect<unknown, { readonly _tag: string }, Users>> = [
        Users.get({ userId: "user_missing" }),
        Users.update({ userId: "user_missing", firstName: "x" }),
        Users.delete({ userId: "user_missing" }),
        Users.updateMetadata({ userId: "user_missing", publicMetadata: {} }),
        Users.replaceMetadata({ userId: "user_missing", publicMetadata: {} }),
        Users.deleteProfileImage({ userId: "user_missing" })
      ]
      for (const call of calls) {
        const error = yield* Effect.flip(call)
        expect(error).toMatchObject({ _tag: "ClerkNotFound", status: 404, errors: [{ code: "resource_not_found" }] })
      }
    })))

  it.effect("updates fields, clears the username with null, changes the primary email, and deletes", () =>
    run(Effect.gen(function*() {
      const user = yield* Users.create({ emailAddress: ["one@example.com", "two@example.com"], username: "someone" })
      const second = user.emailAddresses[1]?.id ?? ""
      const updated = yield* Users.update({ userId: user.id, firstName: "New", username: null, primaryEmailAddressId: second })
      expect(updated).toMatchObject({ firstName: "New", username: null, primaryEmailAddressId: second })
      const deleted = yield* Users.delete({ userId: user.id })
      expect(deleted).toMatchObject({ id: user.id, deleted: true, object: "user" })
      expect((yield* Effect.flip(Users.get({ userId: user.id })))._tag).toBe("ClerkNotFound")
      // The deleted user's email addresses are free again.
      yield* Users.create({ emailAddress: ["one@example.com"] })
    })))

  it.effect("ban, unban, lock and unlock (a lock lifts itself after an hour)", () =>
    run(Effect.gen(function*() {
      const user = yield* Users.create({ emailAddress: ["b@example.com"] })
      expect((yield* Users.ban({ userId: user.id })).banned).toBe(true)
      expect((yield* Users.unban({ userId: user.id })).banned).toBe(false)
      const locked = yield* Users.lock({ userId: user.id })
      expect(locked).toMatchObject({ locked: true, lockoutExpiresInSeconds: 3600 })
      yield* TestClock.adjust("30 minutes")
      expect(yield* Users.get({ userId: user.id })).toMatchObject({ locked: true, lockoutExpiresInSeconds: 1800 })
      yield* TestClock.adjust("31 minutes")
      expect(yield* Users.get({ userId: user.id })).toMatchObject({ locked: false, lockoutExpiresInSeconds: null })
      yield* Users.lock({ userId: user.id })
      expect((yield* Users.unlock({ userId: user.id })).locked).toBe(false)
      const other = yield* Users.create({ emailAddress: ["c@example.com"] })
      const banned = yield* Users.bulkBan({ userIds: [user.id, other.id, "user_unknown"] })
      expect(banned.map((u) => u.banned)).toEqual([true, true])
      expect((yield* Users.bulkUnban({ userIds: [user.id] })).map((u) => u.banned)).toEqual([false])
    })))

  it.effect("verifies passwords, removes them, and uploads and deletes a profile image", () =>
    run(Effect.gen(function*() {
      const user = yield* Users.create({ emailAddress: ["p@example.com"], password: "hunter2hunter2" })
      expect(yield* Users.verifyPassword({ userId: user.id, password: "hunter2hunter2" })).toMatchObject({ verified: true })
      const wrong = yield* Effect.flip(Users.verifyPassword({ userId: user.id, password: "nope" }))
      expect(wrong).toMatchObject({ _tag: "ClerkUnprocessableEntity" })
      expect((yield* Users.removePassword({ userId: user.id })).passwordEnabled).toBe(false)
      const none = yield* Effect.flip(Users.verifyPassword({ userId: user.id, password: "hunter2hunter2" }))
      expect(none).toMatchObject({ _tag: "ClerkBadRequest" })

      const withImage = yield* Users.setProfileImage({
        userId: user.id,
        file: new File([new Uint8Array([137, 80, 78, 71])], "me.png", { type: "image/png" })
      })
      expect(withImage.hasImage).toBe(true)
      expect(withImage.imageUrl).toMatch(/^https:\/\/img\.clerk\.com\//)
      expect((yield* Users.deleteProfileImage({ userId: user.id })).hasImage).toBe(false)
    })))
})

describe("users: metadata", () => {
  it.effect("merge is deep, null deletes a key at any level, arrays and scalars are replaced", () =>
    run(Effect.gen(function*() {
      const user = yield* Users.create({
        emailAddress: ["m@example.com"],
        publicMetadata: { plan: "free", prefs: { theme: "dark", lang: "en", nested: { a: 1, b: 2 } }, tags: ["a"] },
        privateMetadata: { keep: true }
      })
      const merged = yield* Users.updateMetadata({
        userId: user.id,
        publicMetadata: { plan: "pro", prefs: { lang: null, nested: { b: null, c: 3 } }, tags: ["b"], added: { x: null, y: 1 } }
      })
      expect(merged.publicMetadata).toEqual({
        plan: "pro",
        prefs: { theme: "dark", nested: { a: 1, c: 3 } },
        tags: ["b"],
        added: { y: 1 }
      })
      // Fields not supplied are left alone.
      expect(merged.privateMetadata).toEqual({ keep: true })
      const removed = yield* Users.updateMetadata({ userId: user.id, publicMetadata: { prefs: null } })
      expect(removed.publicMetadata).toEqual({ plan: "pro", tags: ["b"], added: { y: 1 } })
    })))

  it.effect("replace swaps each supplied field wholesale and leaves the others", () =>
    run(Effect.gen(function*() {
      const user = yield* Users.create({
        emailAddress: ["r@example.com"],
        publicMetadata: { a: 1, deep: { b: 2 } },
        privateMetadata: { secret: "s" },
        unsafeMetadata: { u: 1 }
      })
      const replaced = yield* Users.replaceMetadata({ userId: user.id, publicMetadata: { deep: { c: 3 } }, unsafeMetadata: {} })
      expect(replaced.publicMetadata).toEqual({ deep: { c: 3 } })
      expect(replaced.unsafeMetadata).toEqual({})
      expect(replaced.privateMetadata).toEqual({ secret: "s" })
    })))

  it.effect("metadata keys are never renamed", () =>
    run(Effect.gen(function*() {
      const user = yield* Users.create({ emailAddress: ["k@example.com"], publicMetadata: { snake_key: { camelKey: 1 } } })
      expect(user.publicMetadata).toEqual({ snake_key: { camelKey: 1 } })
    })))
})

describe("users: list, filters, ordering, paging", () => {
  const seed = Effect.gen(function*() {
    const clerk = yield* OfflineClerk
    const at = (day: number) => 1_700_000_000_000 + day * 86_400_000
    const ada = yield* clerk.seedUser({
      emailAddress: "ada@example.com",
      phoneNumber: "+15555550101",
      username: "adalove",
      firstName: "Ada",
      lastName: "Lovelace",
      externalId: "x-ada",
      web3Wallet: "0x1111111111111111111111111111111111111111",
      createdAt: at(1),
      lastActiveAt: at(10),
      lastSignInAt: at(10)
    })
    const bob = yield* clerk.seedUser({
      emailAddress: "bob@work.example.com",
      phoneNumber: "+15555550102",
      username: "bobby",
      firstName: "Bob",
      lastName: "Builder",
      externalId: "x-bob",
      createdAt: at(2),
      lastActiveAt: at(3),
      banned: true,
      externalAccounts: [{ provider: "oauth_google", providerUserId: "g-123" }]
    })
    const cy = yield* clerk.seedUser({
      emailAddress: "cy@example.com",
      username: "cyrus",
      firstName: "Cyrus",
      lastName: "Adams",
      createdAt: at(3)
    })
    const org = yield* Organizations.create({ name: "Acme" })
    yield* OrganizationMemberships.create({ organizationId: org.id, userId: bob.id, role: "org:member" })
    yield* OrganizationMemberships.create({ organizationId: org.id, userId: cy.id, role: "org:admin" })
    return { ada: ada.id, bob: bob.id, cy: cy.id, org: org.id, at }
  })

  const ids = (users: ReadonlyArray<{ readonly id: string }>) => users.map((u) => u.id)

  it.effect("every filter of GetUserList, and count with the same filters", () =>
    run(Effect.gen(function*() {
      const { ada, at, bob, cy, org } = yield* seed
      const cases: ReadonlyArray<readonly [Parameters<typeof Users.list>[0], ReadonlyArray<string>]> = [
        [{}, [cy, bob, ada]],
        [{ emailAddress: ["ADA@example.com", "cy@example.com"] }, [cy, ada]],
        [{ phoneNumber: ["+15555550102"] }, [bob]],
        [{ externalId: ["x-ada", "x-bob"] }, [bob, ada]],
        [{ externalId: ["-x-ada"] }, [cy, bob]],
        [{ username: ["Cyrus"] }, [cy]],
        [{ web3Wallet: ["0x1111111111111111111111111111111111111111"] }, [ada]],
        [{ userId: [ada, bob] }, [bob, ada]],
        [{ userId: [`+${ada}`, `+${cy}`] }, [cy, ada]],
        [{ userId: [`-${bob}`] }, [cy, ada]],
        [{ userId: [ada, `-${ada}`] }, []],
        [{ organizationId: [org] }, [cy, bob]],
        [{ organizationId: [`-${org}`] }, [ada]],
        [{ query: "lovelace" }, [ada]],
        [{ query: "work.example" }, [bob]],
        [{ query: "5550101" }, [ada]],
        [{ query: ada.slice(5, 15) }, [ada]],
        [{ emailAddressQuery: "EXAMPLE.com" }, [cy, bob, ada]],
        [{ emailAddressQuery: "work" }, [bob]],
        [{ phoneNumberQuery: "0102" }, [bob]],
        [{ usernameQuery: "BOB" }, [bob]],
        [{ nameQuery: "ada" }, [cy, ada]],
        [{ nameQuery: "bob builder" }, [bob]],
        [{ banned: true }, [bob]],
        [{ banned: false }, [cy, ada]],
        [{ lastActiveAtAfter: at(5) }, [ada]],
        [{ lastActiveAtBefore: at(5) }, [bob]],
        [{ lastActiveAtSince: at(10) }, [ada]],
        [{ createdAtBefore: at(2) }, [ada]],
        [{ createdAtAfter: at(1) }, [cy, bob]],
        [{ lastSignInAtAfter: at(9) }, [ada]],
        [{ lastSignInAtBefore: at(9) }, []],
        [{ provider: "oauth_google", providerUserId: ["g-123"] }, [bob]],
        [{ emailAddressQuery: "example", banned: false, createdAtAfter: at(1) }, [cy]]
      ]
      for (const [filters, expected] of cases) {
        expect(ids(yield* Users.list(filters)), JSON.stringify(filters)).toEqual(expected)
        expect((yield* Users.count(filters)).totalCount, JSON.stringify(filters)).toBe(expected.length)
      }
    })))

  it.effect("order_by every documented field, both directions", () =>
    run(Effect.gen(function*() {
      const { ada, bob, cy } = yield* seed
      const cases: ReadonlyArray<readonly [string, ReadonlyArray<string>]> = [
        ["created_at", [ada, bob, cy]],
        ["+created_at", [ada, bob, cy]],
        ["-created_at", [cy, bob, ada]],
        ["updated_at", [ada, bob, cy]],
        ["email_address", [ada, bob, cy]],
        ["-email_address", [cy, bob, ada]],
        ["first_name", [ada, bob, cy]],
        ["last_name", [cy, bob, ada]],
        ["phone_number", [ada, bob, cy]], // no phone sorts last ascending, as Postgres does
        ["-phone_number", [cy, bob, ada]], // and first descending
        ["web3wallet", [ada, bob, cy]],
        ["username", [ada, bob, cy]],
        ["-username", [cy, bob, ada]],
        ["last_active_at", [bob, ada, cy]],
        ["-last_sign_in_at", [cy, bob, ada]]
      ]
      for (const [orderBy, expected] of cases) {
        expect(ids(yield* Users.list({ orderBy })), orderBy).toEqual(expected)
      }
      const error = yield* Effect.flip(Users.list({ orderBy: "password" }))
      expect(error).toMatchObject({ status: 422, errors: [{ meta: { param_name: "order_by" } }] })
    })))

  it.effect("limit and offset page through, and the stream walks every page with starting_after cursors", () =>
    run(Effect.gen(function*() {
      const clerk = yield* OfflineClerk
      for (let i = 0; i < 25; i++) yield* clerk.seedUser({ emailAddress: `u${String(i).padStart(2, "0")}@example.com` })
      const page1 = yield* Users.list({ limit: 10, orderBy: "+created_at" })
      const page3 = yield* Users.list({ limit: 10, offset: 20, orderBy: "+created_at" })
      expect(page1.map((u) => u.emailAddresses[0]?.emailAddress)).toEqual(
        Array.from({ length: 10 }, (_, i) => `u${String(i).padStart(2, "0")}@example.com`)
      )
      expect(page3).toHaveLength(5)
      expect(yield* Users.list()).toHaveLength(10) // the default limit

      const after = yield* Users.list({ limit: 10, startingAfter: page1[9]?.id ?? "", orderBy: "+created_at" })
      expect(after.map((u) => u.emailAddresses[0]?.emailAddress)[0]).toBe("u10@example.com")
      const newestFirst = yield* Users.list({ limit: 3 })
      const next = yield* Users.list({ limit: 3, startingAfter: newestFirst[2]?.id ?? "" })
      expect(next.map((u) => u.emailAddresses[0]?.emailAddress)).toEqual(["u21@example.com", "u20@example.com", "u19@example.com"])

      const users = yield* Users
      const streamed = yield* users.listStream({ limit: 7 }).pipe(Stream.runCollect)
      expect(streamed.length).toBe(25)
      expect(new Set(Array.from(streamed, (u) => u.id)).size).toBe(25)
      const requests = (yield* clerk.requests).filter((r) => r.operationId === "GetUserList")
      expect(requests.length).toBeGreaterThanOrEqual(4)
    })))

  it.effect("starting_after needs created_at ordering and no offset", () =>
    run(Effect.gen(function*() {
      const { ada } = yield* seed
      const byName = yield* Effect.flip(Users.list({ startingAfter: ada, orderBy: "first_name" }))
      expect(byName).toMatchObject({ status: 422, errors: [{ meta: { param_name: "starting_after" } }] })
      const withOffset = yield* Effect.flip(Users.list({ startingAfter: ada, offset: 5 }))
      expect(withOffset).toMatchObject({ status: 422 })
    })))
})

describe("users: seeding and inspection", () => {
  it.effect("what OfflineClerk.users returns decodes as the SDK's User", () =>
    run(Effect.gen(function*() {
      const clerk = yield* OfflineClerk
      yield* clerk.seedUser({ emailAddress: "s@example.com", phoneNumber: "+15555550199", locked: true, banned: true })
      yield* Users.create({ web3Wallet: ["0x2222222222222222222222222222222222222222"], username: "walleter" })
      const all = yield* clerk.users
      expect(all).toHaveLength(2)
      for (const json of all) yield* Schema.decodeUnknown(User)(json)
      const taken = yield* Effect.flip(clerk.seedUser({ emailAddress: "s@example.com" }))
      expect(taken).toMatchObject({ _tag: "OfflineClerkError", status: 422, code: "form_identifier_exists" })
    })))

  it.effect("seeds with a chosen id", () =>
    run(Effect.gen(function*() {
      const clerk = yield* OfflineClerk
      yield* clerk.seedUser({ id: "user_fixed", emailAddress: "f@example.com" })
      expect((yield* Users.get({ userId: "user_fixed" })).emailAddresses[0]?.emailAddress).toBe("f@example.com")
    })))
})
