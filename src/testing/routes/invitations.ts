/**
 * Instance invitations: create (one or in bulk), list, revoke. A pending invitation lets its email address
 * past the allow-list.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Errors from "../internal/errors.js"
import * as Input from "../internal/input.js"
import * as Invitations from "../internal/invitations.js"
import * as Listing from "../internal/listing.js"
import type { Routes } from "../internal/router.js"
import * as Serialize from "../internal/serialize.js"
import type { Tx } from "../internal/tx.js"

const nullable = Input.nullable

const Item = Schema.Struct({
  email_address: Schema.String,
  public_metadata: nullable(Input.Metadata),
  redirect_url: nullable(Schema.String),
  notify: nullable(Schema.Boolean),
  ignore_existing: nullable(Schema.Boolean),
  expires_in_days: nullable(Schema.Int),
  template_slug: nullable(Schema.String)
})

const BulkBody = Schema.Array(Item).pipe(Schema.minItems(1), Schema.maxItems(10))

const ORDER_FIELDS = ["created_at", "email_address", "expires_at"] as const

const invite = (tx: Tx, item: typeof Item.Type) =>
  Invitations.create(tx, {
    emailAddress: item.email_address,
    publicMetadata: item.public_metadata,
    redirectUrl: item.redirect_url,
    notify: item.notify,
    ignoreExisting: item.ignore_existing,
    expiresInDays: item.expires_in_days,
    templateSlug: item.template_slug
  })

/**
 * @since 0.1.0
 * @category routes
 */
export const routes: Routes = {
  CreateInvitation: (request, tx) =>
    Effect.gen(function*() {
      const body = yield* Input.body(Item, request)
      return Input.ok(Serialize.invitation(yield* invite(tx, body)))
    }),
  CreateBulkInvitations: (request, tx) =>
    Effect.gen(function*() {
      const body = yield* Input.body(BulkBody, request)
      const rows = yield* Effect.forEach(body, (item) => invite(tx, item))
      return Input.ok(rows.map(Serialize.invitation))
    }),
  ListInvitations: (request, tx) =>
    Effect.gen(function*() {
      const paging = yield* Listing.page(request)
      yield* Input.bool(request, "paginated")
      const order = yield* Listing.order(request, ORDER_FIELDS, "-created_at")
      const byStatus = yield* Invitations.statusFilter(request)
      const query = Input.string(request, "query")
      const rows = tx.rows("invitations").map((row) => Invitations.current(row, tx.now)).filter((row) =>
        byStatus(row) && (query === undefined || row.id === query || Listing.contains(row.emailAddress, query))
      )
      const sorted = Listing.sort(
        rows,
        (row) => order.field === "created_at" ? row.createdAt : order.field === "expires_at" ? row.expiresAt : row.emailAddress,
        order.descending
      )
      return Input.ok(Listing.slice(sorted, paging).map(Serialize.invitation))
    }),
  RevokeInvitation: (request, tx) =>
    Effect.gen(function*() {
      yield* Input.noBody(request)
      const stored = tx.get("invitations", request.params["invitation_id"] ?? "")
      if (stored === undefined) return yield* Errors.notFound("Invitation")
      const row = Invitations.current(stored, tx.now)
      if (row.status !== "pending") {
        return yield* Errors.badRequest("invitation_not_pending", `Only pending invitations can be revoked; this one is ${row.status}.`)
      }
      return Input.ok(Serialize.invitation(tx.put("invitations", { ...row, status: "revoked", updatedAt: tx.now })))
    })
}
