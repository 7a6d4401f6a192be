/**
 * The emails and text messages the instance would send: the offline Clerk sends none, but raises the
 * `email.created` and `sms.created` webhooks Clerk fires for each, so an application that relays its own
 * messages (or a test that reads the one-time code) sees them.
 */
import type { Tx } from "./tx.js"

const FROM_EMAIL_NAME = "notifications"
const FROM_PHONE_NUMBER = "+15555550000"

export interface Email {
  readonly to: string
  readonly slug: string
  readonly subject: string
  readonly text: string
  readonly userId?: string | null | undefined
  readonly emailAddressId?: string | null | undefined
  readonly data: Readonly<Record<string, unknown>>
}

const escape = (text: string): string =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")

export const email = (tx: Tx, message: Email): void =>
  tx.raise("email.created", {
    object: "email",
    id: tx.id("ema"),
    slug: message.slug,
    from_email_name: FROM_EMAIL_NAME,
    reply_to_email_name: null,
    to_email_address: message.to,
    email_address_id: message.emailAddressId ?? null,
    user_id: message.userId ?? null,
    subject: message.subject,
    body: `<p>${escape(message.text)}</p>`,
    body_plain: message.text,
    status: "queued",
    data: message.data,
    delivered_by_clerk: true
  })

export interface Sms {
  readonly to: string
  readonly slug: string
  readonly text: string
  readonly userId?: string | null | undefined
  readonly phoneNumberId?: string | null | undefined
  readonly data: Readonly<Record<string, unknown>>
}

export const sms = (tx: Tx, message: Sms): void =>
  tx.raise("sms.created", {
    object: "sms_message",
    id: tx.id("sms"),
    slug: message.slug,
    from_phone_number: FROM_PHONE_NUMBER,
    to_phone_number: message.to,
    phone_number_id: message.phoneNumberId ?? null,
    user_id: message.userId ?? null,
    message: message.text,
    status: "queued",
    data: message.data,
    delivered_by_clerk: true,
    created_at_ms: tx.now
  })
