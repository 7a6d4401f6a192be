/**
 * Organization invitations: create (one or in bulk), list (per organization, pending, per user, instance-wide),
 * read and revoke.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Errors from "../internal/errors.js"
import * as Identifiers from "../internal/identifiers.js"
import * as Input from "../internal/input.js"
import * as Invitations from "../internal/invitations.js"
import * as Listing from "../internal/listing.js"
import * as Messages from "../internal/messages.js"
import type * as Model from "../internal/model.js"
import * as Organizations from "../internal/organizations.js"
import type { Routes } from "../internal/router.js"
import * as Serialize from "../internal/serialize.js"
import type { Tx } from "../internal/tx.js"
import * as Users from "../internal/users.js"

const nullable = Input.nullable

const Item = Schema.Struct({
  email_address: Schema.String,
  inviter_user_id: nullable(Schema.String),
  role: Schema.String,
  public_metadata: nullable(Input.Metadata),
  private_metadata: nullable(Input.Metadata),
  redirect_url: nullable(Schema.String),
  expires_in_days: nullable(Schema.Int),
  notify: nullable(Schema.Boolean)
})

const BulkBody = Schema.Array(Item).pipe(Schema.minItems(1), Schema.maxItems(10))

const RevokeBody = Schema.Struct({ requesting_user_id: nullable(Schema.String) })

const ORDER_FIELDS = ["created_at", "email_address"] as const

const orgId = (request: Input.RouteRequest) => request.params["organization_id"] ?? ""

const invite = (tx: Tx, org: Model.OrganizationRow, item: typeof Item.Type) =>
  Effect.gen(function*() {
    const email = yield* Identifiers.validate("email_address", item.email_address)
    const role = yield* Organizations.checkRole(tx, item.role)
    const inviterId = item.inviter_user_id ?? null
    if (inviterId !== null) {
      yield* Users.find(tx, inviterId)
      if (Organizations.membershipOf(tx, org.id, inviterId)?.role !== "org:admin") {
        return yield* Errors.unprocessable(
          "not_an_admin_in_organization",
          "Only admins of the organization can invite members.",
          "inviter_user_id"
        )
      }
    }
    const member = tx.find("identifications", (i) =>
      i.type === "email_address" && i.value === email &&
      Organizations.membershipOf(tx, org.id, i.userId) !== undefined)
    if (member !== undefined) {
      return yield* Errors.unprocessable(
        "already_a_member_in_organization",
        `${email} is already a member of the organization.`,
        "email_address"
      )
    }
    const pending = tx.find("organizationInvitations", (i) =>
      i.organizationId === org.id && i.emailAddress === email && Invitations.current(i, tx.now).status === "pending")
    if (pending !== undefined) {
      return yield* Errors.duplicate("email_address", `${email} already has a pending invitation to this organization.`)
    }
    const token = tx.token()
    const row = tx.put("organizationInvitations", {
      id: tx.id("orginv"),
      seq: tx.seq(),
      organizationId: org.id,
      emailAddress: email,
      role,
      inviterId,
      status: "pending",
      publicMetadata: item.public_metadata ?? {},
      privateMetadata: item.private_metadata ?? {},
      url: item.redirect_url === undefined || item.redirect_url === null
        ? Serialize.ticketUrl("accept-organization-invitation", token)
        : `${item.redirect_url}${item.redirect_url.includes("?") ? "&" : "?"}__clerk_ticket=${token}`,
      expiresAt: yield* Invitations.expiresAt(tx.now, item.expires_in_days),
      createdAt: tx.now,
      updatedAt: tx.now
    })
    if (item.notify !== false) {
      Messages.email(tx, {
        to: email,
        slug: "organization_invitation",
        subject: `You have been invited to join ${org.name}`,
        text: `You have been invited to join ${org.name}. Accept the invitation: ${row.url ?? ""}`,
        data: { org_name: org.name, action_url: row.url, invitation_id: row.id }
      })
    }
    return row
  })

/** Invitations as of now, filtered, sorted and paged, as `{ data, total_count }`. */
const page = (
  request: Input.RouteRequest,
  tx: Tx,
  rows: ReadonlyArray<Model.OrganizationInvitationRow>,
  options: { readonly withOrganization: boolean; readonly pendingOnly?: boolean }
) =>
  Effect.gen(function*() {
    const paging = yield* Listing.page(request)
    const order = yield* Listing.order(request, ORDER_FIELDS, "-created_at")
    const byStatus = yield* Invitations.statusFilter(request)
    const email = Input.string(request, "email_address")?.toLowerCase()
    const query = Input.string(request, "query")
    const current = rows.map((row) => Invitations.current(row, tx.now)).filter((row) =>
      byStatus(row) &&
      (options.pendingOnly !== true || row.status === "pending") &&
      (email === undefined || row.emailAddress === email) &&
      (query === undefined || Listing.contains(row.emailAddress, query))
    )
    const sorted = Listing.sort(
      current,
      (row) => order.field === "created_at" ? row.createdAt : row.emailAddress,
      order.descending
    )
    return Input.ok({
      data: Listing.slice(sorted, paging).map((row) =>
        Serialize.organizationInvitation(tx.world, row, options.withOrganization)
      ),
      total_count: sorted.length
    })
  })

const forOrganization = (tx: Tx, org: Model.OrganizationRow) =>
  tx.rows("organizationInvitations").filter((i) => i.organizationId === org.id)

const findInvitation = (tx: Tx, org: Model.OrganizationRow, id: string) => {
  const row = tx.get("organizationInvitations", id)
  return row === undefined || row.organizationId !== org.id
    ? Effect.fail(Errors.notFound("Organization invitation"))
    : Effect.succeed(Invitations.current(row, tx.now))
}

/**
 * @since 0.1.0
 * @category routes
 */
export const routes: Routes = {
  CreateOrganizationInvitation: (request, tx) =>
    Effect.gen(function*() {
      const body = yield* Input.body(Item, request)
      const org = yield* Organizations.find(tx, orgId(request))
      return Input.ok(Serialize.organizationInvitation(tx.world, yield* invite(tx, org, body)))
    }),
  CreateOrganizationInvitationBulk: (request, tx) =>
    Effect.gen(function*() {
      const body = yield* Input.body(BulkBody, request)
      const org = yield* Organizations.find(tx, orgId(request))
      const rows = yield* Effect.forEach(body, (item) => invite(tx, org, item))
      return Input.ok({
        data: rows.map((row) => Serialize.organizationInvitation(tx.world, row)),
        total_count: rows.length
      })
    }),
  ListOrganizationInvitations: (request, tx) =>
    Effect.flatMap(Organizations.find(tx, orgId(request)), (org) =>
      page(request, tx, forOrganization(tx, org), { withOrganization: false })),
  ListPendingOrganizationInvitations: (request, tx) =>
    Effect.flatMap(Organizations.find(tx, orgId(request)), (org) =>
      page(request, tx, forOrganization(tx, org), { withOrganization: false, pendingOnly: true })),
  GetOrganizationInvitation: (request, tx) =>
    Effect.gen(function*() {
      const org = yield* Organizations.find(tx, orgId(request))
      const row = yield* findInvitation(tx, org, request.params["invitation_id"] ?? "")
      return Input.ok(Serialize.organizationInvitation(tx.world, row))
    }),
  RevokeOrganizationInvitation: (request, tx) =>
    Effect.gen(function*() {
      const body = yield* Input.body(RevokeBody, request)
      const org = yield* Organizations.find(tx, orgId(request))
      const row = yield* findInvitation(tx, org, request.params["invitation_id"] ?? "")
      if (body.requesting_user_id !== undefined && body.requesting_user_id !== null) {
        yield* Users.find(tx, body.requesting_user_id)
      }
      if (row.status !== "pending") {
        return yield* Errors.badRequest(
          "organization_invitation_not_pending",
          `Only pending invitations can be revoked; this one is ${row.status}.`
        )
      }
      const revoked = tx.put("organizationInvitations", { ...row, status: "revoked", updatedAt: tx.now })
      return Input.ok(Serialize.organizationInvitation(tx.world, revoked))
    }),
  ListInstanceOrganizationInvitations: (request, tx) =>
    page(request, tx, tx.rows("organizationInvitations"), { withOrganization: true }),
  UsersGetOrganizationInvitations: (request, tx) =>
    Effect.gen(function*() {
      const user = yield* Users.find(tx, request.params["user_id"] ?? "")
      const emails = new Set(user.emailAddressIds.map((id) => tx.get("identifications", id)?.value))
      return yield* page(
        request,
        tx,
        tx.rows("organizationInvitations").filter((i) => emails.has(i.emailAddress)),
        { withOrganization: true }
      )
    })
}
