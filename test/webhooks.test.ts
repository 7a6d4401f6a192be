import { createHmac } from "node:crypto"
import { verifyWebhook } from "@clerk/backend/webhooks"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import { describe, expect, it, vi } from "@effect/vitest"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Encoding from "effect/Encoding"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import {
  type ClerkWebhookError,
  type ClerkWebhookErrorReason,
  type SignOptions,
  type WebhookInput,
  Webhooks
} from "../src/Webhooks.js"

// The Standard Webhooks / Svix test secret: its known answer is checked below.
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
const SECRET_BASE64 = "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
const OTHER_SECRET = `whsec_${Encoding.encodeBase64(new Uint8Array(24).fill(7))}`
const NOW = 1_716_883_200 // unix seconds
const EMAIL = "ada.lovelace@example.com"

// A type the generated union does not know, so the event decodes as an `UnknownWebhookEvent` and `data` stays
// the record these tests compare; the typed events (`user.created` → `User`) are in webhook-events.test.ts.
const event = {
  object: "event",
  type: "user.teleported",
  data: {
    id: "user_29w83sxmDNGwOuEthce5gg56FcC",
    object: "user",
    email_addresses: [{ id: "idn_29w83yL7CwVlJXylYLxcslromF1", email_address: EMAIL }],
    public_metadata: { plan: "pro" }
  },
  event_attributes: { http_request: { client_ip: "203.0.113.7", user_agent: "Mozilla/5.0" } },
  timestamp: 1_716_883_200_000,
  instance_id: "ins_2abc"
}
const BODY = JSON.stringify(event)

const WebhooksTest = Webhooks.layer({ signingSecret: Redacted.make(SECRET) })

const verify = (input: WebhookInput, layer: Layer.Layer<Webhooks, ClerkWebhookError> = WebhooksTest) =>
  Webhooks.verify(input).pipe(Effect.provide(layer))

/** The error a verification fails with (the test fails if it succeeds). */
const rejection = (input: WebhookInput, layer?: Layer.Layer<Webhooks, ClerkWebhookError>) =>
  Effect.flip(verify(input, layer))

const setNow = (seconds: number) => TestClock.setTime(seconds * 1000)

/** Signed at NOW with SECRET unless told otherwise. */
const signed = (options: Partial<SignOptions> = {}) =>
  Webhooks.sign({ secret: SECRET, id: "msg_2ZMLb7Gb1Xbq3Zf6", timestamp: NOW, body: BODY, ...options })

const expectReason = (error: ClerkWebhookError, reason: ClerkWebhookErrorReason) => {
  expect(error._tag).toBe("ClerkWebhookError")
  expect(error.reason).toBe(reason)
}

/** An independent signer: node:crypto, with nothing shared with the SDK. */
const nodeSignature = (secret: string, id: string, timestamp: string, body: string) =>
  `v1,${
    createHmac("sha256", Buffer.from(secret.replace(/^whsec_/, ""), "base64"))
      .update(`${id}.${timestamp}.${body}`)
      .digest("base64")
  }`

describe("Webhooks.verify: valid webhooks", () => {
  it.effect("accepts svix-* headers and decodes the envelope into camelCase", () =>
    Effect.gen(function*() {
      yield* setNow(NOW)
      const { body, headers } = yield* signed()
      expect(Object.keys(headers).sort()).toEqual(["svix-id", "svix-signature", "svix-timestamp"])
      const verified = yield* verify({ headers, body })
      expect(verified).toEqual({
        object: "event",
        type: "user.teleported",
        data: event.data,
        timestamp: 1_716_883_200_000,
        instanceId: "ins_2abc",
        eventAttributes: { httpRequest: { clientIp: "203.0.113.7", userAgent: "Mozilla/5.0" } }
      })
    }))

  it.effect("accepts the Standard Webhooks webhook-* headers", () =>
    Effect.gen(function*() {
      yield* setNow(NOW)
      const { body, headers } = yield* signed({ headerNames: "webhook" })
      expect(Object.keys(headers).sort()).toEqual(["webhook-id", "webhook-signature", "webhook-timestamp"])
      const verified = yield* verify({ headers, body })
      expect(verified.type).toBe("user.teleported")
    }))

  it.effect("accepts a web Request, an HttpServerRequest, and raw bytes with a Headers object", () =>
    Effect.gen(function*() {
      yield* setNow(NOW)
      const request = yield* Webhooks.signedRequest({ secret: SECRET, body: event })
      expect(request.method).toBe("POST")
      expect(request.headers.get("content-type")).toBe("application/json")
      expect((yield* verify(request)).instanceId).toBe("ins_2abc")

      const serverRequest = HttpServerRequest.fromWeb(yield* Webhooks.signedRequest({ secret: SECRET, body: event }))
      expect((yield* verify(serverRequest)).instanceId).toBe("ins_2abc")

      const { body, headers } = yield* signed()
      const bytes = new TextEncoder().encode(body)
      expect((yield* verify({ headers: new Headers(headers), body: bytes })).instanceId).toBe("ins_2abc")
    }))

  it.effect("reads header names case-insensitively from a plain record and trims values", () =>
    Effect.gen(function*() {
      yield* setNow(NOW)
      const { body, headers } = yield* signed()
      const record = {
        "Svix-Id": ` ${headers["svix-id"]} `,
        "SVIX-TIMESTAMP": headers["svix-timestamp"],
        "svix-signature": `${headers["svix-signature"]}\t`
      }
      expect((yield* verify({ headers: record, body })).type).toBe("user.teleported")
    }))

  it.effect("accepts a header with several signatures when one of them matches", () =>
    Effect.gen(function*() {
      yield* setNow(NOW)
      const { body, headers } = yield* signed()
      const good = headers["svix-signature"]
      const other = `v1,${Encoding.encodeBase64(new Uint8Array(32).fill(1))}`
      const short = `v1,${Encoding.encodeBase64(new Uint8Array(16))}`
      const header = `${other} ${short} v1,not*base64 ${good} v1,${Encoding.encodeBase64(new Uint8Array(32))}`
      expect((yield* verify({ headers: { ...headers, "svix-signature": header }, body })).type).toBe("user.teleported")
    }))

  it.effect("ignores entries of an unknown version, even when their value is the right MAC", () =>
    Effect.gen(function*() {
      yield* setNow(NOW)
      const { body, headers } = yield* signed()
      const good = headers["svix-signature"] ?? ""
      const v2 = good.replace(/^v1,/, "v2,")
      const error = yield* rejection({ headers: { ...headers, "svix-signature": v2 }, body })
      expectReason(error, "NoMatchingSignature")
      // …and a v2 entry next to a matching v1 one does no harm.
      const both = `${v2} ${good}`
      expect((yield* verify({ headers: { ...headers, "svix-signature": both }, body })).type).toBe("user.teleported")
    }))

  it.effect("accepts a timestamp exactly at the tolerance, either way", () =>
    Effect.gen(function*() {
      const { body, headers } = yield* signed()
      yield* setNow(NOW + 300)
      yield* verify({ headers, body })
      yield* setNow(NOW - 300)
      yield* verify({ headers, body })
    }))

  it.effect("takes a custom tolerance", () =>
    Effect.gen(function*() {
      const layer = Webhooks.layer({ signingSecret: Redacted.make(SECRET), tolerance: "10 minutes" })
      const { body, headers } = yield* signed()
      yield* setNow(NOW + 599)
      yield* verify({ headers, body }, layer)
      yield* setNow(NOW + 601)
      expectReason(yield* rejection({ headers, body }, layer), "TimestampTooOld")
    }))

  it.effect("signs with the Clock's time by default (TestClock here)", () =>
    Effect.gen(function*() {
      yield* setNow(NOW + 42)
      const { headers } = yield* Webhooks.sign({ secret: SECRET, body: "{}" })
      expect(headers["svix-timestamp"]).toBe(String(NOW + 42))
      expect(headers["svix-id"]).toMatch(/^msg_[0-9a-f]{32}$/)
    }))

  it.effect("imports the key once per layer build, not per webhook", () =>
    Effect.gen(function*() {
      yield* setNow(NOW)
      const webhooks = yield* Effect.all([signed(), signed({ id: "msg_2" }), signed({ id: "msg_3" })])
      const importKey = vi.spyOn(globalThis.crypto.subtle, "importKey")
      try {
        yield* Effect.forEach(webhooks, (webhook) => Webhooks.verify(webhook)).pipe(Effect.provide(WebhooksTest))
        expect(importKey).toHaveBeenCalledTimes(1)
      } finally {
        importKey.mockRestore()
      }
    }))
})

describe("Webhooks.verify: failures", () => {
  const svix = ["svix-id", "svix-timestamp", "svix-signature"] as const
  for (const name of svix) {
    it.effect(`names a missing ${name}`, () =>
      Effect.gen(function*() {
        yield* setNow(NOW)
        const { body, headers } = yield* signed()
        const { [name]: _removed, ...rest } = headers
        const error = yield* rejection({ headers: rest, body })
        expectReason(error, "MissingHeaders")
        expect(error.description).toBe(
          `missing webhook header(s): ${name} (or the webhook-id, webhook-timestamp, webhook-signature set)`
        )
      }))
  }

  it.effect("names every missing header at once, an empty value counting as missing", () =>
    Effect.gen(function*() {
      yield* setNow(NOW)
      const error = yield* rejection({ headers: { "svix-id": "msg_1", "svix-timestamp": "  " }, body: BODY })
      expectReason(error, "MissingHeaders")
      expect(error.description).toContain("svix-timestamp, svix-signature")
      const none = yield* rejection({ headers: {}, body: BODY })
      expect(none.message).toContain("svix-id, svix-timestamp, svix-signature")
      expect(none.message).toContain("webhook-id")
    }))

  it.effect("names the webhook-* header missing from a webhook-* set", () =>
    Effect.gen(function*() {
      yield* setNow(NOW)
      const { body, headers } = yield* signed({ headerNames: "webhook" })
      const { "webhook-signature": _removed, ...rest } = headers
      const error = yield* rejection({ headers: rest, body })
      expectReason(error, "MissingHeaders")
      expect(error.description).toBe("missing webhook header(s): webhook-signature")
    }))

  it.effect("rejects a timestamp older than the tolerance", () =>
    Effect.gen(function*() {
      const { body, headers } = yield* signed()
      yield* setNow(NOW + 301)
      const error = yield* rejection({ headers, body })
      expectReason(error, "TimestampTooOld")
      expect(error.description).toContain("301 s ago")
    }))

  it.effect("rejects a timestamp in the future beyond the tolerance", () =>
    Effect.gen(function*() {
      const { body, headers } = yield* signed()
      yield* setNow(NOW - 301)
      const error = yield* rejection({ headers, body })
      expectReason(error, "TimestampTooNew")
      expect(error.description).toContain("301 s ahead")
    }))

  it.effect("rejects a timestamp that is not whole seconds", () =>
    Effect.gen(function*() {
      yield* setNow(NOW)
      const { body, headers } = yield* signed()
      for (const timestamp of ["17168832OO", `${NOW}.5`, `-${NOW}`, `${NOW}abc`, "1e9"]) {
        const error = yield* rejection({ headers: { ...headers, "svix-timestamp": timestamp }, body })
        expectReason(error, "InvalidTimestamp")
      }
    }))

  it.effect("rejects a body altered by one byte", () =>
    Effect.gen(function*() {
      yield* setNow(NOW)
      const { body, headers } = yield* signed()
      const bytes = new TextEncoder().encode(body)
      bytes[bytes.length - 3] = (bytes[bytes.length - 3] ?? 0) ^ 1
      expectReason(yield* rejection({ headers, body: bytes }), "NoMatchingSignature")
      expectReason(yield* rejection({ headers, body: body.replace("pro", "Pro") }), "NoMatchingSignature")
    }))

  it.effect("rejects a changed id or timestamp (both are signed)", () =>
    Effect.gen(function*() {
      yield* setNow(NOW)
      const { body, headers } = yield* signed()
      expectReason(yield* rejection({ headers: { ...headers, "svix-id": "msg_other" }, body }), "NoMatchingSignature")
      const timestamp = String(NOW + 1)
      expectReason(
        yield* rejection({ headers: { ...headers, "svix-timestamp": timestamp }, body }),
        "NoMatchingSignature"
      )
    }))

  it.effect("rejects a webhook signed with another secret", () =>
    Effect.gen(function*() {
      yield* setNow(NOW)
      const { body, headers } = yield* signed({ secret: OTHER_SECRET })
      expectReason(yield* rejection({ headers, body }), "NoMatchingSignature")
    }))

  it.effect("fails the layer build, not each webhook, for a secret that is not base64", () =>
    Effect.gen(function*() {
      yield* setNow(NOW)
      const { body, headers } = yield* signed()
      for (const secret of ["whsec_not*base64!", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS", "whsec_", ""]) {
        const layer = Webhooks.layer({ signingSecret: Redacted.make(secret) })
        expectReason(yield* rejection({ headers, body }, layer), "InvalidSecret")
        expectReason(yield* Effect.flip(Webhooks.sign({ secret, body: "{}" })), "InvalidSecret")
      }
    }))

  it.effect("accepts a bare base64 secret, without the whsec_ prefix", () =>
    Effect.gen(function*() {
      yield* setNow(NOW)
      const { body, headers } = yield* signed()
      yield* verify({ headers, body }, Webhooks.layer({ signingSecret: Redacted.make(SECRET_BASE64) }))
    }))

  it.effect("rejects a correctly signed body that is not JSON", () =>
    Effect.gen(function*() {
      yield* setNow(NOW)
      const notJson = yield* signed({ body: `not json <${EMAIL}>` })
      expectReason(yield* rejection(notJson), "InvalidBody")
      const notUtf8 = new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]) // {"\xff":1}
      const id = "msg_bytes"
      const headers = {
        "svix-id": id,
        "svix-timestamp": String(NOW),
        "svix-signature": `v1,${
          createHmac("sha256", Buffer.from(SECRET_BASE64, "base64"))
            .update(Buffer.concat([Buffer.from(`${id}.${NOW}.`), notUtf8]))
            .digest("base64")
        }`
      }
      expectReason(yield* rejection({ headers, body: notUtf8 }), "InvalidBody")
    }))

  it.effect("rejects a correctly signed JSON body that is not an event", () =>
    Effect.gen(function*() {
      yield* setNow(NOW)
      // A known type: for an unknown one the union's first complaint is `$.type` (not one of the known types).
      const error = yield* rejection(yield* signed({ body: { ...event, type: "user.created", instance_id: undefined } }))
      expectReason(error, "InvalidPayload")
      expect(error.description).toBe("the payload is not a webhook event: $.instance_id is missing")
      const array = yield* rejection(yield* signed({ body: "[]" }))
      expectReason(array, "InvalidPayload")
    }))

  it.effect("fails a Request whose body was already read with InvalidBody", () =>
    Effect.gen(function*() {
      yield* setNow(NOW)
      const request = yield* Webhooks.signedRequest({ secret: SECRET, body: event })
      yield* Effect.promise(() => request.text())
      expectReason(yield* rejection(request), "InvalidBody")
    }))

  it.effect("never puts the secret, a signature or the body in the error", () =>
    Effect.gen(function*() {
      yield* setNow(NOW)
      const { body, headers } = yield* signed()
      const signature = headers["svix-signature"] ?? ""
      const signatureBase64 = signature.slice(3)
      // The wrong-type value is an email: Schema's own message would quote it.
      const badPayload = JSON.stringify({ ...event, timestamp: EMAIL })
      const badSecret = `whsec_${EMAIL}`
      const errors: Array<ClerkWebhookError> = [
        yield* rejection({ headers: { ...headers, "svix-id": "" }, body }),
        yield* rejection({ headers: { ...headers, "svix-timestamp": `${NOW}${EMAIL}` }, body }),
        yield* rejection({ headers, body: body.replace("pro", "Pro") }),
        yield* rejection({ headers: { ...headers, "svix-signature": `v1,${signatureBase64.slice(1)}x` }, body }),
        yield* rejection(yield* signed({ body: `{"email": "${EMAIL}"` })),
        yield* rejection(yield* signed({ body: badPayload })),
        yield* rejection(yield* signed({ body: { ...event, data: EMAIL } })),
        yield* rejection({ headers, body }, Webhooks.layer({ signingSecret: Redacted.make(badSecret) })),
        yield* Effect.flip(Webhooks.sign({ secret: badSecret, body }))
      ]
      yield* setNow(NOW + 3600)
      errors.push(yield* rejection({ headers, body }))
      yield* setNow(NOW - 3600)
      errors.push(yield* rejection({ headers, body }))

      expect(new Set(errors.map((e) => e.reason))).toEqual(
        new Set([
          "MissingHeaders",
          "InvalidTimestamp",
          "NoMatchingSignature",
          "InvalidBody",
          "InvalidPayload",
          "InvalidSecret",
          "TimestampTooOld",
          "TimestampTooNew"
        ])
      )
      const forbidden = [SECRET, SECRET_BASE64, badSecret, signature, signatureBase64, body, badPayload, EMAIL]
      for (const error of errors) {
        const renderings = [String(error), JSON.stringify(error), error.message, error.description, error.stack ?? ""]
        for (const text of renderings) {
          for (const secret of forbidden) {
            expect(text).not.toContain(secret)
          }
        }
      }
    }))

  it.effect("is a tagged error that catchTag can name", () =>
    Effect.gen(function*() {
      yield* setNow(NOW)
      const reason = yield* verify({ headers: {}, body: BODY }).pipe(
        Effect.as("verified"),
        Effect.catchTag("ClerkWebhookError", (e) => Effect.succeed(e.reason))
      )
      expect(reason).toBe("MissingHeaders")
    }))
})

describe("Webhooks configuration", () => {
  const withEnv = (env: Record<string, string>) =>
    Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))

  it.effect("reads CLERK_WEBHOOK_SIGNING_SECRET through Config (Webhooks.Default)", () =>
    Effect.gen(function*() {
      yield* setNow(NOW)
      const webhook = yield* signed()
      const event = yield* Webhooks.verify(webhook).pipe(
        Effect.provide(Webhooks.Default.pipe(Layer.provide(withEnv({ CLERK_WEBHOOK_SIGNING_SECRET: SECRET }))))
      )
      expect(event.type).toBe("user.teleported")
    }))

  it.effect("fails the layer build with a ConfigError when the secret is missing", () =>
    Effect.gen(function*() {
      let verified = false
      const error = yield* Webhooks.verify({ headers: {}, body: BODY }).pipe(
        Effect.tap(() => Effect.sync(() => {
          verified = true
        })),
        Effect.provide(Webhooks.Default.pipe(Layer.provide(withEnv({})))),
        Effect.flip
      )
      expect(verified).toBe(false)
      expect(ConfigError.isConfigError(error)).toBe(true)
      expect(String(error)).toContain("CLERK_WEBHOOK_SIGNING_SECRET")
    }))

  it.effect("layerConfig takes other Config sources for the secret and the tolerance", () =>
    Effect.gen(function*() {
      const layer = Webhooks.layerConfig({
        signingSecret: Config.redacted("MY_SECRET"),
        tolerance: Config.duration("MY_TOLERANCE")
      }).pipe(Layer.provide(withEnv({ MY_SECRET: SECRET, MY_TOLERANCE: "1 minute" })))
      const webhook = yield* signed()
      yield* setNow(NOW + 60)
      expect((yield* Webhooks.verify(webhook).pipe(Effect.provide(layer))).type).toBe("user.teleported")
      yield* setNow(NOW + 61)
      const error = yield* Webhooks.verify(webhook).pipe(Effect.provide(layer), Effect.flip)
      expect(error._tag === "ClerkWebhookError" && error.reason).toBe("TimestampTooOld")
    }))
})

describe("Webhooks cross-checks", () => {
  it.effect("matches the Standard Webhooks known answer", () =>
    Effect.gen(function*() {
      const { headers } = yield* Webhooks.sign({
        secret: SECRET,
        id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
        timestamp: 1614265330,
        body: `{"test": 2432232314}`
      })
      expect(headers["svix-signature"]).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }))

  it.effect("verifies a signature made by node:crypto", () =>
    Effect.gen(function*() {
      yield* setNow(NOW)
      const id = "msg_independent"
      const headers = {
        "svix-id": id,
        "svix-timestamp": String(NOW),
        "svix-signature": nodeSignature(SECRET, id, String(NOW), BODY)
      }
      expect((yield* verify({ headers, body: BODY })).type).toBe("user.teleported")
      expect(nodeSignature(SECRET, id, String(NOW), BODY)).toBe((yield* signed({ id })).headers["svix-signature"])
    }))

  it.effect("signs requests that @clerk/backend's verifyWebhook accepts", () =>
    Effect.gen(function*() {
      // Clerk's verifier reads Date.now(), not our Clock: sign at the real time.
      const request = yield* Webhooks.signedRequest({ secret: SECRET, body: event, timestamp: new Date() })
      const verified = yield* Effect.promise(() => verifyWebhook(request, { signingSecret: SECRET }))
      expect(verified.type).toBe("user.teleported")
      expect(verified.instance_id).toBe("ins_2abc")
      expect(verified.data).toEqual(event.data)
    }))
})
