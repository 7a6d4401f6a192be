/**
 * Sessions (create for a user, list, read, revoke) and the clients that hold them.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Errors from "../internal/errors.js"
import * as Input from "../internal/input.js"
import * as Listing from "../internal/listing.js"
import type { Routes } from "../internal/router.js"
import * as Serialize from "../internal/serialize.js"
import * as Sessions from "../internal/sessions.js"
import * as SessionTokens from "../internal/sessionTokens.js"
import { Signer } from "../internal/signer.js"
import type { Tx } from "../internal/tx.js"

const CreateBody = Schema.Struct({
  user_id: Schema.String,
  active_organization_id: Schema.optional(Schema.String)
})

const TokenBody = Schema.Struct({
  expires_in_seconds: Input.nullable(Schema.Int.pipe(Schema.between(30, 315_360_000)))
})

const STATUSES = ["abandoned", "active", "ended", "expired", "removed", "replaced", "revoked", "pending"] as const

const create = (request: Input.RouteRequest, tx: Tx) =>
  Effect.gen(function*() {
    const body = yield* Input.body(CreateBody, request)
    const session = yield* Sessions.create(tx, { userId: body.user_id, organizationId: body.active_organization_id })
    return Input.ok(Serialize.session(session))
  })

const list = (request: Input.RouteRequest, tx: Tx) =>
  Effect.gen(function*() {
    const clientId = Input.string(request, "client_id")
    const userId = Input.string(request, "user_id")
    if (clientId === undefined && userId === undefined) return yield* Errors.paramMissing("user_id")
    const status = yield* Input.oneOf(request, "status", STATUSES)
    yield* Input.bool(request, "paginated")
    const page = yield* Listing.page(request)
    const rows = tx.rows("sessions").map((row) => Sessions.current(row, tx.now)).filter((row) =>
      (clientId === undefined || row.clientId === clientId) &&
      (userId === undefined || row.userId === userId) &&
      (status === undefined || row.status === status)
    )
    // Newest first, as the spec says.
    const sorted = Listing.sort(rows, (row) => row.createdAt, true)
    return Input.ok(Listing.slice(sorted, page).map(Serialize.session))
  })

/** Tokens are minted for active sessions only: an ended session has no token to give. */
const activeSession = (tx: Tx, id: string) =>
  Effect.flatMap(Sessions.find(tx, id), (session) =>
    session.status === "active" || session.status === "pending"
      ? Effect.succeed(session)
      : Effect.fail(Errors.notFound("Session")))

const createToken = (request: Input.RouteRequest, tx: Tx) =>
  Effect.gen(function*() {
    const body = yield* Input.body(TokenBody, request)
    const session = yield* activeSession(tx, request.params["session_id"] ?? "")
    const signer = yield* Signer
    const claims = SessionTokens.sessionClaims(tx, session, {
      issuer: signer.issuer,
      expiresInSeconds: SessionTokens.lifetime(undefined, body.expires_in_seconds)
    })
    return Input.ok({ object: "token", jwt: yield* signer.sign(claims) })
  })

const createTokenFromTemplate = (request: Input.RouteRequest, tx: Tx) =>
  Effect.gen(function*() {
    const body = yield* Input.body(TokenBody, request)
    const session = yield* activeSession(tx, request.params["session_id"] ?? "")
    const name = request.params["template_name"] ?? ""
    const template = tx.find("jwtTemplates", (t) => t.name === name)
    if (template === undefined) return yield* Errors.notFound("JWT template")
    const signer = yield* Signer
    const claims = SessionTokens.templateClaims(tx, session, template, {
      issuer: signer.issuer,
      expiresInSeconds: SessionTokens.lifetime(template, body.expires_in_seconds)
    })
    const jwt = template.customSigningKey && template.signingKey !== null
      ? yield* signer.signWith(claims, template.signingAlgorithm, template.signingKey)
      : yield* signer.sign(claims)
    return Input.ok({ object: "token", jwt })
  })

/**
 * @since 0.1.0
 * @category routes
 */
export const routes: Routes = {
  createSession: create,
  GetSessionList: list,
  GetSession: (request, tx) =>
    Effect.map(Sessions.find(tx, request.params["session_id"] ?? ""), (row) => Input.ok(Serialize.session(row))),
  RevokeSession: (request, tx) =>
    Effect.gen(function*() {
      yield* Input.noBody(request)
      const row = yield* Sessions.find(tx, request.params["session_id"] ?? "")
      // Revoking a session that has already ended leaves it as it is.
      const revoked = row.status === "active" || row.status === "pending"
        ? tx.put("sessions", { ...row, status: "revoked", updatedAt: tx.now })
        : row
      return Input.ok(Serialize.session(revoked))
    }),
  CreateSessionToken: createToken,
  CreateSessionTokenFromTemplate: createTokenFromTemplate,
  GetJWKS: () => Effect.flatMap(Signer, (signer) => Effect.map(signer.jwk, (jwk) => Input.ok({ keys: [jwk] }))),
  GetClientList: (request, tx) =>
    Effect.gen(function*() {
      yield* Input.bool(request, "paginated")
      const page = yield* Listing.page(request)
      const clientIds = [...new Set(tx.rows("sessions").map((s) => s.clientId))].reverse()
      return Input.ok(Listing.slice(clientIds, page).flatMap((id) => {
        const client = Serialize.client(tx.world, id)
        return client === undefined ? [] : [client]
      }))
    }),
  GetClient: (request, tx) => {
    const client = Serialize.client(tx.world, request.params["client_id"] ?? "")
    return client === undefined ? Effect.fail(Errors.notFound("Client")) : Effect.succeed(Input.ok(client))
  }
}
