/**
 * Organizations and their memberships: unique slugs, the default roles, the membership limit, and what
 * deleting an organization takes with it. Shared by the routes and by `OfflineClerk`'s seeding.
 */
import * as Effect from "effect/Effect"
import * as Errors from "./errors.js"
import type * as Model from "./model.js"
import type { Tx } from "./tx.js"
import * as Users from "./users.js"

const SLUG = /^[a-z0-9-]+$/

/** By id, or by slug: `GET /organizations/{organization_id}` accepts either. */
export const find = (tx: Tx, idOrSlug: string): Effect.Effect<Model.OrganizationRow, Errors.ApiFailure> => {
  const org = tx.get("organizations", idOrSlug) ?? tx.find("organizations", (o) => o.slug === idOrSlug)
  return org === undefined ? Effect.fail(Errors.notFound("Organization")) : Effect.succeed(org)
}

const slugify = (name: string): string =>
  name.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || "organization"

/** A chosen slug must be well-formed and free; a generated one takes the first free `-2`, `-3`, … suffix. */
export const slug = (
  tx: Tx,
  chosen: string | null | undefined,
  name: string,
  self?: string
): Effect.Effect<string, Errors.ApiFailure> => {
  const taken = (candidate: string) => tx.find("organizations", (o) => o.id !== self && o.slug === candidate) !== undefined
  if (chosen !== undefined && chosen !== null) {
    if (!SLUG.test(chosen)) {
      return Effect.fail(Errors.formatInvalid("slug", "lowercase letters, digits and dashes only"))
    }
    return taken(chosen) ? Effect.fail(Errors.identifierExists("slug")) : Effect.succeed(chosen)
  }
  const base = slugify(name)
  let candidate = base
  for (let n = 2; taken(candidate); n++) candidate = `${base}-${n}`
  return Effect.succeed(candidate)
}

/** A role key of the instance: `org:admin`, `org:member`, or one made with `POST /organization_roles`. */
export const checkRole = (tx: Tx, role: string): Effect.Effect<string, Errors.ApiFailure> =>
  tx.find("roles", (r) => r.key === role) !== undefined
    ? Effect.succeed(role)
    : Effect.fail(Errors.valueInvalid(
      "role",
      `role must be one of ${tx.rows("roles").map((r) => r.key).join(", ")}.`
    ))

export const membershipOf = (tx: Tx, organizationId: string, userId: string): Model.MembershipRow | undefined =>
  tx.find("memberships", (m) => m.organizationId === organizationId && m.userId === userId)

export const findMembership = (
  tx: Tx,
  organizationId: string,
  userId: string
): Effect.Effect<Model.MembershipRow, Errors.ApiFailure> => {
  const membership = membershipOf(tx, organizationId, userId)
  return membership === undefined ? Effect.fail(Errors.notFound("Organization membership")) : Effect.succeed(membership)
}

export interface NewMembership {
  readonly organizationId: string
  readonly userId: string
  readonly role: string
  readonly publicMetadata?: Model.Metadata | undefined
  readonly privateMetadata?: Model.Metadata | undefined
}

export const addMember = (tx: Tx, input: NewMembership): Effect.Effect<Model.MembershipRow, Errors.ApiFailure> =>
  Effect.gen(function*() {
    const org = yield* find(tx, input.organizationId)
    const user = yield* Users.find(tx, input.userId)
    const role = yield* checkRole(tx, input.role)
    if (membershipOf(tx, org.id, user.id) !== undefined) {
      return yield* Errors.unprocessable(
        "already_a_member_in_organization",
        "The user is already a member of this organization.",
        "user_id"
      )
    }
    const members = tx.rows("memberships").filter((m) => m.organizationId === org.id).length
    // 0 means no limit, as in Clerk.
    if (org.maxAllowedMemberships > 0 && members >= org.maxAllowedMemberships) {
      return yield* Errors.unprocessable(
        "organization_membership_quota_exceeded",
        `This organization has reached its limit of ${org.maxAllowedMemberships} members.`
      )
    }
    return tx.put("memberships", {
      id: tx.id("orgmem"),
      seq: tx.seq(),
      organizationId: org.id,
      userId: user.id,
      role,
      publicMetadata: input.publicMetadata ?? {},
      privateMetadata: input.privateMetadata ?? {},
      createdAt: tx.now,
      updatedAt: tx.now
    })
  })

export interface NewOrganization {
  readonly id?: string | undefined
  readonly name: string
  readonly slug?: string | null | undefined
  readonly createdBy?: string | null | undefined
  readonly publicMetadata?: Model.Metadata | null | undefined
  readonly privateMetadata?: Model.Metadata | null | undefined
  readonly maxAllowedMemberships?: number | null | undefined
  readonly roleSetKey?: string | null | undefined
  readonly createdAt?: number | undefined
}

/** Creates an organization; its creator, when named, becomes its first admin. */
export const create = (tx: Tx, input: NewOrganization): Effect.Effect<Model.OrganizationRow, Errors.ApiFailure> =>
  Effect.gen(function*() {
    if (input.name.trim() === "") return yield* Errors.paramMissing("name")
    if (input.id !== undefined && tx.get("organizations", input.id) !== undefined) {
      return yield* Errors.identifierExists("id")
    }
    const createdBy = input.createdBy ?? null
    if (createdBy !== null && tx.get("users", createdBy) === undefined) {
      return yield* Errors.valueInvalid("created_by", "created_by must be the id of an existing user.")
    }
    const createdAt = input.createdAt ?? tx.now
    const org = tx.put("organizations", {
      id: input.id ?? tx.id("org"),
      seq: tx.seq(),
      name: input.name,
      slug: yield* slug(tx, input.slug, input.name),
      imageId: null,
      maxAllowedMemberships: input.maxAllowedMemberships ?? 0,
      adminDeleteEnabled: true,
      publicMetadata: input.publicMetadata ?? {},
      privateMetadata: input.privateMetadata ?? {},
      createdBy,
      roleSetKey: input.roleSetKey ?? null,
      createdAt,
      updatedAt: createdAt
    })
    if (createdBy !== null) yield* addMember(tx, { organizationId: org.id, userId: createdBy, role: "org:admin" })
    return org
  })

/** Removes an organization with its memberships, invitations and domains. */
export const remove = (tx: Tx, org: Model.OrganizationRow): void => {
  for (const membership of tx.rows("memberships")) {
    if (membership.organizationId === org.id) tx.remove("memberships", membership.id)
  }
  for (const invitation of tx.rows("organizationInvitations")) {
    if (invitation.organizationId === org.id) tx.remove("organizationInvitations", invitation.id)
  }
  for (const domain of tx.rows("organizationDomains")) {
    if (domain.organizationId === org.id) tx.remove("organizationDomains", domain.id)
  }
  tx.remove("organizations", org.id)
}
