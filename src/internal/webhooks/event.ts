/**
 * The envelope every Clerk webhook shares (`WebhookEventPayload` in the webhooks spec), with `data` left
 * as a record. The generator will write the full union of the 45 event types, each with its own `data`,
 * to `schemas/WebhookEvents.ts`. The verifier takes its schema as a parameter, and both it and the public
 * `Webhooks` module take `WebhookEvent` from here, so the switch is this file becoming
 * `export { WebhookEvent } from "../../../schemas/WebhookEvents.js"` (a schema and a type of that name,
 * with no requirements).
 */
import * as Schema from "effect/Schema"

/** `event_attributes.http_request`: where the action that caused the event came from. */
const HttpRequest = Schema.Struct({
  clientIp: Schema.optional(Schema.String).pipe(Schema.fromKey("client_ip")),
  userAgent: Schema.optional(Schema.String).pipe(Schema.fromKey("user_agent"))
})

/** Optional throughout, as the spec has it: events Clerk raises itself carry no request. */
const EventAttributes = Schema.Struct({
  httpRequest: Schema.optional(HttpRequest).pipe(Schema.fromKey("http_request"))
})

/**
 * A webhook event: `{ object: "event", type: "user.created", data: {...}, timestamp, instance_id }`.
 *
 * `object` and `type` stay open strings: Clerk adds event types, and a verified webhook of a type this
 * version does not know should still reach the application. `timestamp` is the event's creation time as
 * Clerk sends it (unix milliseconds in live traffic; the spec's examples use seconds).
 */
export const WebhookEvent = Schema.Struct({
  object: Schema.String,
  type: Schema.String,
  data: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  timestamp: Schema.Number,
  instanceId: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("instance_id")),
  eventAttributes: Schema.optional(EventAttributes).pipe(Schema.fromKey("event_attributes"))
})

export interface WebhookEvent extends Schema.Schema.Type<typeof WebhookEvent> {}
