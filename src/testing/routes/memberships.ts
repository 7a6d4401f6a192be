/**
 * Organization memberships: add a member with a role, list an organization's members with the user filters,
 * change a role, merge metadata, remove a member; and the instance-wide and per-user listings.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Input from "../internal/input.js"
import * as Listing from "../internal/listing.js"
import * as Metadata from "../internal/metadata.js"
import type * as Model from "../internal/model.js"
import * as Organizations from "../internal/organizations.js"
import type { Routes } from "../internal/router.js"
import * as Serialize from "../internal/serialize.js"
import type { Tx } from "../internal/tx.js"
import * as UserFilters from "../internal/userFilters.js"

const nullable = Input.nullable

const CreateBody = Schema.Struct({
  user_id: Schema.String,
  role: Schema.String,
  public_metadata: nullable(Input.Metadata),
  private_metadata: nullable(Input.Metadata)
})

const UpdateBody = Schema.Struct({ role: Schema.String })

const MetadataBody = Schema.Struct({
  public_metadata: Schema.optional(Input.Metadata),
  private_metadata: Schema.optional(Input.Metadata)
})

const ORDER_FIELDS = ["phone_number", "email_address", "created_at", "first_name", "last_name", "username"] as const

const orgId = (request: Input.RouteRequest) => request.params["organization_id"] ?? ""
const userId = (request: Input.RouteRequest) => request.params["user_id"] ?? ""

interface Listed {
  readonly membership: Model.MembershipRow
  readonly user: UserFilters.Indexed | undefined
  readonly seq: number
}

/** Memberships with their users, sorted by `order_by` and paged, as `{ data, total_count }`. */
const page = (
  request: Input.RouteRequest,
  tx: Tx,
  memberships: ReadonlyArray<Model.MembershipRow>,
  filters: ReadonlyArray<UserFilters.Filter> = []
) =>
  Effect.gen(function*() {
    const paging = yield* Listing.page(request)
    const order = yield* Listing.order(request, ORDER_FIELDS, "-created_at")
    const users = new Map(UserFilters.index(tx.world).map((u) => [u.row.id, u]))
    const rows: Array<Listed> = memberships
      .map((membership) => ({ membership, user: users.get(membership.userId), seq: membership.seq }))
      .filter((row) => filters.length === 0 || (row.user !== undefined && filters.every((f) => row.user !== undefined && f(row.user))))
    const key = (row: Listed): Listing.SortValue => {
      switch (order.field) {
        case "created_at":
          return row.membership.createdAt
        case "email_address":
          return row.user?.primaryEmail
        case "phone_number":
          return row.user?.primaryPhone
        case "first_name":
          return row.user?.row.firstName
        case "last_name":
          return row.user?.row.lastName
        case "username":
          return row.user?.row.username
      }
    }
    const sorted = Listing.sort(rows, key, order.descending)
    return Input.ok({
      data: Listing.slice(sorted, paging).map((row) => Serialize.membership(tx.world, row.membership)),
      total_count: sorted.length
    })
  })

const listForOrganization = (request: Input.RouteRequest, tx: Tx) =>
  Effect.gen(function*() {
    const org = yield* Organizations.find(tx, orgId(request))
    const filters = yield* UserFilters.common(request)
    const roles = yield* Input.strings(request, "role")
    const memberships = tx.rows("memberships").filter((m) =>
      m.organizationId === org.id && (roles.length === 0 || roles.includes(m.role))
    )
    return yield* page(request, tx, memberships, filters)
  })

/**
 * @since 0.1.0
 * @category routes
 */
export const routes: Routes = {
  CreateOrganizationMembership: (request, tx) =>
    Effect.gen(function*() {
      const body = yield* Input.body(CreateBody, request)
      const membership = yield* Organizations.addMember(tx, {
        organizationId: (yield* Organizations.find(tx, orgId(request))).id,
        userId: body.user_id,
        role: body.role,
        publicMetadata: body.public_metadata ?? undefined,
        privateMetadata: body.private_metadata ?? undefined
      })
      return Input.ok(Serialize.membership(tx.world, membership))
    }),
  ListOrganizationMemberships: listForOrganization,
  UpdateOrganizationMembership: (request, tx) =>
    Effect.gen(function*() {
      const body = yield* Input.body(UpdateBody, request)
      const org = yield* Organizations.find(tx, orgId(request))
      const membership = yield* Organizations.findMembership(tx, org.id, userId(request))
      const role = yield* Organizations.checkRole(tx, body.role)
      return Input.ok(Serialize.membership(tx.world, tx.put("memberships", { ...membership, role, updatedAt: tx.now })))
    }),
  DeleteOrganizationMembership: (request, tx) =>
    Effect.gen(function*() {
      const org = yield* Organizations.find(tx, orgId(request))
      const membership = yield* Organizations.findMembership(tx, org.id, userId(request))
      const json = Serialize.membership(tx.world, membership)
      tx.remove("memberships", membership.id)
      return Input.ok(json)
    }),
  UpdateOrganizationMembershipMetadata: (request, tx) =>
    Effect.gen(function*() {
      const body = yield* Input.body(MetadataBody, request)
      const org = yield* Organizations.find(tx, orgId(request))
      const membership = yield* Organizations.findMembership(tx, org.id, userId(request))
      const updated = tx.put("memberships", {
        ...membership,
        publicMetadata: body.public_metadata === undefined
          ? membership.publicMetadata
          : Metadata.merge(membership.publicMetadata, body.public_metadata),
        privateMetadata: body.private_metadata === undefined
          ? membership.privateMetadata
          : Metadata.merge(membership.privateMetadata, body.private_metadata),
        updatedAt: tx.now
      })
      return Input.ok(Serialize.membership(tx.world, updated))
    }),
  InstanceGetOrganizationMemberships: (request, tx) => page(request, tx, tx.rows("memberships")),
  // An unknown user has no memberships: the spec documents no 404 here.
  UsersGetOrganizationMemberships: (request, tx) =>
    page(request, tx, tx.rows("memberships").filter((m) => m.userId === userId(request)))
}
