/**
 * Organizations: create (unique slugs, the creator as admin), read by id or slug, list, update, delete,
 * metadata merge and replace, and the logo.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Errors from "../internal/errors.js"
import * as Input from "../internal/input.js"
import * as Listing from "../internal/listing.js"
import * as Metadata from "../internal/metadata.js"
import type * as Model from "../internal/model.js"
import * as Organizations from "../internal/organizations.js"
import type { Routes } from "../internal/router.js"
import * as Serialize from "../internal/serialize.js"
import type { Tx } from "../internal/tx.js"
import * as Users from "../internal/users.js"

const nullable = Input.nullable

const CreateBody = Schema.Struct({
  name: Schema.String,
  created_by: nullable(Schema.String),
  private_metadata: nullable(Input.Metadata),
  public_metadata: nullable(Input.Metadata),
  slug: nullable(Schema.String),
  max_allowed_memberships: nullable(Schema.Int),
  created_at: nullable(Schema.String),
  role_set_key: nullable(Schema.String)
})

const UpdateBody = Schema.Struct({
  name: nullable(Schema.String),
  slug: nullable(Schema.String),
  max_allowed_memberships: nullable(Schema.Int),
  admin_delete_enabled: nullable(Schema.Boolean),
  created_at: nullable(Schema.String),
  role_set_key: nullable(Schema.String)
})

const MetadataBody = Schema.Struct({
  public_metadata: Schema.optional(Input.Metadata),
  private_metadata: Schema.optional(Input.Metadata)
})

const ORDER_FIELDS = ["name", "created_at", "members_count"] as const

/** The largest logo Clerk accepts; larger is a 413. */
const MAX_LOGO_BYTES = 10 * 1024 * 1024

const id = (request: Input.RouteRequest) => request.params["organization_id"] ?? ""

const json = (tx: Tx, row: Model.OrganizationRow, counts = false) => Serialize.organization(tx.world, row, { counts })

const list = (request: Input.RouteRequest, tx: Tx) =>
  Effect.gen(function*() {
    const counts = (yield* Input.bool(request, "include_members_count")) === true
    yield* Input.bool(request, "include_missing_member_with_elevated_permissions")
    const page = yield* Listing.page(request)
    const order = yield* Listing.order(request, ORDER_FIELDS, "-created_at")
    const users = Listing.includeExclude(yield* Input.strings(request, "user_id"))
    const ids = Listing.includeExclude(yield* Input.strings(request, "organization_id"))
    const query = Input.string(request, "query")
    const memberships = tx.rows("memberships")
    const members = (orgId: string) => memberships.filter((m) => m.organizationId === orgId)
    const rows = tx.rows("organizations").filter((org) =>
      Listing.passes(ids, (value) => value === org.id) &&
      (users.include.length + users.exclude.length === 0 ||
        Listing.passes(users, (userId) => members(org.id).some((m) => m.userId === userId))) &&
      (query === undefined || query === "" || org.id === query || Listing.contains(org.name, query) ||
        Listing.contains(org.slug, query))
    )
    const key = (org: Model.OrganizationRow): Listing.SortValue =>
      order.field === "name" ? org.name : order.field === "created_at" ? org.createdAt : members(org.id).length
    const sorted = Listing.sort(rows, key, order.descending)
    return Input.ok({
      data: Listing.slice(sorted, page).map((org) => json(tx, org, counts)),
      total_count: sorted.length
    })
  })

const create = (request: Input.RouteRequest, tx: Tx) =>
  Effect.gen(function*() {
    const body = yield* Input.body(CreateBody, request)
    const org = yield* Organizations.create(tx, {
      name: body.name,
      slug: body.slug,
      createdBy: body.created_by,
      publicMetadata: body.public_metadata,
      privateMetadata: body.private_metadata,
      maxAllowedMemberships: body.max_allowed_memberships,
      roleSetKey: body.role_set_key,
      createdAt: body.created_at === undefined || body.created_at === null
        ? undefined
        : yield* Users.timestamp(body.created_at, "created_at")
    })
    return Input.ok(json(tx, org))
  })

const update = (request: Input.RouteRequest, tx: Tx) =>
  Effect.gen(function*() {
    const body = yield* Input.body(UpdateBody, request)
    const org = yield* Organizations.find(tx, id(request))
    const name = body.name ?? org.name
    if (name.trim() === "") return yield* Errors.formatInvalid("name", "a non-empty name")
    const updated = tx.put("organizations", {
      ...org,
      name,
      slug: body.slug === undefined || body.slug === null ? org.slug : yield* Organizations.slug(tx, body.slug, name, org.id),
      maxAllowedMemberships: body.max_allowed_memberships ?? org.maxAllowedMemberships,
      adminDeleteEnabled: body.admin_delete_enabled ?? org.adminDeleteEnabled,
      roleSetKey: body.role_set_key === undefined ? org.roleSetKey : body.role_set_key,
      createdAt: body.created_at === undefined || body.created_at === null
        ? org.createdAt
        : yield* Users.timestamp(body.created_at, "created_at"),
      updatedAt: tx.now
    })
    return Input.ok(json(tx, updated))
  })

const metadata = (mode: "merge" | "replace") => (request: Input.RouteRequest, tx: Tx) =>
  Effect.gen(function*() {
    const body = yield* Input.body(MetadataBody, request)
    const org = yield* Organizations.find(tx, id(request))
    const apply = (current: Model.Metadata, patch: Model.Metadata | undefined) =>
      patch === undefined ? current : mode === "merge" ? Metadata.merge(current, patch) : patch
    const updated = tx.put("organizations", {
      ...org,
      publicMetadata: apply(org.publicMetadata, body.public_metadata),
      privateMetadata: apply(org.privateMetadata, body.private_metadata),
      updatedAt: tx.now
    })
    return Input.ok(json(tx, updated))
  })

const uploadLogo = (request: Input.RouteRequest, tx: Tx) =>
  Effect.gen(function*() {
    const org = yield* Organizations.find(tx, id(request))
    const form = request.body instanceof FormData ? request.body : undefined
    const file = form?.get("file")
    if (!(file instanceof Blob)) return yield* Errors.badRequest("form_param_missing", "file must be included.", "file")
    if (file.size > MAX_LOGO_BYTES) {
      return yield* new Errors.ApiFailure({
        status: 413,
        errors: [{
          code: "request_body_too_large",
          message: "The logo is too large",
          long_message: "The logo must be 10 MB or smaller.",
          meta: { param_name: "file" }
        }]
      })
    }
    const uploader = form?.get("uploader_user_id")
    if (typeof uploader === "string") yield* Users.find(tx, uploader)
    const updated = tx.put("organizations", { ...org, imageId: tx.id("img"), updatedAt: tx.now })
    const imageUrl = Serialize.imageUrl(updated.imageId, updated.id)
    return Input.ok({ ...json(tx, updated), logo_url: imageUrl, image_url: imageUrl, has_image: true })
  })

/**
 * @since 0.1.0
 * @category routes
 */
export const routes: Routes = {
  ListOrganizations: list,
  CreateOrganization: create,
  GetOrganization: (request, tx) =>
    Effect.gen(function*() {
      const counts = (yield* Input.bool(request, "include_members_count")) === true
      yield* Input.bool(request, "include_missing_member_with_elevated_permissions")
      return Input.ok(json(tx, yield* Organizations.find(tx, id(request)), counts))
    }),
  UpdateOrganization: update,
  DeleteOrganization: (request, tx) =>
    Effect.map(Organizations.find(tx, id(request)), (org) => {
      Organizations.remove(tx, org)
      return Input.ok(Serialize.deleted("organization", org.id, { slug: org.slug }))
    }),
  MergeOrganizationMetadata: metadata("merge"),
  ReplaceOrganizationMetadata: metadata("replace"),
  UploadOrganizationLogo: uploadLogo,
  DeleteOrganizationLogo: (request, tx) =>
    Effect.map(Organizations.find(tx, id(request)), (org) =>
      Input.ok(json(tx, tx.put("organizations", { ...org, imageId: null, updatedAt: tx.now }))))
}
