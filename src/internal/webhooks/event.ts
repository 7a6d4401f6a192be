/**
 * The event schema the verifier decodes with: the union of the webhooks spec's event types, generated into
 * `schemas/WebhookEvents.ts`, each with a literal `type` and its own `data`, plus `UnknownWebhookEvent` for
 * a type newer than the spec (its `data` a record). The verifier takes its schema as a parameter; this
 * module is the one place that says which.
 *
 * `timestamp` is the event's creation time as Clerk sends it: unix milliseconds in live traffic, although
 * the spec's examples use seconds.
 */
export { WebhookEvent } from "../../../schemas/WebhookEvents.js"
