/**
 * Two Backend API operations the cookie path needs that the generated services cannot express, declared
 * by hand in the generator's own format (so the core client sends them with its credentials, retries,
 * timeouts, spans and typed errors):
 *
 * - `GET /clients/handshake_payload?nonce=…`: the spec lists the path with no operation (`{}`).
 * - `POST /sessions/{session_id}/refresh` with `suffixed_cookies`: the spec's `RefreshSession` body has no
 *   such field, so the generated `Sessions.refresh` would drop it and the new cookies would come back
 *   unsuffixed to an app that reads suffixed ones. `@clerk/backend` sends it.
 */
import * as Schema from "effect/Schema"
import * as Operation from "../operation.js"

const HandshakePayloadParams = Schema.Struct({ nonce: Schema.String })

const HandshakePayload = Schema.Struct({ directives: Schema.Array(Schema.String) })

export const GetHandshakePayload = /*#__PURE__*/ Operation.make({
  operationId: "GetHandshakePayload",
  name: "clients.getHandshakePayload",
  method: "GET",
  path: "/clients/handshake_payload",
  input: /*#__PURE__*/ Operation.fromSchema(HandshakePayloadParams),
  queryParams: ["nonce"],
  success: /*#__PURE__*/ Operation.json(HandshakePayload),
  errors: [400, 404]
})

const RefreshSessionParams = Schema.Struct({
  sessionId: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("session_id")),
  expiredToken: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("expired_token")),
  refreshToken: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("refresh_token")),
  requestOrigin: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("request_origin")),
  requestHeaders: Schema.propertySignature(
    Schema.Record({ key: Schema.String, value: Schema.Array(Schema.String) })
  ).pipe(Schema.fromKey("request_headers")),
  suffixedCookies: Schema.propertySignature(Schema.Boolean).pipe(Schema.fromKey("suffixed_cookies")),
  format: Schema.Literal("cookie")
})

/** With `format: cookie`, the new cookies as `Set-Cookie` directives. */
const RefreshedCookies = Schema.Struct({ cookies: Schema.Array(Schema.String) })

export const RefreshSession = /*#__PURE__*/ Operation.make({
  operationId: "RefreshSession",
  name: "sessions.refresh",
  method: "POST",
  path: "/sessions/{session_id}/refresh",
  input: /*#__PURE__*/ Operation.fromSchema(RefreshSessionParams),
  body: "json",
  success: /*#__PURE__*/ Operation.json(RefreshedCookies),
  errors: [400, 401]
})
