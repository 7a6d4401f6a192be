/**
 * The waitlist: join (an address already on it gets its entry back), list, invite (an instance invitation is
 * made), reject (a pending invitation is revoked), remove.
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
import type { Routes } from "../internal/router.js"
import * as Serialize from "../internal/serialize.js"
import type { Tx } from "../internal/tx.js"

const nullable = Input.nullable

const Item = Schema.Struct({ email_address: Schema.String, notify: nullable(Schema.Boolean) })

const BulkBody = Schema.Array(Item).pipe(Schema.minItems(1), Schema.maxItems(50))

const InviteBody = Schema.Struct({ ignore_existing: nullable(Schema.Boolean) })

const STATUSES = ["pending", "invited", "completed", "rejected"] as const

const ORDER_FIELDS = ["created_at", "email_address", "invited_at"] as const

const entryId = (request: Input.RouteRequest) => request.params["waitlist_entry_id"] ?? ""

const find = (tx: Tx, id: string) => {
  const row = tx.get("waitlistEntries", id)
  return row === undefined ? Effect.fail(Errors.notFound("Waitlist entry")) : Effect.succeed(row)
}

const join = (tx: Tx, item: typeof Item.Type) =>
  Effect.gen(function*() {
    const email = yield* Identifiers.validate("email_address", item.email_address)
    const existing = tx.find("waitlistEntries", (e) => e.emailAddress === email)
    if (existing !== undefined) return existing
    const row = tx.put("waitlistEntries", {
      id: tx.id("wle"),
      seq: tx.seq(),
      emailAddress: email,
      status: "pending",
      invitationId: null,
      createdAt: tx.now,
      updatedAt: tx.now
    })
    if (item.notify !== false) {
      Messages.email(tx, {
        to: email,
        slug: "waitlist_confirmation",
        subject: "You are on the waitlist",
        text: "You have joined the waitlist. We will let you know when you can sign up.",
        data: { waitlist_entry_id: row.id }
      })
    }
    return row
  })

const json = (tx: Tx, row: Model.WaitlistEntryRow) => Serialize.waitlistEntry(tx.world, row)

const invitedAt = (tx: Tx, row: Model.WaitlistEntryRow): number | null =>
  row.invitationId === null ? null : tx.get("invitations", row.invitationId)?.createdAt ?? null

/**
 * @since 0.1.0
 * @category routes
 */
export const routes: Routes = {
  ListWaitlistEntries: (request, tx) =>
    Effect.gen(function*() {
      const paging = yield* Listing.page(request)
      const order = yield* Listing.order(request, ORDER_FIELDS, "-created_at")
      const status = yield* Input.oneOf(request, "status", STATUSES)
      const query = Input.string(request, "query")
      const rows = tx.rows("waitlistEntries").filter((row) =>
        (status === undefined || row.status === status) &&
        (query === undefined || query === "" || row.id === query || Listing.contains(row.emailAddress, query))
      )
      const sorted = Listing.sort(
        rows,
        (row) =>
          order.field === "created_at" ? row.createdAt : order.field === "email_address" ? row.emailAddress : invitedAt(tx, row),
        order.descending
      )
      return Input.ok({ data: Listing.slice(sorted, paging).map((row) => json(tx, row)), total_count: sorted.length })
    }),
  CreateWaitlistEntry: (request, tx) =>
    Effect.gen(function*() {
      const body = yield* Input.body(Item, request)
      return Input.ok(json(tx, yield* join(tx, body)))
    }),
  CreateBulkWaitlistEntries: (request, tx) =>
    Effect.gen(function*() {
      const body = yield* Input.body(BulkBody, request)
      const rows = yield* Effect.forEach(body, (item) => join(tx, item))
      return Input.ok(rows.map((row) => json(tx, row)))
    }),
  DeleteWaitlistEntry: (request, tx) =>
    Effect.gen(function*() {
      const row = yield* find(tx, entryId(request))
      tx.remove("waitlistEntries", row.id)
      return Input.ok(Serialize.deleted("waitlist_entry", row.id))
    }),
  InviteWaitlistEntry: (request, tx) =>
    Effect.gen(function*() {
      const body = yield* Input.body(InviteBody, request)
      const row = yield* find(tx, entryId(request))
      if (row.status === "completed") {
        return yield* Errors.badRequest("waitlist_entry_completed", "This waitlist entry has already signed up.")
      }
      const invitation = yield* Invitations.create(tx, {
        emailAddress: row.emailAddress,
        ignoreExisting: body.ignore_existing
      })
      return Input.ok(json(
        tx,
        tx.put("waitlistEntries", { ...row, status: "invited", invitationId: invitation.id, updatedAt: tx.now })
      ))
    }),
  RejectWaitlistEntry: (request, tx) =>
    Effect.gen(function*() {
      yield* Input.noBody(request)
      const row = yield* find(tx, entryId(request))
      if (row.status === "completed") {
        return yield* Errors.badRequest("waitlist_entry_completed", "This waitlist entry has already signed up.")
      }
      const invitation = row.invitationId === null ? undefined : tx.get("invitations", row.invitationId)
      if (invitation !== undefined && Invitations.current(invitation, tx.now).status === "pending") {
        tx.put("invitations", { ...invitation, status: "revoked", updatedAt: tx.now })
      }
      return Input.ok(json(tx, tx.put("waitlistEntries", { ...row, status: "rejected", updatedAt: tx.now })))
    })
}
