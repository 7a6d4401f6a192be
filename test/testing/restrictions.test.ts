import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { AllowlistIdentifiers } from "../../services/AllowlistIdentifiers.js"
import { BlocklistIdentifiers } from "../../services/BlocklistIdentifiers.js"
import { EmailAddresses } from "../../services/EmailAddresses.js"
import { InstanceSettings } from "../../services/InstanceSettings.js"
import { Invitations } from "../../services/Invitations.js"
import { Users } from "../../services/Users.js"
import { OfflineClerk } from "../../src/testing/index.js"
import { fresh } from "./layer.js"

const run = fresh()

describe("allow-list and block-list", () => {
  it.effect("manages both lists: types, duplicates, deletion", () =>
    run(Effect.gen(function*() {
      const email = yield* AllowlistIdentifiers.create({ identifier: "Someone@Example.com" })
      expect(email).toMatchObject({ identifier: "someone@example.com", identifierType: "email_address", instanceId: "ins_offline" })
      const phone = yield* AllowlistIdentifiers.create({ identifier: "+15555550100" })
      expect(phone.identifierType).toBe("phone_number")
      const duplicate = yield* Effect.flip(AllowlistIdentifiers.create({ identifier: "someone@example.com" }))
      expect(duplicate).toMatchObject({ status: 422, errors: [{ code: "form_identifier_exists" }] })
      const nonsense = yield* Effect.flip(AllowlistIdentifiers.create({ identifier: "not an identifier" }))
      expect(nonsense).toMatchObject({ status: 422, errors: [{ code: "form_param_format_invalid" }] })
      expect((yield* AllowlistIdentifiers.list()).map((i) => i.identifier)).toEqual(["+15555550100", "someone@example.com"])
      yield* AllowlistIdentifiers.delete({ identifierId: email.id ?? "" })
      expect((yield* AllowlistIdentifiers.list()).length).toBe(1)
      expect((yield* Effect.flip(AllowlistIdentifiers.delete({ identifierId: email.id ?? "" })))._tag).toBe("ClerkNotFound")

      const blocked = yield* BlocklistIdentifiers.create({ identifier: "spam.example" })
      expect(blocked).toMatchObject({ identifierType: "email_address", object: "blocklist_identifier" })
      expect((yield* BlocklistIdentifiers.list()).totalCount).toBe(1)
    })))

  it.effect("lists are not enforced until the instance restrictions switch them on, as on a new Clerk instance", () =>
    run(Effect.gen(function*() {
      yield* BlocklistIdentifiers.create({ identifier: "blocked@example.com" })
      expect((yield* Users.create({ emailAddress: ["blocked@example.com"] })).id).toMatch(/^user_/)
    })))

  it.effect("an enabled block-list refuses listed addresses, domains and phone numbers with not_allowed_access", () =>
    run(Effect.gen(function*() {
      yield* InstanceSettings.updateRestrictions({ blocklist: true })
      yield* BlocklistIdentifiers.create({ identifier: "bad@example.com" })
      yield* BlocklistIdentifiers.create({ identifier: "spam.example" })
      yield* BlocklistIdentifiers.create({ identifier: "+15555550666" })
      const cases = [
        Users.create({ emailAddress: ["BAD@example.com"] }),
        Users.create({ emailAddress: ["anyone@spam.example"] }),
        Users.create({ emailAddress: ["ok@example.com"], phoneNumber: ["+15555550666"] })
      ]
      for (const call of cases) {
        const error = yield* Effect.flip(call)
        expect(error).toMatchObject({ _tag: "ClerkUnprocessableEntity", status: 422, errors: [{ code: "not_allowed_access" }] })
      }
      // Nothing was half-created: ok@example.com is still free.
      const ok = yield* Users.create({ emailAddress: ["ok@example.com"] })
      const added = yield* Effect.flip(EmailAddresses.create({ userId: ok.id, emailAddress: "x@spam.example" }))
      expect(added).toMatchObject({ errors: [{ code: "not_allowed_access", meta: { param_name: "email_address" } }] })
    })))

  it.effect("an enabled allow-list admits listed addresses, listed domains and invited addresses only", () =>
    fresh({ restrictions: { allowlist: true } })(Effect.gen(function*() {
      yield* AllowlistIdentifiers.create({ identifier: "vip@example.com" })
      yield* AllowlistIdentifiers.create({ identifier: "company.example" })
      yield* Invitations.create({ emailAddress: "guest@example.com" })
      yield* Users.create({ emailAddress: ["vip@example.com"] })
      yield* Users.create({ emailAddress: ["staff@company.example"] })
      yield* Users.create({ emailAddress: ["guest@example.com"] })
      const stranger = yield* Effect.flip(Users.create({ emailAddress: ["stranger@example.com"] }))
      expect(stranger).toMatchObject({ status: 422, errors: [{ code: "not_allowed_access", meta: { param_name: "email_address" } }] })
      const lookalike = yield* Effect.flip(Users.create({ emailAddress: ["x@notcompany.example"] }))
      expect(lookalike).toMatchObject({ errors: [{ code: "not_allowed_access" }] })
      // Seeding sets state up directly, past the lists.
      const clerk = yield* OfflineClerk
      yield* clerk.seedUser({ emailAddress: "seeded@example.com" })
      yield* InstanceSettings.updateRestrictions({ allowlist: false })
      yield* Users.create({ emailAddress: ["stranger@example.com"] })
    })))
})
