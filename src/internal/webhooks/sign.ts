/**
 * Signing, for tests and local tools: the same algorithm Svix runs when Clerk delivers a webhook, so a
 * request built here verifies with this SDK, with Clerk's `verifyWebhook`, and with `svix`.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import type * as Redacted from "effect/Redacted"
import * as crypto from "./crypto.js"
import type { ClerkWebhookError } from "./error.js"

export interface SignOptions {
  readonly secret: string | Redacted.Redacted<string>
  readonly id?: string | undefined
  readonly timestamp?: Date | number | undefined
  readonly body: string | object
  readonly headerNames?: "svix" | "webhook" | undefined
}

export interface SignedWebhook {
  readonly headers: Record<string, string>
  readonly body: string
}

const freshId = (): string => `msg_${globalThis.crypto.randomUUID().replaceAll("-", "")}`

const seconds = (timestamp: Date | number): number =>
  typeof timestamp === "number" ? Math.floor(timestamp) : Math.floor(timestamp.getTime() / 1000)

export const sign = (options: SignOptions): Effect.Effect<SignedWebhook, ClerkWebhookError> =>
  Effect.gen(function*() {
    const key = yield* crypto.keyFromSecret(options.secret)
    const id = options.id ?? freshId()
    const timestamp = String(
      options.timestamp === undefined ? Math.floor((yield* Clock.currentTimeMillis) / 1000) : seconds(options.timestamp)
    )
    const body = typeof options.body === "string" ? options.body : JSON.stringify(options.body)
    const signature = crypto.formatSignature(yield* crypto.hmac(key, crypto.signedContent(id, timestamp, body)))
    const prefix = options.headerNames === "webhook" ? "webhook" : "svix"
    return {
      headers: {
        [`${prefix}-id`]: id,
        [`${prefix}-timestamp`]: timestamp,
        [`${prefix}-signature`]: signature
      },
      body
    }
  })

export interface SignedRequestOptions extends SignOptions {
  readonly url?: string | undefined
}

export const signedRequest = (options: SignedRequestOptions): Effect.Effect<Request, ClerkWebhookError> =>
  Effect.map(
    sign(options),
    (signed) =>
      new Request(options.url ?? "http://localhost/api/webhooks/clerk", {
        method: "POST",
        headers: { ...signed.headers, "content-type": "application/json" },
        body: signed.body
      })
  )
