/**
 * Email addresses: create, read, update (verified, primary), delete, one-time-code verification, and
 * replacing all of a user's addresses.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Identifications from "../internal/identifications.js"
import * as Input from "../internal/input.js"
import type { Routes } from "../internal/router.js"
import * as Serialize from "../internal/serialize.js"

const nullable = Input.nullable

const CreateBody = Schema.Struct({
  user_id: Schema.String,
  email_address: Schema.String,
  verified: nullable(Schema.Boolean),
  primary: nullable(Schema.Boolean),
  notify_primary_email_address_changed: nullable(Schema.Boolean)
})

const UpdateBody = Schema.Struct({
  verified: nullable(Schema.Boolean),
  primary: nullable(Schema.Boolean),
  notify_primary_email_address_changed: nullable(Schema.Boolean)
})

const AttemptBody = Schema.Struct({ verification_id: Schema.String, code: Schema.String })

const ReplaceBody = Schema.Struct({
  email_address: Schema.String,
  identification_status: Schema.optional(Schema.Literal("verified", "reserved", "unverified")),
  notify_primary_email_address_changed: nullable(Schema.Boolean)
})

const id = (request: Input.RouteRequest) => request.params["email_address_id"] ?? ""

/**
 * @since 0.1.0
 * @category routes
 */
export const routes: Routes = {
  CreateEmailAddress: (request, tx) =>
    Effect.gen(function*() {
      const body = yield* Input.body(CreateBody, request)
      const row = yield* Identifications.create(tx, "email_address", {
        userId: body.user_id,
        value: body.email_address,
        verified: body.verified === true,
        primary: body.primary === true
      })
      return Input.ok(Serialize.emailAddress(row))
    }),
  GetEmailAddress: (request, tx) =>
    Effect.map(Identifications.find(tx, "email_address", id(request)), (row) => Input.ok(Serialize.emailAddress(row))),
  UpdateEmailAddress: (request, tx) =>
    Effect.gen(function*() {
      const body = yield* Input.body(UpdateBody, request)
      const row = yield* Identifications.find(tx, "email_address", id(request))
      return Input.ok(Serialize.emailAddress(yield* Identifications.update(tx, row, body)))
    }),
  DeleteEmailAddress: (request, tx) =>
    Effect.gen(function*() {
      const row = yield* Identifications.find(tx, "email_address", id(request))
      yield* Identifications.remove(tx, row)
      return Input.ok(Serialize.deleted("email_address", row.id))
    }),
  PrepareEmailAddressVerification: (request, tx) =>
    Effect.gen(function*() {
      yield* Input.noBody(request)
      const row = yield* Identifications.find(tx, "email_address", id(request))
      return Input.ok(Identifications.prepare(tx, row))
    }),
  AttemptEmailAddressVerification: (request, tx) =>
    Effect.gen(function*() {
      const body = yield* Input.body(AttemptBody, request)
      const row = yield* Identifications.find(tx, "email_address", id(request))
      return Input.ok(yield* Identifications.attempt(tx, row, body.verification_id, body.code))
    }),
  ReplaceUserEmailAddress: (request, tx) =>
    Effect.gen(function*() {
      const body = yield* Input.body(ReplaceBody, request)
      const row = yield* Identifications.replaceAll(
        tx,
        "email_address",
        request.params["user_id"] ?? "",
        body.email_address,
        body.identification_status ?? "verified"
      )
      return Input.ok(Serialize.emailAddress(row))
    })
}
