/**
 * Sign-in tokens and actor tokens (impersonation): tickets for a user, revocable while pending.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Errors from "../internal/errors.js"
import * as Input from "../internal/input.js"
import * as Organizations from "../internal/organizations.js"
import type { Routes } from "../internal/router.js"
import * as Serialize from "../internal/serialize.js"
import * as Users from "../internal/users.js"

const nullable = Input.nullable

const SignInBody = Schema.Struct({
  user_id: Schema.String,
  org_id: nullable(Schema.String),
  expires_in_seconds: nullable(Schema.Int)
})

const ActorBody = Schema.Struct({
  user_id: Schema.String,
  actor: Input.Metadata,
  expires_in_seconds: Schema.optional(Schema.Int),
  session_max_duration_in_seconds: Schema.optional(Schema.Int)
})

/** Clerk's defaults: a sign-in token lasts 30 days, an actor token an hour, an impersonated session 30 minutes. */
const SIGN_IN_TOKEN_SECONDS = 2_592_000
const ACTOR_TOKEN_SECONDS = 3_600
const ACTOR_SESSION_SECONDS = 1_800

const positive = (value: number, param: string) =>
  value > 0 ? Effect.succeed(value) : Effect.fail(Errors.formatInvalid(param, "a positive number of seconds"))

const notPending = (what: string, status: string) =>
  Errors.badRequest(`${what.replace(/ /g, "_")}_not_pending`, `Only pending ${what}s can be revoked; this one is ${status}.`)

/**
 * @since 0.1.0
 * @category routes
 */
export const routes: Routes = {
  CreateSignInToken: (request, tx) =>
    Effect.gen(function*() {
      const body = yield* Input.body(SignInBody, request)
      const user = yield* Users.find(tx, body.user_id)
      if (body.org_id !== undefined && body.org_id !== null) yield* Organizations.find(tx, body.org_id)
      const seconds = yield* positive(body.expires_in_seconds ?? SIGN_IN_TOKEN_SECONDS, "expires_in_seconds")
      const row = tx.put("signInTokens", {
        id: tx.id("sit"),
        seq: tx.seq(),
        userId: user.id,
        token: tx.token(),
        status: "pending",
        expiresAt: tx.now + seconds * 1000,
        createdAt: tx.now,
        updatedAt: tx.now
      })
      return Input.ok(Serialize.signInToken(row, true))
    }),
  RevokeSignInToken: (request, tx) =>
    Effect.gen(function*() {
      yield* Input.noBody(request)
      const row = tx.get("signInTokens", request.params["sign_in_token_id"] ?? "")
      if (row === undefined) return yield* Errors.notFound("Sign-in token")
      if (row.status !== "pending") return yield* notPending("sign in token", row.status)
      return Input.ok(Serialize.signInToken(tx.put("signInTokens", { ...row, status: "revoked", updatedAt: tx.now }), false))
    }),
  CreateActorToken: (request, tx) =>
    Effect.gen(function*() {
      const body = yield* Input.body(ActorBody, request)
      // The spec documents only 422 here: an unknown user is a bad parameter, not a missing resource.
      if (tx.get("users", body.user_id) === undefined) {
        return yield* Errors.valueInvalid("user_id", "user_id must be the id of an existing user.")
      }
      if (typeof body.actor["sub"] !== "string") return yield* Errors.paramMissing("actor.sub")
      const seconds = yield* positive(body.expires_in_seconds ?? ACTOR_TOKEN_SECONDS, "expires_in_seconds")
      const session = yield* positive(
        body.session_max_duration_in_seconds ?? ACTOR_SESSION_SECONDS,
        "session_max_duration_in_seconds"
      )
      const row = tx.put("actorTokens", {
        id: tx.id("act"),
        seq: tx.seq(),
        userId: body.user_id,
        actor: body.actor,
        token: tx.token(),
        status: "pending",
        expiresAt: tx.now + seconds * 1000,
        sessionMaxDurationSeconds: session,
        createdAt: tx.now,
        updatedAt: tx.now
      })
      return Input.ok(Serialize.actorToken(row, true))
    }),
  RevokeActorToken: (request, tx) =>
    Effect.gen(function*() {
      yield* Input.noBody(request)
      const row = tx.get("actorTokens", request.params["actor_token_id"] ?? "")
      if (row === undefined) return yield* Errors.notFound("Actor token")
      if (row.status !== "pending") return yield* notPending("actor token", row.status)
      return Input.ok(Serialize.actorToken(tx.put("actorTokens", { ...row, status: "revoked", updatedAt: tx.now }), false))
    })
}
