/**
 * JWT templates: named claim sets for `createTokenFromTemplate`.
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

const Body = Schema.Struct({
  name: Schema.String,
  claims: Input.Metadata,
  lifetime: nullable(Schema.Int),
  allowed_clock_skew: nullable(Schema.Int),
  custom_signing_key: Schema.optional(Schema.Boolean),
  signing_algorithm: nullable(Schema.String),
  signing_key: nullable(Schema.String)
})

/** Claims Clerk sets itself and a template may not override. */
const RESERVED = ["azp", "exp", "iat", "iss", "jti", "nbf", "sid", "sub"]
const ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "HS256", "HS384", "HS512", "EdDSA"]

const find = (tx: Tx, id: string) => {
  const row = tx.get("jwtTemplates", id)
  return row === undefined ? Effect.fail(Errors.notFound("JWT template")) : Effect.succeed(row)
}

const fields = (tx: Tx, body: typeof Body.Type, self?: Model.JwtTemplateRow) =>
  Effect.gen(function*() {
    if (body.name.trim() === "") return yield* Errors.formatInvalid("name", "a non-empty name")
    if (tx.find("jwtTemplates", (row) => row.name === body.name && row.id !== self?.id) !== undefined) {
      return yield* Errors.identifierExists("name")
    }
    const reserved = Object.keys(body.claims).find((claim) => RESERVED.includes(claim))
    if (reserved !== undefined) {
      return yield* Errors.valueInvalid("claims", `The claim ${reserved} is reserved and cannot be set by a template.`)
    }
    const algorithm = body.signing_algorithm ?? self?.signingAlgorithm ?? "RS256"
    if (!ALGORITHMS.includes(algorithm)) {
      return yield* Errors.valueInvalid("signing_algorithm", `signing_algorithm must be one of ${ALGORITHMS.join(", ")}.`)
    }
    const customSigningKey = body.custom_signing_key ?? self?.customSigningKey ?? false
    if (customSigningKey && (body.signing_key ?? null) === null && self?.customSigningKey !== true) {
      return yield* Errors.paramMissing("signing_key")
    }
    const lifetime = body.lifetime ?? self?.lifetime ?? 60
    if (lifetime < 30 || lifetime > 315_360_000) return yield* Errors.formatInvalid("lifetime", "between 30 and 315360000 seconds")
    return {
      signingKey: customSigningKey ? body.signing_key ?? self?.signingKey ?? null : null,
      name: body.name,
      claims: body.claims,
      lifetime,
      allowedClockSkew: body.allowed_clock_skew ?? self?.allowedClockSkew ?? 5,
      customSigningKey,
      signingAlgorithm: algorithm
    }
  })

/**
 * @since 0.1.0
 * @category routes
 */
export const routes: Routes = {
  ListJWTTemplates: (request, tx) =>
    Effect.gen(function*() {
      const page = yield* Listing.page(request)
      yield* Input.bool(request, "paginated")
      return Input.ok(Listing.slice(tx.rows("jwtTemplates"), page).map(Serialize.jwtTemplate))
    }),
  CreateJWTTemplate: (request, tx) =>
    Effect.gen(function*() {
      const body = yield* Input.body(Body, request)
      const values = yield* fields(tx, body)
      return Input.ok(Serialize.jwtTemplate(tx.put("jwtTemplates", {
        id: tx.id("jtmp"),
        seq: tx.seq(),
        ...values,
        createdAt: tx.now,
        updatedAt: tx.now
      })))
    }),
  GetJWTTemplate: (request, tx) =>
    Effect.map(find(tx, request.params["template_id"] ?? ""), (row) => Input.ok(Serialize.jwtTemplate(row))),
  UpdateJWTTemplate: (request, tx) =>
    Effect.gen(function*() {
      const body = yield* Input.body(Body, request)
      const row = yield* find(tx, request.params["template_id"] ?? "")
      const values = yield* fields(tx, body, row)
      return Input.ok(Serialize.jwtTemplate(tx.put("jwtTemplates", { ...row, ...values, updatedAt: tx.now })))
    }),
  DeleteJWTTemplate: (request, tx) =>
    Effect.map(find(tx, request.params["template_id"] ?? ""), (row) => {
      tx.remove("jwtTemplates", row.id)
      return Input.ok(Serialize.deleted("jwt_template", row.id))
    })
}
