/**
 * The generated webhook events (schemas/WebhookEvents.ts), through `Webhooks.sign` and `Webhooks.verify`:
 * every example of the webhooks spec decodes into its own event type, `type` narrows `data`, a type the
 * spec does not have decodes as `UnknownWebhookEvent`, and a known type with a malformed payload fails.
 *
 * The spec is read at test time (from ../shared/clerk-openapi/, like the contract tests), so a new event or
 * example is covered the day the spec has it.
 */
import { existsSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Encoding from "effect/Encoding"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"
import { parse } from "yaml"
import type { User } from "../schemas/Models.js"
import * as Events from "../schemas/WebhookEvents.js"
import { Webhooks, type WebhookEvent } from "../src/Webhooks.js"

const SPEC = fileURLToPath(new URL("../../shared/clerk-openapi/webhooks-2025-04-15.yml", import.meta.url))

const SECRET = `whsec_${Encoding.encodeBase64(new Uint8Array(32).map((_, i) => (i * 37 + 11) % 256))}`
/** Unix seconds: the `timestamp` of every example in the spec, and the TestClock's time when signing. */
const NOW = 1_716_883_200

const WebhooksTest = Webhooks.layer({ signingSecret: Redacted.make(SECRET) })

/** Signed now by the TestClock, then verified: what a handler would get. */
const deliver = (body: unknown) =>
  Effect.gen(function*() {
    yield* TestClock.setTime(NOW * 1000)
    const signed = yield* Webhooks.sign({ secret: SECRET, body: JSON.stringify(body) })
    return yield* Webhooks.verify(signed)
  }).pipe(Effect.provide(WebhooksTest))

const ExampleRef = Schema.Struct({ $ref: Schema.String })

/** The parts of the webhooks spec these tests read. */
const WebhooksSpec = Schema.Struct({
  "x-webhooks": Schema.Record({
    key: Schema.String,
    value: Schema.Struct({
      post: Schema.Struct({
        operationId: Schema.String,
        requestBody: Schema.Struct({
          content: Schema.Struct({
            "application/json": Schema.Struct({
              example: Schema.optional(Schema.Unknown),
              examples: Schema.optional(Schema.Record({ key: Schema.String, value: ExampleRef }))
            })
          })
        })
      })
    })
  }),
  components: Schema.Struct({
    examples: Schema.Record({ key: Schema.String, value: Schema.Struct({ value: Schema.Unknown }) })
  })
})

interface Example {
  readonly type: string
  /** `example` in the event itself, or `examples` referring to `components/examples`. */
  readonly where: "inline" | "components"
  readonly body: unknown
}

const available = existsSync(SPEC)

const spec = available ? Schema.decodeUnknownSync(WebhooksSpec)(parse(readFileSync(SPEC, "utf8"))) : undefined

const eventTypes: ReadonlyArray<string> = Object.keys(spec?.["x-webhooks"] ?? {}).sort()

const examples: ReadonlyArray<Example> = Object.entries(spec?.["x-webhooks"] ?? {}).flatMap(([type, item]) => {
  const media = item.post.requestBody.content["application/json"]
  const referred = Object.values(media.examples ?? {}).map((ref): Example => {
    const name = ref.$ref.replace("#/components/examples/", "")
    const example = spec?.components.examples[name]
    if (example === undefined) throw new Error(`${type}: dangling example ${ref.$ref}`)
    return { type, where: "components", body: example.value }
  })
  return media.example === undefined ? referred : [{ type, where: "inline", body: media.example }, ...referred]
})

const WireEnvelope = Schema.Struct({ type: Schema.String, instance_id: Schema.String })

describe.runIf(available)("the webhooks spec's events", () => {
  it("are all in the union, each once, named by operationId", () => {
    expect(eventTypes).toHaveLength(45)
    for (const [type, item] of Object.entries(spec?.["x-webhooks"] ?? {})) expect(item.post.operationId).toBe(type)
    expect([...Events.WebhookEventType.literals].sort()).toEqual(eventTypes)
    // One member per event type, and UnknownWebhookEvent.
    expect(Events.WebhookEvent.members).toHaveLength(eventTypes.length + 1)
    expect(new Set(Events.WebhookEvent.members).size).toBe(eventTypes.length + 1)
  })

  it("have an example each: 27 in the event, 18 (session.*, subscription*.*) under components/examples", () => {
    expect(examples.filter((e) => e.where === "inline")).toHaveLength(27)
    expect(examples.filter((e) => e.where === "components")).toHaveLength(18)
    expect(new Set(examples.map((e) => e.type)).size).toBe(eventTypes.length)
    for (const example of examples) expect(Schema.decodeUnknownSync(WireEnvelope)(example.body).type).toBe(example.type)
  })

  for (const example of examples) {
    it.effect(`${example.type}: its example decodes into its own event type`, () =>
      Effect.gen(function*() {
        const wire = Schema.decodeUnknownSync(WireEnvelope)(example.body)
        const event = yield* deliver(example.body)
        expect(event.type).toBe(example.type)
        expect(event.instanceId).toBe(wire.instance_id)
        // Not the fallback: the event type's own schema decoded it, `data` included.
        expect(Events.isKnownWebhookEvent(event)).toBe(true)
        expect(Schema.is(Events.UnknownWebhookEvent)(event)).toBe(false)
        const own = Events.KnownWebhookEvent.members.find((member) => member.fields.type.literals[0] === example.type)
        expect(own).toBeDefined()
        // (Through its AST: TypeScript cannot call a decoder on a union of 45 schema types.)
        const decodeOwn = own === undefined ? undefined : Schema.decodeUnknownSync(Schema.make<unknown>(own.ast))
        expect(event).toEqual(decodeOwn?.(example.body))
      }))
  }
})

describe("WebhookEvent", () => {
  const user = {
    object: "user",
    id: "user_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
    external_id: null,
    primary_email_address_id: null,
    primary_phone_number_id: null,
    primary_web3_wallet_id: null,
    username: null,
    first_name: "Ada",
    last_name: "Lovelace",
    image_url: "https://img.clerk.com/xxxxxx",
    has_image: false,
    public_metadata: {},
    private_metadata: {},
    unsafe_metadata: {},
    email_addresses: [],
    phone_numbers: [],
    web3_wallets: [],
    passkeys: [],
    password_enabled: false,
    two_factor_enabled: false,
    totp_enabled: false,
    backup_code_enabled: false,
    mfa_enabled_at: null,
    mfa_disabled_at: null,
    external_accounts: [],
    saml_accounts: [],
    enterprise_accounts: [],
    last_sign_in_at: null,
    banned: false,
    locked: false,
    lockout_expires_in_seconds: null,
    verification_attempts_remaining: null,
    updated_at: 1_716_883_200_000,
    created_at: 1_716_883_200_000,
    delete_self_enabled: true,
    create_organization_enabled: true,
    last_active_at: null,
    legal_accepted_at: null
  }
  const envelope = { object: "event", timestamp: 1_716_883_200_000, instance_id: "ins_2abc" }

  it.effect("decodes user.created's data as a User, camelCase", () =>
    Effect.gen(function*() {
      const event = yield* deliver({ ...envelope, type: "user.created", data: user })
      expect(event.type).toBe("user.created")
      if (!Events.isKnownWebhookEvent(event) || event.type !== "user.created") return expect.unreachable()
      expect(event.data.firstName).toBe("Ada")
      expect(event.data.emailAddresses).toEqual([])
    }))

  it.effect("decodes a type it does not know as an UnknownWebhookEvent, data untouched", () =>
    Effect.gen(function*() {
      const data = { id: "tel_123", beamed_to: "mars", nested: { snake_case: true } }
      const event = yield* deliver({ ...envelope, type: "user.teleported", data })
      expect(Schema.is(Events.UnknownWebhookEvent)(event)).toBe(true)
      const type: string = event.type
      expect(type).toBe("user.teleported")
      expect(event.data).toEqual(data)
      expect(event.instanceId).toBe("ins_2abc")
    }))

  it.effect("fails a known type whose data does not decode, rather than passing it as unknown", () =>
    Effect.gen(function*() {
      const partial = yield* Effect.flip(deliver({ ...envelope, type: "user.created", data: { id: "user_1" } }))
      expect(partial.reason).toBe("InvalidPayload")
      expect(partial.description).toMatch(/^the payload is not a webhook event: \$\.data\./)
      const banned = { ...user, banned: "no" }
      const wrongType = yield* Effect.flip(deliver({ ...envelope, type: "user.created", data: banned }))
      expect(wrongType.reason).toBe("InvalidPayload")
      expect(wrongType.description).toBe("the payload is not a webhook event: $.data.banned has the wrong type")
      const notAnObject = yield* Effect.flip(deliver({ ...envelope, type: "session.created", data: [] }))
      expect(notAnObject.reason).toBe("InvalidPayload")
    }))

  it.effect("fails an envelope without type, whatever its data", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(deliver({ ...envelope, data: {} }))
      expect(error.reason).toBe("InvalidPayload")
    }))

  it("narrows data by type, once isKnownWebhookEvent has set the unknown events aside", () => {
    const handle = (event: WebhookEvent) => {
      // An unknown event's type is any other string, which TypeScript cannot tell from a known literal.
      if (event.type === "user.created") {
        expectTypeOf(event).toEqualTypeOf<Events.UserCreatedEvent | Events.UnknownWebhookEvent>()
      }
      if (!Events.isKnownWebhookEvent(event)) {
        expectTypeOf(event).toEqualTypeOf<Events.UnknownWebhookEvent>()
        expectTypeOf(event.data).toEqualTypeOf<{ readonly [key: string]: unknown }>()
        return
      }
      switch (event.type) {
        case "user.created":
          expectTypeOf(event).toEqualTypeOf<Events.UserCreatedEvent>()
          expectTypeOf(event.data).toEqualTypeOf<User>()
          break
        case "session.created":
          expectTypeOf(event.data).toEqualTypeOf<Events.SessionEventPayload>()
          expectTypeOf(event.data.user).toEqualTypeOf<User>()
          break
        case "organization.deleted":
          expectTypeOf(event.data).toEqualTypeOf<Events.WebhookDeletedObject>()
          break
        default: {
          type Rest = Exclude<Events.WebhookEventType, "user.created" | "session.created" | "organization.deleted">
          expectTypeOf(event.type).toEqualTypeOf<Rest>()
        }
      }
    }
    expectTypeOf(handle).toBeFunction()
    expectTypeOf<Events.KnownWebhookEvent["type"]>().toEqualTypeOf<Events.WebhookEventType>()
    expectTypeOf<WebhookEvent>().toEqualTypeOf<Events.KnownWebhookEvent | Events.UnknownWebhookEvent>()
  })
})
