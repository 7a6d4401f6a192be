/**
 * A Clerk webhook receiver: `POST /api/webhooks/clerk`, verified with `Webhooks.verify` (signature over the
 * raw body, timestamp tolerance), answered 204, or 400 with the reason.
 *
 *   npx tsx examples/webhook-receiver.ts
 *     Demo: makes up a signing secret, starts the receiver on 127.0.0.1, signs a sample `user.created`
 *     webhook with `Webhooks.signedRequest`, sends it (and a tampered copy), prints what happened, exits.
 *
 *   CLERK_WEBHOOK_SIGNING_SECRET=whsec_… PORT=3000 npx tsx examples/webhook-receiver.ts
 *     Receives your instance's webhooks (through a tunnel to 127.0.0.1) until Ctrl-C.
 */
import { randomBytes } from "node:crypto"
import { pathToFileURL } from "node:url"
import * as Effect from "effect/Effect"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Redacted from "effect/Redacted"
import { Webhooks } from "../src/Webhooks.js"
import { serve, type Server } from "./support/nodeHttp.js"

export const PATH = "/api/webhooks/clerk"

/** Starts the receiver; `onEvent` sees each verified event's type. */
export const start = async (
  signingSecret: Redacted.Redacted<string>,
  options: { readonly port?: number; readonly onEvent?: (type: string) => void } = {}
): Promise<Server> => {
  const runtime = ManagedRuntime.make(Webhooks.layer({ signingSecret }))
  const handle = (request: Request): Effect.Effect<Response, never, Webhooks> => {
    if (request.method !== "POST" || new URL(request.url).pathname !== PATH) {
      return Effect.succeed(new Response(null, { status: 404 }))
    }
    return Webhooks.verify(request).pipe(
      Effect.tap((event) => Effect.sync(() => options.onEvent?.(event.type))),
      Effect.as(new Response(null, { status: 204 })),
      Effect.catchTag("ClerkWebhookError", (error) => Effect.succeed(Response.json({ reason: error.reason }, { status: 400 })))
    )
  }
  const server = await serve((request) => runtime.runPromise(handle(request)), { port: options.port ?? 0 })
  return {
    url: server.url,
    close: async () => {
      await server.close()
      await runtime.dispose()
    }
  }
}

/** A `user.created` event as Clerk sends it (snake_case, every field of the user). */
export const sampleEvent = {
  type: "user.created",
  object: "event",
  timestamp: 1_750_000_000_000,
  instance_id: "ins_example",
  event_attributes: { http_request: { client_ip: "127.0.0.1", user_agent: "example" } },
  data: {
    object: "user",
    id: "user_example",
    external_id: null,
    primary_email_address_id: null,
    primary_phone_number_id: null,
    primary_web3_wallet_id: null,
    username: null,
    first_name: "Ada",
    last_name: "Lovelace",
    image_url: "https://img.clerk.com/example",
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
    password_last_updated_at: null,
    external_accounts: [],
    saml_accounts: [],
    enterprise_accounts: [],
    organization_memberships: [],
    last_sign_in_at: null,
    banned: false,
    locked: false,
    lockout_expires_in_seconds: null,
    verification_attempts_remaining: 100,
    updated_at: 1_750_000_000_000,
    created_at: 1_750_000_000_000,
    delete_self_enabled: true,
    create_organization_enabled: true,
    create_organizations_limit: null,
    last_active_at: null,
    legal_accepted_at: null
  }
}

const main = async () => {
  const configured = process.env["CLERK_WEBHOOK_SIGNING_SECRET"] ?? ""
  if (configured !== "") {
    const server = await start(Redacted.make(configured), {
      port: Number(process.env["PORT"] ?? 3000),
      onEvent: (type) => console.log(`received ${type}`)
    })
    console.log(`receiving webhooks on ${server.url}${PATH}`)
    process.once("SIGINT", () => void server.close().then(() => process.exit(0)))
    return
  }
  const secret = `whsec_${randomBytes(24).toString("base64")}`
  const server = await start(Redacted.make(secret), { onEvent: (type) => console.log(`verified event: ${type}`) })
  try {
    const signed = await Effect.runPromise(Webhooks.signedRequest({ secret, body: sampleEvent, url: `${server.url}${PATH}` }))
    const body = await signed.clone().text()
    const response = await fetch(signed, { signal: AbortSignal.timeout(5_000) })
    console.log(`signed webhook: ${response.status} ${await response.text()}`)
    // The same headers over a body changed by one character.
    const tampered = await fetch(`${server.url}${PATH}`, {
      method: "POST",
      headers: signed.headers,
      body: body.replace("Ada", "Adb"),
      signal: AbortSignal.timeout(5_000)
    })
    console.log(`tampered webhook: ${tampered.status} ${await tampered.text()}`)
  } finally {
    await server.close()
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error))
    process.exitCode = 1
  })
}
