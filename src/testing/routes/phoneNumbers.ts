/**
 * Phone numbers: create, read, update (verified, primary, reserved for second factor), delete, one-time-code
 * verification, and replacing all of a user's numbers.
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
  phone_number: Schema.String,
  verified: nullable(Schema.Boolean),
  primary: nullable(Schema.Boolean),
  reserved_for_second_factor: nullable(Schema.Boolean)
})

const UpdateBody = Schema.Struct({
  verified: nullable(Schema.Boolean),
  primary: nullable(Schema.Boolean),
  reserved_for_second_factor: nullable(Schema.Boolean)
})

const AttemptBody = Schema.Struct({ verification_id: Schema.String, code: Schema.String })

const ReplaceBody = Schema.Struct({
  phone_number: Schema.String,
  identification_status: Schema.optional(Schema.Literal("verified", "reserved", "unverified"))
})

const id = (request: Input.RouteRequest) => request.params["phone_number_id"] ?? ""

/**
 * @since 0.1.0
 * @category routes
 */
export const routes: Routes = {
  CreatePhoneNumber: (request, tx) =>
    Effect.gen(function*() {
      const body = yield* Input.body(CreateBody, request)
      const row = yield* Identifications.create(tx, "phone_number", {
        userId: body.user_id,
        value: body.phone_number,
        verified: body.verified === true,
        primary: body.primary === true,
        reservedForSecondFactor: body.reserved_for_second_factor === true
      })
      return Input.ok(Serialize.phoneNumber(row))
    }),
  GetPhoneNumber: (request, tx) =>
    Effect.map(Identifications.find(tx, "phone_number", id(request)), (row) => Input.ok(Serialize.phoneNumber(row))),
  UpdatePhoneNumber: (request, tx) =>
    Effect.gen(function*() {
      const body = yield* Input.body(UpdateBody, request)
      const row = yield* Identifications.find(tx, "phone_number", id(request))
      return Input.ok(Serialize.phoneNumber(
        yield* Identifications.update(tx, row, { ...body, reservedForSecondFactor: body.reserved_for_second_factor })
      ))
    }),
  DeletePhoneNumber: (request, tx) =>
    Effect.gen(function*() {
      const row = yield* Identifications.find(tx, "phone_number", id(request))
      yield* Identifications.remove(tx, row)
      return Input.ok(Serialize.deleted("phone_number", row.id))
    }),
  PreparePhoneNumberVerification: (request, tx) =>
    Effect.gen(function*() {
      yield* Input.noBody(request)
      const row = yield* Identifications.find(tx, "phone_number", id(request))
      return Input.ok(Identifications.prepare(tx, row))
    }),
  AttemptPhoneNumberVerification: (request, tx) =>
    Effect.gen(function*() {
      const body = yield* Input.body(AttemptBody, request)
      const row = yield* Identifications.find(tx, "phone_number", id(request))
      return Input.ok(yield* Identifications.attempt(tx, row, body.verification_id, body.code))
    }),
  ReplaceUserPhoneNumber: (request, tx) =>
    Effect.gen(function*() {
      const body = yield* Input.body(ReplaceBody, request)
      const row = yield* Identifications.replaceAll(
        tx,
        "phone_number",
        request.params["user_id"] ?? "",
        body.phone_number,
        body.identification_status ?? "verified"
      )
      return Input.ok(Serialize.phoneNumber(row))
    })
}
