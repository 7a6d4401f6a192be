/**
 * The one failure of webhook verification. It lives here, not in `Webhooks.ts`, so the internal modules can
 * build it without importing the public module that imports them.
 */
import * as Schema from "effect/Schema"

/**
 * Why a webhook was rejected.
 *
 * - `MissingHeaders`: one or more of the id, timestamp and signature headers is absent or empty.
 * - `InvalidSecret`: the signing secret is not `whsec_` followed by non-empty base64.
 * - `InvalidTimestamp`: the timestamp header is not a whole number of seconds.
 * - `TimestampTooOld` / `TimestampTooNew`: the timestamp is outside the tolerance (a replay, or a skewed clock).
 * - `NoMatchingSignature`: no `v1` signature matches the body: a forged or altered webhook, or the wrong secret.
 * - `InvalidBody`: the body could not be read, or is not UTF-8 JSON.
 * - `InvalidPayload`: the JSON is not a webhook event.
 */
export const Reason = Schema.Literal(
  "MissingHeaders",
  "InvalidSecret",
  "InvalidTimestamp",
  "TimestampTooOld",
  "TimestampTooNew",
  "NoMatchingSignature",
  "InvalidBody",
  "InvalidPayload"
)

export type Reason = Schema.Schema.Type<typeof Reason>

/**
 * A webhook that was not verified, or not decoded. The description names headers, counts and JSON paths,
 * never the secret, a signature, or anything from the body (bodies hold emails and phone numbers): callers
 * log these errors, and logs outlive the webhook.
 */
export class ClerkWebhookError extends Schema.TaggedError<ClerkWebhookError>()("ClerkWebhookError", {
  reason: Reason,
  description: Schema.String
}) {
  override get message(): string {
    return `${this.reason}: ${this.description}`
  }
}

/** @internal */
export const fail = (reason: Reason, description: string): ClerkWebhookError =>
  new ClerkWebhookError({ reason, description })
