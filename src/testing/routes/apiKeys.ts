/**
 * API keys: made for a user, an organization or a machine (`ak_…`, the secret shown once at creation and on request),
 * listed per subject, updated, revoked, deleted, and verified by their secret.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Errors from "../internal/errors.js"
import * as Input from "../internal/input.js"
import * as Listing from "../internal/listing.js"
import type * as Model from "../internal/model.js"
import type { Routes } from "../internal/router.js"
import * as Serialize from "../internal/serialize.js"
import type { Tx } from "../internal/tx.js"

const nullable = Input.nullable

const Seconds = Schema.Number.pipe(Schema.greaterThanOrEqualTo(1))

const CreateBody = Schema.Struct({
  type: Schema.optional(Schema.Literal("api_key")),
  name: Schema.String.pipe(Schema.minLength(3)),
  description: nullable(Schema.String),
  subject: Schema.String,
  claims: nullable(Schema.Unknown),
  scopes: Schema.optional(Schema.Array(Schema.String)),
  created_by: nullable(Schema.String),
  seconds_until_expiration: nullable(Seconds)
})

const UpdateBody = Schema.Struct({
  claims: nullable(Schema.Unknown),
  scopes: Schema.optional(Schema.Array(Schema.String)),
  description: nullable(Schema.String),
  subject: Schema.optional(Schema.String),
  seconds_until_expiration: nullable(Seconds)
})

const RevokeBody = Schema.Struct({ revocation_reason: nullable(Schema.String) })

const VerifyBody = Schema.Struct({ secret: Schema.String })

const keyId = (request: Input.RouteRequest) => request.params["apiKeyID"] ?? ""

const find = (tx: Tx, id: string) => {
  const row = tx.get("apiKeys", id)
  return row === undefined ? Effect.fail(Errors.notFound("API key")) : Effect.succeed(row)
}

/** An API key belongs to a user, an organization or a machine of the instance. */
const checkSubject = (tx: Tx, subject: string) =>
  tx.get("users", subject) !== undefined || tx.get("organizations", subject) !== undefined ||
    tx.get("machines", subject) !== undefined
    ? Effect.succeed(subject)
    : Effect.fail(Errors.valueInvalid("subject", "subject must be the id of a user, an organization or a machine."))

const expiration = (tx: Tx, seconds: number | null | undefined): number | null =>
  seconds === undefined || seconds === null ? null : tx.now + Math.round(seconds * 1000)

const isValid = (row: Model.ApiKeyRow, now: number) => !row.revoked && (row.expiration === null || now < row.expiration)

/**
 * @since 0.1.0
 * @category routes
 */
export const routes: Routes = {
  getApiKeys: (request, tx) =>
    Effect.gen(function*() {
      const subject = Input.string(request, "subject")
      if (subject === undefined || subject === "") return yield* Errors.paramMissing("subject")
      const type = Input.string(request, "type")
      const includeInvalid = (yield* Input.bool(request, "include_invalid")) === true
      const query = Input.string(request, "query")
      const paging = yield* Listing.page(request)
      const rows = tx.rows("apiKeys").filter((row) =>
        row.subject === subject &&
        (type === undefined || row.type === type) &&
        (includeInvalid || isValid(row, tx.now)) &&
        (query === undefined || query === "" || Listing.contains(row.name, query))
      )
      const sorted = Listing.sort(rows, (row) => row.createdAt, true)
      return Input.ok({
        data: Listing.slice(sorted, paging).map((row) => Serialize.apiKey(row, tx.now, false)),
        total_count: sorted.length
      })
    }),
  createApiKey: (request, tx) =>
    Effect.gen(function*() {
      const body = yield* Input.body(CreateBody, request)
      if (body.name.trim() === "") return yield* Errors.paramMissing("name")
      const createdBy = body.created_by ?? null
      if (createdBy !== null && tx.get("users", createdBy) === undefined) {
        return yield* Errors.valueInvalid("created_by", "created_by must be the id of a user.")
      }
      const row = tx.put("apiKeys", {
        id: tx.hexId("ak"),
        seq: tx.seq(),
        type: body.type ?? "api_key",
        name: body.name,
        description: body.description ?? null,
        subject: yield* checkSubject(tx, body.subject),
        secret: `ak_${tx.token()}`,
        claims: body.claims ?? null,
        scopes: body.scopes ?? [],
        createdBy,
        revoked: false,
        revocationReason: null,
        expiration: expiration(tx, body.seconds_until_expiration),
        lastUsedAt: null,
        createdAt: tx.now,
        updatedAt: tx.now
      })
      return Input.ok(Serialize.apiKey(row, tx.now, true))
    }),
  getApiKey: (request, tx) => Effect.map(find(tx, keyId(request)), (row) => Input.ok(Serialize.apiKey(row, tx.now, false))),
  updateApiKey: (request, tx) =>
    Effect.gen(function*() {
      const body = yield* Input.body(UpdateBody, request)
      const row = yield* find(tx, keyId(request))
      const updated = tx.put("apiKeys", {
        ...row,
        claims: body.claims === undefined ? row.claims : body.claims,
        scopes: body.scopes ?? row.scopes,
        description: body.description === undefined ? row.description : body.description,
        subject: body.subject === undefined ? row.subject : yield* checkSubject(tx, body.subject),
        expiration: body.seconds_until_expiration === undefined
          ? row.expiration
          : expiration(tx, body.seconds_until_expiration),
        updatedAt: tx.now
      })
      return Input.ok(Serialize.apiKey(updated, tx.now, false))
    }),
  deleteApiKey: (request, tx) =>
    Effect.map(find(tx, keyId(request)), (row) => {
      tx.remove("apiKeys", row.id)
      return Input.ok({ id: row.id, object: "api_key", deleted: true })
    }),
  getApiKeySecret: (request, tx) => Effect.map(find(tx, keyId(request)), (row) => Input.ok({ secret: row.secret })),
  revokeApiKey: (request, tx) =>
    Effect.gen(function*() {
      const body = yield* Input.body(RevokeBody, request)
      const row = yield* find(tx, keyId(request))
      const revoked = row.revoked
        ? row
        : tx.put("apiKeys", { ...row, revoked: true, revocationReason: body.revocation_reason ?? null, updatedAt: tx.now })
      return Input.ok(Serialize.apiKey(revoked, tx.now, false))
    }),
  verifyApiKey: (request, tx) =>
    Effect.gen(function*() {
      const body = yield* Input.body(VerifyBody, request)
      const row = tx.find("apiKeys", (k) => k.secret === body.secret)
      if (row === undefined) return yield* Errors.notFound("API key")
      return Input.ok(Serialize.apiKey(tx.put("apiKeys", { ...row, lastUsedAt: tx.now }), tx.now, false))
    })
}
