/**
 * Organization domains, roles and permissions, and the waitlist, through the real services, with the webhooks
 * each change emits.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { OrganizationDomains } from "../../services/OrganizationDomains.js"
import { OrganizationInvitations } from "../../services/OrganizationInvitations.js"
import { OrganizationMemberships } from "../../services/OrganizationMemberships.js"
import { OrganizationPermissions } from "../../services/OrganizationPermissions.js"
import { OrganizationRoles } from "../../services/OrganizationRoles.js"
import { Organizations } from "../../services/Organizations.js"
import { Users } from "../../services/Users.js"
import { WaitlistEntries } from "../../services/WaitlistEntries.js"
import { OfflineClerk } from "../../src/testing/index.js"
import { fresh } from "./layer.js"

const run = fresh()

const types = Effect.flatMap(OfflineClerk, (clerk) => Effect.map(clerk.emittedWebhooks, (all) => all.map((w) => w.type)))

describe("organization domains", () => {
  it.effect("add (verified by default), list with filters, update, verify ownership, delete", () =>
    run(Effect.gen(function*() {
      const acme = yield* Organizations.create({ name: "Acme" })
      const other = yield* Organizations.create({ name: "Other" })
      const main = yield* OrganizationDomains.create({ organizationId: acme.id, name: "Acme.com" })
      expect(main).toMatchObject({
        name: "acme.com",
        organizationId: acme.id,
        enrollmentMode: "manual_invitation",
        verification: { status: "verified" }
      })
      const pending = yield* OrganizationDomains.create({
        organizationId: acme.id,
        name: "acme.dev",
        verified: false,
        enrollmentMode: "automatic_invitation"
      })
      expect(pending.verification).toBeNull()
      yield* OrganizationDomains.create({ organizationId: other.id, name: "other.org" })

      const listed = yield* OrganizationDomains.list({ organizationId: acme.id, verified: "false" })
      expect(listed.data.map((d) => d.name)).toEqual(["acme.dev"])
      const all = yield* OrganizationDomains.listAll({ enrollmentMode: ["-automatic_invitation"], orderBy: "+name" })
      expect(all.data.map((d) => d.name)).toEqual(["acme.com", "other.org"])
      expect(all.data[0]?.publicOrganizationData).toMatchObject({ id: acme.id, name: "Acme" })
      expect((yield* OrganizationDomains.listAll({ query: acme.id })).totalCount).toBe(2)

      // A verified domain belongs to one organization; a malformed one is refused.
      const taken = yield* Effect.flip(OrganizationDomains.create({ organizationId: other.id, name: "acme.com" }))
      expect(taken).toMatchObject({ status: 422, errors: [{ code: "form_identifier_exists" }] })
      const malformed = yield* Effect.flip(OrganizationDomains.create({ organizationId: acme.id, name: "not a domain" }))
      expect(malformed).toMatchObject({ status: 422, errors: [{ code: "form_param_format_invalid" }] })

      const updated = yield* OrganizationDomains.update({
        organizationId: acme.id,
        domainId: pending.id,
        enrollmentMode: "automatic_suggestion"
      })
      expect(updated.enrollmentMode).toBe("automatic_suggestion")
      const verified = yield* OrganizationDomains.verifyOwnership({ organizationId: acme.id, domainId: pending.id })
      expect(verified.verification?.status).toBe("verified")
      yield* OrganizationDomains.delete({ organizationId: acme.id, domainId: main.id })
      expect((yield* OrganizationDomains.list({ organizationId: acme.id })).totalCount).toBe(1)
      // Deleting the organization takes its domains with it.
      yield* Organizations.delete({ organizationId: acme.id })
      expect((yield* OrganizationDomains.listAll({})).data.map((d) => d.name)).toEqual(["other.org"])

      expect((yield* types).filter((t) => t.startsWith("organizationDomain."))).toEqual([
        "organizationDomain.created",
        "organizationDomain.created",
        "organizationDomain.created",
        "organizationDomain.updated",
        "organizationDomain.updated",
        "organizationDomain.deleted",
        "organizationDomain.deleted"
      ])
    })))
})

describe("organization roles and permissions", () => {
  it.effect("the built-in roles and permissions are there, and cannot be changed", () =>
    run(Effect.gen(function*() {
      const roles = yield* OrganizationRoles.list({ orderBy: "+key" })
      expect(roles.data.map((r) => r.key)).toEqual(["org:admin", "org:member"])
      expect(roles.data[1]?.permissions.map((p) => p.key)).toEqual(["org:sys_memberships:read"])
      const permissions = yield* OrganizationPermissions.list({ limit: 100 })
      expect(permissions.totalCount).toBe(6)
      expect(permissions.data.every((p) => p.type === "system")).toBe(true)
      const admin = roles.data[0]!
      expect(yield* Effect.flip(OrganizationRoles.delete({ organizationRoleId: admin.id }))).toMatchObject({ status: 403 })
      const system = permissions.data[0]!
      expect(yield* Effect.flip(OrganizationPermissions.delete({ permissionId: system.id }))).toMatchObject({ status: 403 })
    })))

  it.effect("a custom role with custom permissions: made, assigned to members and invitees, changed, removed", () =>
    run(Effect.gen(function*() {
      const billing = yield* OrganizationPermissions.create({ name: "Manage billing", key: "org:billing:manage" })
      expect(billing).toMatchObject({ key: "org:billing:manage", type: "user" })
      const badKey = yield* Effect.flip(OrganizationPermissions.create({ name: "x", key: "org:sys_x:y" }))
      expect(badKey).toMatchObject({ status: 422 })

      const role = yield* OrganizationRoles.create({
        name: "Billing manager",
        key: "org:billing_manager",
        permissions: [billing.id]
      })
      expect(role.permissions.map((p) => p.key)).toEqual(["org:billing:manage"])
      expect(yield* Effect.flip(OrganizationRoles.create({ name: "Dup", key: "org:billing_manager" }))).toMatchObject({ status: 422 })

      const user = yield* Users.create({ emailAddress: ["ada@example.com"] })
      const org = yield* Organizations.create({ name: "Acme" })
      const membership = yield* OrganizationMemberships.create({
        organizationId: org.id,
        userId: user.id,
        role: "org:billing_manager"
      })
      expect(membership).toMatchObject({ role: "org:billing_manager", roleName: "Billing manager", permissions: ["org:billing:manage"] })
      yield* OrganizationInvitations.create({ organizationId: org.id, emailAddress: "bob@example.com", role: "org:billing_manager" })
      const unknown = yield* Effect.flip(
        OrganizationMemberships.update({ organizationId: org.id, userId: user.id, role: "org:nope" })
      )
      expect(unknown).toMatchObject({ status: 422, errors: [{ meta: { param_name: "role" } }] })

      // Permissions: assign, assign twice (409), remove, remove twice (422).
      const audit = yield* OrganizationPermissions.create({ name: "Read audit log", key: "org:audit:read" })
      const assigned = yield* OrganizationRoles.assignPermission({ organizationRoleId: role.id, permissionId: audit.id })
      expect(assigned.permissions.map((p) => p.key)).toEqual(["org:billing:manage", "org:audit:read"])
      expect(yield* Effect.flip(OrganizationRoles.assignPermission({ organizationRoleId: role.id, permissionId: audit.id }))).toMatchObject({ status: 409 })
      yield* OrganizationRoles.removePermission({ organizationRoleId: role.id, permissionId: audit.id })
      expect(yield* Effect.flip(OrganizationRoles.removePermission({ organizationRoleId: role.id, permissionId: audit.id }))).toMatchObject({ status: 422 })

      // Renaming the key carries the members along; a role in use cannot be deleted.
      yield* OrganizationRoles.update({ organizationRoleId: role.id, key: "org:finance" })
      const [member] = (yield* OrganizationMemberships.list({ organizationId: org.id })).data
      expect(member?.role).toBe("org:finance")
      expect(yield* Effect.flip(OrganizationRoles.delete({ organizationRoleId: role.id }))).toMatchObject({ status: 422 })
      yield* OrganizationMemberships.delete({ organizationId: org.id, userId: user.id })
      yield* OrganizationRoles.delete({ organizationRoleId: role.id })
      expect(yield* Effect.flip(OrganizationRoles.get({ organizationRoleId: role.id }))).toMatchObject({ status: 404 })

      // Deleting a permission takes it off the roles that had it.
      yield* OrganizationPermissions.update({ permissionId: billing.id, name: "Billing" })
      yield* OrganizationPermissions.delete({ permissionId: billing.id })
      expect((yield* OrganizationPermissions.list({ query: "billing" })).totalCount).toBe(0)

      const events = (yield* types).filter((t) => t.startsWith("role.") || t.startsWith("permission."))
      expect(events).toEqual([
        "permission.created",
        "role.created",
        "permission.created",
        "role.updated",
        "role.updated",
        "role.updated",
        "role.deleted",
        "permission.updated",
        "permission.deleted"
      ])
    })))
})

describe("the waitlist", () => {
  it.effect("join (once per address), list, invite, reject, delete", () =>
    run(Effect.gen(function*() {
      const ada = yield* WaitlistEntries.create({ emailAddress: "Ada@example.com" })
      expect(ada).toMatchObject({ emailAddress: "ada@example.com", status: "pending" })
      const again = yield* WaitlistEntries.create({ emailAddress: "ada@example.com", notify: false })
      expect(again.id).toBe(ada.id)
      const [bob, carol] = yield* WaitlistEntries.bulkCreate({
        entries: [{ emailAddress: "bob@example.com" }, { emailAddress: "carol@example.com", notify: false }]
      })
      expect((yield* WaitlistEntries.list({})).totalCount).toBe(3)

      const invited = yield* WaitlistEntries.invite({ waitlistEntryId: bob!.id })
      expect(invited).toMatchObject({ status: "invited", invitation: { emailAddress: "bob@example.com", status: "pending" } })
      const rejected = yield* WaitlistEntries.reject({ waitlistEntryId: bob!.id })
      expect(rejected).toMatchObject({ status: "rejected", invitation: { status: "revoked" } })
      expect((yield* WaitlistEntries.list({ status: "pending", orderBy: "+email_address" })).data.map((e) => e.emailAddress))
        .toEqual(["ada@example.com", "carol@example.com"])
      expect((yield* WaitlistEntries.list({ query: "carol" })).data.map((e) => e.id)).toEqual([carol!.id])
      yield* WaitlistEntries.delete({ waitlistEntryId: carol!.id })
      expect((yield* WaitlistEntries.list({})).totalCount).toBe(2)
      expect(yield* Effect.flip(WaitlistEntries.delete({ waitlistEntryId: carol!.id }))).toMatchObject({ status: 404 })

      expect((yield* types).filter((t) => t.startsWith("waitlistEntry.") || t === "email.created")).toEqual([
        "waitlistEntry.created",
        "email.created",
        "waitlistEntry.created",
        "waitlistEntry.created",
        "email.created",
        "waitlistEntry.updated",
        "email.created",
        "waitlistEntry.updated"
      ])
    })))
})
