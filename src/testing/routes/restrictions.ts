/**
 * The allow-list and the block-list, and the instance settings that switch them on
 * (`PATCH /instance/restrictions`), plus the instance itself.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Errors from "../internal/errors.js"
import * as Identifiers from "../internal/identifiers.js"
import * as Input from "../internal/input.js"
import * as Listing from "../internal/listing.js"
import type * as Model from "../internal/model.js"
import type { Routes } from "../internal/router.js"
import * as Serialize from "../internal/serialize.js"
import type { Tx } from "../internal/tx.js"

const nullable = Input.nullable

const AllowBody = Schema.Struct({ identifier: Schema.String, notify: Schema.optional(Schema.Boolean) })
const BlockBody = Schema.Struct({ identifier: Schema.String })

const RestrictionsBody = Schema.Struct({
  allowlist: nullable(Schema.Boolean),
  blocklist: nullable(Schema.Boolean),
  allowlist_blocklist_disabled_on_sign_in: nullable(Schema.Boolean),
  block_email_subaddresses: nullable(Schema.Boolean),
  block_disposable_email_domains: nullable(Schema.Boolean)
})

const InstanceBody = Schema.Struct({
  test_mode: nullable(Schema.Boolean),
  hibp: nullable(Schema.Boolean),
  support_email: nullable(Schema.String),
  clerk_js_version: nullable(Schema.String),
  development_origin: nullable(Schema.String),
  allowed_origins: Schema.optional(Schema.Array(Schema.String)),
  cookieless_dev: nullable(Schema.Boolean),
  url_based_session_syncing: nullable(Schema.Boolean),
  preferred_sign_in_strategy_when_password_required: nullable(Schema.String)
})

type List = "allowlist" | "blocklist"
const object = { allowlist: "allowlist_identifier", blocklist: "blocklist_identifier" } as const

const add = (list: List, identifier: string, tx: Tx) =>
  Effect.gen(function*() {
    const type = Identifiers.typeOf(identifier)
    if (type === undefined) {
      return yield* Errors.formatInvalid("identifier", "an email address, an email domain, a phone number or a web3 wallet")
    }
    const value = Identifiers.normalize(type, identifier)
    if (tx.find(list, (row) => row.identifier === value) !== undefined) return yield* Errors.identifierExists("identifier")
    const row = tx.put(list, {
      id: tx.id(list === "allowlist" ? "alid" : "blid"),
      seq: tx.seq(),
      identifier: value,
      identifierType: type,
      invitationId: null,
      createdAt: tx.now,
      updatedAt: tx.now
    })
    return Serialize.listedIdentifier(object[list], tx.world.instance.id, row)
  })

const remove = (list: List) => (request: Input.RouteRequest, tx: Tx) => {
  const id = request.params["identifier_id"] ?? ""
  if (tx.get(list, id) === undefined) return Effect.fail(Errors.notFound("Identifier"))
  tx.remove(list, id)
  return Effect.succeed(Input.ok(Serialize.deleted(object[list], id)))
}

const restrictionsJson = (r: Model.Restrictions) => ({
  object: "instance_restrictions",
  allowlist: r.allowlist,
  blocklist: r.blocklist,
  allowlist_blocklist_disabled_on_sign_in: r.allowlistBlocklistDisabledOnSignIn,
  block_email_subaddresses: r.blockEmailSubaddresses,
  block_disposable_email_domains: r.blockDisposableEmailDomains
})

/**
 * @since 0.1.0
 * @category routes
 */
export const routes: Routes = {
  ListAllowlistIdentifiers: (request, tx) =>
    Effect.gen(function*() {
      const page = yield* Listing.page(request)
      yield* Input.bool(request, "paginated")
      const rows = Listing.sort(tx.rows("allowlist"), (row) => row.createdAt, true)
      return Input.ok(
        Listing.slice(rows, page).map((row) => Serialize.listedIdentifier(object.allowlist, tx.world.instance.id, row))
      )
    }),
  CreateAllowlistIdentifier: (request, tx) =>
    Effect.flatMap(Input.body(AllowBody, request), (body) => Effect.map(add("allowlist", body.identifier, tx), Input.ok)),
  DeleteAllowlistIdentifier: remove("allowlist"),
  ListBlocklistIdentifiers: (_, tx) => {
    const rows = Listing.sort(tx.rows("blocklist"), (row) => row.createdAt, true)
    return Effect.succeed(Input.ok({
      data: rows.map((row) => Serialize.listedIdentifier(object.blocklist, tx.world.instance.id, row)),
      total_count: rows.length
    }))
  },
  CreateBlocklistIdentifier: (request, tx) =>
    Effect.flatMap(Input.body(BlockBody, request), (body) => Effect.map(add("blocklist", body.identifier, tx), Input.ok)),
  DeleteBlocklistIdentifier: remove("blocklist"),
  UpdateInstanceRestrictions: (request, tx) =>
    Effect.map(Input.body(RestrictionsBody, request), (body) => {
      const r = tx.world.instance.restrictions
      const next: Model.Restrictions = {
        allowlist: body.allowlist ?? r.allowlist,
        blocklist: body.blocklist ?? r.blocklist,
        allowlistBlocklistDisabledOnSignIn: body.allowlist_blocklist_disabled_on_sign_in ??
          r.allowlistBlocklistDisabledOnSignIn,
        blockEmailSubaddresses: body.block_email_subaddresses ?? r.blockEmailSubaddresses,
        blockDisposableEmailDomains: body.block_disposable_email_domains ?? r.blockDisposableEmailDomains
      }
      tx.setInstance({ ...tx.world.instance, restrictions: next })
      return Input.ok(restrictionsJson(next))
    }),
  GetInstance: (_, tx) =>
    Effect.succeed(Input.ok({
      object: "instance",
      id: tx.world.instance.id,
      environment_type: tx.world.instance.environmentType,
      allowed_origins: tx.world.instance.allowedOrigins,
      workspace_id: null
    })),
  UpdateInstance: (request, tx) =>
    Effect.map(Input.body(InstanceBody, request), (body) => {
      if (body.allowed_origins !== undefined) {
        tx.setInstance({ ...tx.world.instance, allowedOrigins: body.allowed_origins })
      }
      return Input.noContent
    })
}
