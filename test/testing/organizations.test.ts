import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { OrganizationInvitations } from "../../services/OrganizationInvitations.js"
import { OrganizationMemberships } from "../../services/OrganizationMemberships.js"
import { Organizations } from "../../services/Organizations.js"
import { Users } from "../../services/Users.js"
import * as Schema from "effect/Schema"
import { Organization, OrganizationMembership } from "../../schemas/Models.js"
import { OfflineClerk } from "../../src/testing/index.js"
import { fresh } from "./layer.js"

const run = fresh()

const user = (email: string, extra: Parameters<typeof Users.create>[0] = {}) =>
  Users.create({ emailAddress: [email], ...extra })

describe("organizations", () => {
  it.effect("creates with a generated or chosen slug, unique across the instance, and reads by id or slug", () =>
    run(Effect.gen(function*() {
      const acme = yield* Organizations.create({ name: "Acme Corp!" })
      expect(acme).toMatchObject({ name: "Acme Corp!", slug: "acme-corp", hasImage: false, publicMetadata: {} })
      expect(acme.id).toMatch(/^org_[0-9A-Za-z]{27}$/)
      const second = yield* Organizations.create({ name: "Acme Corp" })
      expect(second.slug).toBe("acme-corp-2")
      const taken = yield* Effect.flip(Organizations.create({ name: "Other", slug: "acme-corp" }))
      expect(taken).toMatchObject({ status: 422, errors: [{ code: "form_identifier_exists", meta: { param_name: "slug" } }] })
      const bad = yield* Effect.flip(Organizations.create({ name: "Other", slug: "Not A Slug" }))
      expect(bad).toMatchObject({ errors: [{ code: "form_param_format_invalid", meta: { param_name: "slug" } }] })
      expect((yield* Organizations.get({ organizationId: "acme-corp" })).id).toBe(acme.id)
      const missing = yield* Effect.flip(Organizations.get({ organizationId: "org_missing" }))
      expect(missing).toMatchObject({ _tag: "ClerkNotFound", errors: [{ code: "resource_not_found" }] })
    })))

  it.effect("the creator becomes an admin; members_count when asked for", () =>
    run(Effect.gen(function*() {
      const owner = yield* user("owner@example.com")
      const org = yield* Organizations.create({ name: "Team", createdBy: owner.id })
      const memberships = yield* OrganizationMemberships.list({ organizationId: org.id })
      expect(memberships.totalCount).toBe(1)
      expect(memberships.data[0]).toMatchObject({ role: "org:admin", roleName: "Admin", publicUserData: { userId: owner.id } })
      expect((yield* Organizations.get({ organizationId: org.id })).membersCount).toBeUndefined()
      expect((yield* Organizations.get({ organizationId: org.id, includeMembersCount: true })).membersCount).toBe(1)
    })))

  it.effect("updates, merges and replaces metadata, uploads and deletes a logo, deletes with its memberships", () =>
    run(Effect.gen(function*() {
      const member = yield* user("m@example.com")
      const org = yield* Organizations.create({ name: "Meta", publicMetadata: { a: { b: 1, c: 2 } }, privateMetadata: { p: 1 } })
      yield* OrganizationMemberships.create({ organizationId: org.id, userId: member.id, role: "org:member" })
      const renamed = yield* Organizations.update({ organizationId: org.id, name: "Meta 2", slug: "meta-two" })
      expect(renamed).toMatchObject({ name: "Meta 2", slug: "meta-two" })
      const merged = yield* Organizations.mergeMetadata({ organizationId: org.id, publicMetadata: { a: { c: null, d: 4 } } })
      expect(merged.publicMetadata).toEqual({ a: { b: 1, d: 4 } })
      expect(merged.privateMetadata).toEqual({ p: 1 })
      const replaced = yield* Organizations.replaceMetadata({ organizationId: org.id, privateMetadata: { q: 2 } })
      expect(replaced.privateMetadata).toEqual({ q: 2 })
      expect(replaced.publicMetadata).toEqual({ a: { b: 1, d: 4 } })

      const logo = yield* Organizations.uploadLogo({
        organizationId: org.id,
        uploaderUserId: member.id,
        file: new File([new Uint8Array([1, 2, 3])], "logo.png", { type: "image/png" })
      })
      expect(logo.hasImage).toBe(true)
      expect((yield* Organizations.deleteLogo({ organizationId: org.id })).hasImage).toBe(false)

      const deleted = yield* Organizations.delete({ organizationId: org.id })
      expect(deleted).toMatchObject({ object: "organization", id: org.id, deleted: true })
      expect(yield* Users.getOrganizationMemberships({ userId: member.id })).toMatchObject({ totalCount: 0 })
    })))

  it.effect("lists with query, user_id and organization_id filters, ordering and paging", () =>
    run(Effect.gen(function*() {
      const ann = yield* user("ann@example.com")
      const alpha = yield* Organizations.create({ name: "Alpha", createdBy: ann.id })
      const beta = yield* Organizations.create({ name: "Beta" })
      const gamma = yield* Organizations.create({ name: "Gamma", createdBy: ann.id })
      const bob = yield* user("bob@example.com")
      yield* OrganizationMemberships.create({ organizationId: gamma.id, userId: bob.id, role: "org:member" })
      const names = (page: { readonly data: ReadonlyArray<{ readonly name: string }> }) => page.data.map((o) => o.name)
      expect(names(yield* Organizations.list())).toEqual(["Gamma", "Beta", "Alpha"])
      expect(names(yield* Organizations.list({ orderBy: "name" }))).toEqual(["Alpha", "Beta", "Gamma"])
      expect(names(yield* Organizations.list({ orderBy: "-members_count" }))).toEqual(["Gamma", "Alpha", "Beta"])
      expect(names(yield* Organizations.list({ query: "amm" }))).toEqual(["Gamma"])
      expect(names(yield* Organizations.list({ query: beta.id }))).toEqual(["Beta"])
      expect(names(yield* Organizations.list({ userId: [ann.id] }))).toEqual(["Gamma", "Alpha"])
      expect(names(yield* Organizations.list({ userId: [`-${bob.id}`] }))).toEqual(["Beta", "Alpha"])
      expect(names(yield* Organizations.list({ organizationId: [alpha.id, beta.id] }))).toEqual(["Beta", "Alpha"])
      const page = yield* Organizations.list({ limit: 2, offset: 1, orderBy: "name", includeMembersCount: true })
      expect(page.totalCount).toBe(3)
      expect(page.data.map((o) => [o.name, o.membersCount])).toEqual([["Beta", 0], ["Gamma", 2]])
    })))
})

describe("memberships", () => {
  it.effect("adds members with roles, refuses duplicates and unknown roles, updates roles and metadata, removes", () =>
    run(Effect.gen(function*() {
      const org = yield* Organizations.create({ name: "Crew" })
      const u = yield* user("crew@example.com", { firstName: "Cee" })
      const added = yield* OrganizationMemberships.create({
        organizationId: org.id,
        userId: u.id,
        role: "org:member",
        publicMetadata: { seat: 1 }
      })
      expect(added).toMatchObject({
        role: "org:member",
        permissions: ["org:sys_memberships:read"],
        publicMetadata: { seat: 1 },
        organization: { id: org.id },
        publicUserData: { userId: u.id, firstName: "Cee", identifier: "crew@example.com" }
      })
      const again = yield* Effect.flip(OrganizationMemberships.create({ organizationId: org.id, userId: u.id, role: "org:member" }))
      expect(again).toMatchObject({ status: 422, errors: [{ code: "already_a_member_in_organization" }] })
      const role = yield* Effect.flip(OrganizationMemberships.create({ organizationId: org.id, userId: u.id, role: "org:owner" }))
      expect(role).toMatchObject({ status: 422, errors: [{ meta: { param_name: "role" } }] })
      const nobody = yield* Effect.flip(OrganizationMemberships.create({ organizationId: org.id, userId: "user_x", role: "org:member" }))
      expect(nobody).toMatchObject({ _tag: "ClerkNotFound" })

      expect((yield* OrganizationMemberships.update({ organizationId: org.id, userId: u.id, role: "org:admin" })).role)
        .toBe("org:admin")
      const meta = yield* OrganizationMemberships.updateMetadata({
        organizationId: org.id,
        userId: u.id,
        publicMetadata: { seat: null, desk: "A" },
        privateMetadata: { salary: 1 }
      })
      expect(meta).toMatchObject({ publicMetadata: { desk: "A" }, privateMetadata: { salary: 1 } })
      const removed = yield* OrganizationMemberships.delete({ organizationId: org.id, userId: u.id })
      expect(removed.id).toBe(added.id)
      expect(yield* OrganizationMemberships.list({ organizationId: org.id })).toMatchObject({ totalCount: 0, data: [] })
      const gone = yield* Effect.flip(OrganizationMemberships.delete({ organizationId: org.id, userId: u.id }))
      expect(gone).toMatchObject({ _tag: "ClerkNotFound" })
    })))

  it.effect("the membership limit holds", () =>
    run(Effect.gen(function*() {
      const org = yield* Organizations.create({ name: "Tiny", maxAllowedMemberships: 1 })
      const a = yield* user("a@example.com")
      const b = yield* user("b@example.com")
      yield* OrganizationMemberships.create({ organizationId: org.id, userId: a.id, role: "org:member" })
      const full = yield* Effect.flip(OrganizationMemberships.create({ organizationId: org.id, userId: b.id, role: "org:member" }))
      expect(full).toMatchObject({ status: 422, errors: [{ code: "organization_membership_quota_exceeded" }] })
    })))

  it.effect("lists members with the user filters, roles and ordering; per user and instance-wide", () =>
    run(Effect.gen(function*() {
      const org = yield* Organizations.create({ name: "Filters" })
      const zed = yield* user("zed@example.com", { firstName: "Zed", username: "zeddy" })
      const amy = yield* user("amy@example.com", { firstName: "Amy", username: "amyamy" })
      yield* OrganizationMemberships.create({ organizationId: org.id, userId: zed.id, role: "org:admin" })
      yield* OrganizationMemberships.create({ organizationId: org.id, userId: amy.id, role: "org:member" })
      const who = (page: { readonly data: ReadonlyArray<{ readonly publicUserData?: { readonly userId: string } | undefined }> }) =>
        page.data.map((m) => m.publicUserData?.userId)
      expect(who(yield* OrganizationMemberships.list({ organizationId: org.id, orderBy: "first_name" }))).toEqual([amy.id, zed.id])
      expect(who(yield* OrganizationMemberships.list({ organizationId: org.id, orderBy: "-email_address" }))).toEqual([zed.id, amy.id])
      expect(who(yield* OrganizationMemberships.list({ organizationId: org.id, role: ["org:admin"] }))).toEqual([zed.id])
      expect(who(yield* OrganizationMemberships.list({ organizationId: org.id, emailAddress: ["amy@example.com"] }))).toEqual([amy.id])
      expect(who(yield* OrganizationMemberships.list({ organizationId: org.id, query: "zedd" }))).toEqual([zed.id])
      expect(who(yield* OrganizationMemberships.list({ organizationId: org.id, userId: [amy.id] }))).toEqual([amy.id])
      expect((yield* Users.getOrganizationMemberships({ userId: amy.id })).data.map((m) => m.organization.id)).toEqual([org.id])
      expect((yield* Users.getInstanceOrganizationMemberships({ limit: 1 })).totalCount).toBe(2)
    })))
})

describe("organization invitations", () => {
  it.effect("creates, lists, reads and revokes; refuses members and duplicates", () =>
    run(Effect.gen(function*() {
      const admin = yield* user("admin@example.com")
      const org = yield* Organizations.create({ name: "Invites", createdBy: admin.id })
      const invitation = yield* OrganizationInvitations.create({
        organizationId: org.id,
        emailAddress: "New@Example.com",
        role: "org:member",
        inviterUserId: admin.id,
        publicMetadata: { from: "test" }
      })
      expect(invitation).toMatchObject({
        emailAddress: "new@example.com",
        status: "pending",
        role: "org:member",
        publicInviterData: { userId: admin.id, identifier: "admin@example.com" },
        publicMetadata: { from: "test" }
      })
      expect(invitation.url).toContain("__clerk_ticket=")
      const duplicate = yield* Effect.flip(OrganizationInvitations.create({
        organizationId: org.id,
        emailAddress: "new@example.com",
        role: "org:member",
        inviterUserId: admin.id
      }))
      expect(duplicate).toMatchObject({ status: 422, errors: [{ code: "duplicate_record" }] })
      const member = yield* Effect.flip(OrganizationInvitations.create({
        organizationId: org.id,
        emailAddress: "admin@example.com",
        role: "org:member",
        inviterUserId: admin.id
      }))
      expect(member).toMatchObject({ errors: [{ code: "already_a_member_in_organization" }] })

      const bulk = yield* OrganizationInvitations.bulkCreate({
        organizationId: org.id,
        invitations: [
          { emailAddress: "b1@example.com", role: "org:member", inviterUserId: admin.id },
          { emailAddress: "b2@example.com", role: "org:admin", inviterUserId: admin.id }
        ]
      })
      expect(bulk.totalCount).toBe(2)

      expect((yield* OrganizationInvitations.get({ organizationId: org.id, invitationId: invitation.id })).id).toBe(invitation.id)
      const revoked = yield* OrganizationInvitations.revoke({ organizationId: org.id, invitationId: invitation.id })
      expect(revoked.status).toBe("revoked")
      expect((yield* OrganizationInvitations.list({ organizationId: org.id, status: "pending" })).totalCount).toBe(2)
      expect((yield* OrganizationInvitations.list({ organizationId: org.id, orderBy: "email_address" })).data.map((i) => i.emailAddress))
        .toEqual(["b1@example.com", "b2@example.com", "new@example.com"])
      expect((yield* OrganizationInvitations.listPending({ organizationId: org.id })).totalCount).toBe(2)
      const all = yield* OrganizationInvitations.getAll({ query: "b2" })
      expect(all.data.map((i) => i.publicOrganizationData?.slug)).toEqual([org.slug])
    })))

  it.effect("a user sees the invitations sent to their email addresses", () =>
    run(Effect.gen(function*() {
      const admin = yield* user("boss@example.com")
      const org = yield* Organizations.create({ name: "Mine", createdBy: admin.id })
      const invitee = yield* user("invitee@example.com")
      yield* OrganizationInvitations.create({
        organizationId: org.id,
        emailAddress: "invitee@example.com",
        role: "org:member",
        inviterUserId: admin.id
      })
      const seen = yield* Users.getOrganizationInvitations({ userId: invitee.id })
      expect(seen.data.map((i) => i.publicOrganizationData?.id)).toEqual([org.id])
    })))
})

describe("seeding organizations", () => {
  it.effect("seeds organizations and memberships that the SDK reads and decodes", () =>
    run(Effect.gen(function*() {
      const clerk = yield* OfflineClerk
      const owner = yield* clerk.seedUser({ emailAddress: "owner@example.com" })
      const member = yield* clerk.seedUser({ emailAddress: "member@example.com" })
      const org = yield* clerk.seedOrganization({ id: "org_fixed", name: "Seeded", createdBy: owner.id, publicMetadata: { tier: 1 } })
      yield* clerk.seedMembership({ organizationId: org.id, userId: member.id })
      const again = yield* Effect.flip(clerk.seedMembership({ organizationId: org.id, userId: member.id }))
      expect(again).toMatchObject({ _tag: "OfflineClerkError", code: "already_a_member_in_organization" })
      expect(yield* Organizations.get({ organizationId: "org_fixed", includeMembersCount: true })).toMatchObject({
        slug: "seeded",
        membersCount: 2,
        publicMetadata: { tier: 1 }
      })
      for (const json of yield* clerk.organizations) yield* Schema.decodeUnknown(Organization)(json)
      const memberships = yield* clerk.memberships
      expect(memberships.map((m) => m["role"])).toEqual(["org:admin", "org:member"])
      for (const json of memberships) yield* Schema.decodeUnknown(OrganizationMembership)(json)
    })))
})
