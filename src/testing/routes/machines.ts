/**
 * Machines and machine-to-machine tokens: machines with their secret keys (`ak_…`, rotated with a grace
 * period) and the machines each may reach; M2M tokens made by a machine with its own secret key, opaque
 * (`mt_…`, stored, listed, revocable) or JWT (signed with the instance key, so `ClerkAuth` verifies it),
 * listed, revoked and verified.
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
import { Signer } from "../internal/signer.js"
import type { Tx } from "../internal/tx.js"

const nullable = Input.nullable

const MAX_SCOPES = 150

const CreateBody = Schema.Struct({
  name: Schema.String,
  scoped_machines: Schema.optional(Schema.Array(Schema.String)),
  default_token_ttl: Schema.optional(Schema.Int.pipe(Schema.greaterThanOrEqualTo(1)))
})

const UpdateBody = Schema.Struct({
  name: Schema.optional(Schema.String),
  default_token_ttl: Schema.optional(Schema.Int.pipe(Schema.greaterThanOrEqualTo(1)))
})

const RotateBody = Schema.Struct({ previous_token_ttl: Schema.Int.pipe(Schema.between(0, 8 * 3600)) })

const ScopeBody = Schema.Struct({ to_machine_id: Schema.String })

const CreateTokenBody = Schema.Struct({
  token_format: Schema.optional(Schema.Literal("opaque", "jwt")),
  seconds_until_expiration: nullable(Schema.Number.pipe(Schema.greaterThanOrEqualTo(1))),
  claims: nullable(Schema.Unknown),
  min_remaining_ttl_seconds: Schema.optional(Schema.Int.pipe(Schema.greaterThanOrEqualTo(0)))
})

const RevokeBody = Schema.Struct({ revocation_reason: nullable(Schema.String) })

const VerifyBody = Schema.Struct({ token: Schema.String })

const machineId = (request: Input.RouteRequest) => request.params["machine_id"] ?? ""

const findMachine = (tx: Tx, id: string, param?: string) => {
  const row = tx.get("machines", id)
  if (row !== undefined) return Effect.succeed(row)
  return param === undefined
    ? Effect.fail(Errors.notFound("Machine"))
    : Effect.fail(Errors.valueInvalid(param, `${id} is not a machine of this instance.`))
}

const secretKey = (tx: Tx) => `ak_${tx.token()}`

/** Who is calling: the instance (a secret key, or no headers) or a machine (its own secret key). */
type Caller = { readonly _tag: "Instance" } | { readonly _tag: "Machine"; readonly machine: Model.MachineRow }

const caller = (tx: Tx, request: Input.RouteRequest): Effect.Effect<Caller, Errors.ApiFailure> => {
  const authorization = request.authorization
  if (authorization === undefined || !authorization.startsWith("Bearer ak_")) return Effect.succeed({ _tag: "Instance" })
  const key = authorization.slice("Bearer ".length)
  const machine = tx.find("machines", (m) =>
    m.secretKey === key || (m.previousSecretKey?.key === key && tx.now < m.previousSecretKey.validUntil))
  return machine === undefined ? Effect.fail(Errors.unauthenticated()) : Effect.succeed({ _tag: "Machine", machine })
}

const forbidden = (message: string) =>
  new Errors.ApiFailure({
    status: 403,
    errors: [{ code: "authorization_invalid", message: "forbidden", long_message: message }]
  })

const isExpired = (row: Model.M2MTokenRow, now: number) => row.expiration !== null && now >= row.expiration

const createToken = (request: Input.RouteRequest, tx: Tx) =>
  Effect.gen(function*() {
    const body = yield* Input.body(CreateTokenBody, request)
    const who = yield* caller(tx, request)
    if (who._tag !== "Machine") {
      return yield* Errors.badRequest(
        "machine_secret_key_required",
        "M2M tokens are created with a machine's secret key: send `Authorization: Bearer ak_…`."
      )
    }
    const machine = who.machine
    const claims = body.claims ?? null
    const seconds = body.seconds_until_expiration === undefined ? machine.defaultTokenTtl : body.seconds_until_expiration
    const expiration = seconds === null ? null : tx.now + Math.round(seconds * 1000)
    const format = body.token_format ?? "opaque"
    const reuseAfter = body.min_remaining_ttl_seconds
    if (format === "opaque" && reuseAfter !== undefined) {
      // Token reuse: an equivalent live token with enough time left is answered again.
      const reusable = tx.find("m2mTokens", (t) =>
        t.subject === machine.id && t.format === "opaque" && !t.revoked &&
        JSON.stringify(t.claims) === JSON.stringify(claims) &&
        JSON.stringify(t.scopes) === JSON.stringify(machine.scopedMachineIds) &&
        (t.expiration === null || t.expiration - tx.now >= reuseAfter * 1000))
      if (reusable !== undefined) return { status: 201, body: Serialize.m2mToken(reusable, tx.now, true) }
    }
    const id = tx.hexId("mt")
    let token = `mt_${tx.token()}`
    if (format === "jwt") {
      const signer = yield* Signer
      const custom = typeof claims === "object" && claims !== null && !Array.isArray(claims) ? claims : {}
      token = yield* signer.sign({
        ...custom,
        iss: signer.issuer,
        sub: machine.id,
        jti: id,
        iat: Math.floor(tx.now / 1000),
        // A JWT needs an expiry: "never" is ten years.
        exp: Math.floor((expiration ?? tx.now + 315_360_000_000) / 1000),
        scopes: machine.scopedMachineIds.join(" ")
      })
    }
    const row = tx.put("m2mTokens", {
      id,
      seq: tx.seq(),
      subject: machine.id,
      token,
      format,
      scopes: machine.scopedMachineIds,
      claims,
      revoked: false,
      revocationReason: null,
      expiration,
      lastUsedAt: null,
      createdAt: tx.now,
      updatedAt: tx.now
    })
    return { status: 201, body: Serialize.m2mToken(row, tx.now, true) }
  })

/**
 * @since 0.1.0
 * @category routes
 */
export const routes: Routes = {
  ListMachines: (request, tx) =>
    Effect.gen(function*() {
      const paging = yield* Listing.page(request)
      const order = yield* Listing.order(request, ["name", "created_at"] as const, "-created_at")
      const query = Input.string(request, "query")
      const rows = tx.rows("machines").filter((row) =>
        query === undefined || query === "" || row.id === query || Listing.contains(row.name, query)
      )
      const sorted = Listing.sort(rows, (row) => order.field === "name" ? row.name : row.createdAt, order.descending)
      return Input.ok({
        data: Listing.slice(sorted, paging).map((row) => Serialize.machine(tx.world, row)),
        total_count: sorted.length
      })
    }),
  CreateMachine: (request, tx) =>
    Effect.gen(function*() {
      const body = yield* Input.body(CreateBody, request)
      if (body.name.trim() === "") return yield* Errors.paramMissing("name")
      const scoped = [...new Set(body.scoped_machines ?? [])]
      if (scoped.length > MAX_SCOPES) {
        return yield* Errors.formatInvalid("scoped_machines", `a list of at most ${MAX_SCOPES} machine ids`)
      }
      yield* Effect.forEach(scoped, (id) => findMachine(tx, id, "scoped_machines"))
      const row = tx.put("machines", {
        id: tx.id("mch"),
        seq: tx.seq(),
        name: body.name,
        secretKey: secretKey(tx),
        previousSecretKey: null,
        scopedMachineIds: scoped,
        defaultTokenTtl: body.default_token_ttl ?? 3600,
        createdAt: tx.now,
        updatedAt: tx.now
      })
      return Input.ok({ ...Serialize.machine(tx.world, row), secret_key: row.secretKey })
    }),
  GetMachine: (request, tx) =>
    Effect.map(findMachine(tx, machineId(request)), (row) => Input.ok(Serialize.machine(tx.world, row))),
  UpdateMachine: (request, tx) =>
    Effect.gen(function*() {
      const body = yield* Input.body(UpdateBody, request)
      const row = yield* findMachine(tx, machineId(request))
      if (body.name !== undefined && body.name.trim() === "") return yield* Errors.formatInvalid("name", "a non-empty name")
      const updated = tx.put("machines", {
        ...row,
        name: body.name ?? row.name,
        defaultTokenTtl: body.default_token_ttl ?? row.defaultTokenTtl,
        updatedAt: tx.now
      })
      return Input.ok(Serialize.machine(tx.world, updated))
    }),
  DeleteMachine: (request, tx) =>
    Effect.gen(function*() {
      const row = yield* findMachine(tx, machineId(request))
      // Other machines lose their access to it; its tokens go with it.
      for (const other of tx.rows("machines")) {
        if (other.scopedMachineIds.includes(row.id)) {
          tx.put("machines", { ...other, scopedMachineIds: other.scopedMachineIds.filter((id) => id !== row.id) })
        }
      }
      for (const token of tx.rows("m2mTokens")) if (token.subject === row.id) tx.remove("m2mTokens", token.id)
      tx.remove("machines", row.id)
      return Input.ok({ object: "machine", id: row.id, deleted: true })
    }),
  GetMachineSecretKey: (request, tx) =>
    Effect.map(findMachine(tx, machineId(request)), (row) =>
      Input.ok({ object: "machine_secret_key", secret: row.secretKey })),
  RotateMachineSecretKey: (request, tx) =>
    Effect.gen(function*() {
      const body = yield* Input.body(RotateBody, request)
      const row = yield* findMachine(tx, machineId(request))
      const rotated = tx.put("machines", {
        ...row,
        secretKey: secretKey(tx),
        previousSecretKey: body.previous_token_ttl === 0
          ? null
          : { key: row.secretKey, validUntil: tx.now + body.previous_token_ttl * 1000 },
        updatedAt: tx.now
      })
      return Input.ok({ object: "machine_secret_key", secret: rotated.secretKey })
    }),
  CreateMachineScope: (request, tx) =>
    Effect.gen(function*() {
      const body = yield* Input.body(ScopeBody, request)
      const row = yield* findMachine(tx, machineId(request))
      const target = yield* findMachine(tx, body.to_machine_id, "to_machine_id")
      if (target.id === row.id) return yield* Errors.valueInvalid("to_machine_id", "A machine cannot be scoped to itself.")
      if (row.scopedMachineIds.includes(target.id)) {
        return yield* Errors.duplicate("to_machine_id", "The machine already has access to that machine.")
      }
      if (row.scopedMachineIds.length >= MAX_SCOPES) {
        return yield* Errors.unprocessable("machine_scope_limit_reached", `A machine can reach at most ${MAX_SCOPES} machines.`)
      }
      tx.put("machines", { ...row, scopedMachineIds: [...row.scopedMachineIds, target.id], updatedAt: tx.now })
      return Input.ok({ object: "machine_scope", from_machine_id: row.id, to_machine_id: target.id, created_at: tx.now })
    }),
  DeleteMachineScope: (request, tx) =>
    Effect.gen(function*() {
      const row = yield* findMachine(tx, machineId(request))
      const other = request.params["other_machine_id"] ?? ""
      if (!row.scopedMachineIds.includes(other)) return yield* Errors.notFound("Machine scope")
      tx.put("machines", { ...row, scopedMachineIds: row.scopedMachineIds.filter((id) => id !== other), updatedAt: tx.now })
      return Input.ok({ object: "machine_scope", from_machine_id: row.id, to_machine_id: other, deleted: true })
    }),
  createM2MToken: createToken,
  getM2MTokens: (request, tx) =>
    Effect.gen(function*() {
      const who = yield* caller(tx, request)
      const subject = Input.string(request, "subject")
      if (subject === undefined || subject === "") return yield* Errors.paramMissing("subject")
      if (who._tag === "Machine" && who.machine.id !== subject) {
        return yield* forbidden("A machine can list its own tokens only.")
      }
      yield* findMachine(tx, subject)
      const revoked = yield* Input.bool(request, "revoked")
      const expired = yield* Input.bool(request, "expired")
      const paging = yield* Listing.page(request)
      // Only opaque tokens are stored by Clerk, so only they are listed.
      const rows = tx.rows("m2mTokens").filter((row) =>
        row.subject === subject && row.format === "opaque" &&
        (revoked === undefined || row.revoked === revoked) &&
        (expired === undefined || isExpired(row, tx.now) === expired)
      )
      const sorted = Listing.sort(rows, (row) => row.createdAt, true)
      return Input.ok({
        m2m_tokens: Listing.slice(sorted, paging).map((row) => Serialize.m2mToken(row, tx.now, false)),
        total_count: sorted.length
      })
    }),
  revokeM2MToken: (request, tx) =>
    Effect.gen(function*() {
      const body = yield* Input.body(RevokeBody, request)
      const who = yield* caller(tx, request)
      const row = tx.get("m2mTokens", request.params["m2m_token_id"] ?? "")
      if (row === undefined || row.format !== "opaque") return yield* Errors.notFound("M2M token")
      if (who._tag === "Machine" && who.machine.id !== row.subject) return yield* Errors.notFound("M2M token")
      const revoked = row.revoked ? row : tx.put("m2mTokens", {
        ...row,
        revoked: true,
        revocationReason: body.revocation_reason ?? null,
        updatedAt: tx.now
      })
      return Input.ok(Serialize.m2mToken(revoked, tx.now, false))
    }),
  verifyM2MToken: (request, tx) =>
    Effect.gen(function*() {
      const body = yield* Input.body(VerifyBody, request)
      const who = yield* caller(tx, request)
      const row = tx.find("m2mTokens", (t) => t.token === body.token)
      // A machine may verify only the tokens that grant access to it.
      if (row === undefined || (who._tag === "Machine" && !row.scopes.includes(who.machine.id))) {
        return yield* Errors.notFound("M2M token")
      }
      const used = tx.put("m2mTokens", { ...row, lastUsedAt: tx.now })
      return Input.ok(Serialize.m2mToken(used, tx.now, false))
    })
}
