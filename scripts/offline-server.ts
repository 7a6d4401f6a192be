#!/usr/bin/env -S npx tsx
/**
 * `npm run server` (or the `effect-clerk-offline` bin): the offline Clerk over HTTP on 127.0.0.1, for clients
 * in any language. Prints the URL, the keys and the webhook secret, then serves until SIGINT or SIGTERM.
 *
 *   npm run server -- --port 4100 --seed 1 --webhook-url http://127.0.0.1:3000/api/webhooks/clerk
 *
 * Options: `--port` (or `CLERK_OFFLINE_PORT`, default 4100; 0 for any free port), `--seed`,
 * `--webhook-url` (or `CLERK_OFFLINE_WEBHOOK_URL`; 127.0.0.1 only), `--webhook-secret` (`whsec_…`),
 * `--quiet` (no line per webhook).
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { parseArgs } from "node:util"
import * as OfflineServer from "../src/testing/OfflineServer.js"

const usage = `Usage: effect-clerk-offline [--port 4100] [--seed 1] [--webhook-url http://127.0.0.1:…] [--webhook-secret whsec_…] [--quiet]`

const parsed = (() => {
  try {
    return parseArgs({
      options: {
        port: { type: "string" },
        seed: { type: "string" },
        "webhook-url": { type: "string" },
        "webhook-secret": { type: "string" },
        quiet: { type: "boolean" },
        help: { type: "boolean", short: "h" }
      }
    }).values
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error))
    console.error(usage)
    process.exit(2)
  }
})()

if (parsed.help === true) {
  console.log(usage)
  process.exit(0)
}

const integer = (name: string, value: string | undefined, fallback: number): number => {
  if (value === undefined || value === "") return fallback
  if (!/^\d+$/.test(value)) {
    console.error(`${name} must be a whole number, not ${value}`)
    process.exit(2)
  }
  return Number(value)
}

const port = integer("--port", parsed.port ?? process.env["CLERK_OFFLINE_PORT"], OfflineServer.DEFAULT_PORT)
const seed = integer("--seed", parsed.seed, 1)
const webhookUrl = parsed["webhook-url"] ?? process.env["CLERK_OFFLINE_WEBHOOK_URL"]
const webhookSecret = parsed["webhook-secret"]

const program = Effect.scoped(Effect.gen(function*() {
  const server = yield* OfflineServer.serve({
    port,
    seed,
    webhooks: {
      ...(webhookUrl === undefined || webhookUrl === "" ? {} : { url: webhookUrl }),
      ...(webhookSecret === undefined ? {} : { signingSecret: webhookSecret })
    }
  })
  const clerk = server.clerk
  console.log(`Offline Clerk listening on ${server.url}`)
  console.log(`  API URL          ${server.apiUrl}   (CLERK_API_URL; @clerk/backend takes ${server.url} as apiUrl)`)
  console.log(`  Secret key       sk_test_offline   (any sk_test_… is accepted)`)
  console.log(`  Publishable key  ${clerk.publishableKey}`)
  console.log(`  Issuer           ${clerk.issuer}   (JWKS at ${server.apiUrl}/jwks)`)
  console.log(`  Webhook secret   ${Redacted.value(clerk.webhookSecret)}`)
  if (webhookUrl !== undefined && webhookUrl !== "") console.log(`  Webhooks to      ${webhookUrl}`)
  console.log(`Stop with Ctrl-C.`)
  if (parsed.quiet !== true) {
    yield* Effect.forkScoped(Stream.runForEach(clerk.webhooks, (webhook) =>
      Effect.sync(() => console.log(`webhook ${webhook.type} ${webhook.id}`))))
  }
  return yield* Effect.never
}))

const fiber = Effect.runFork(program)
const stop = () => {
  Effect.runFork(Fiber.interrupt(fiber))
}
process.once("SIGINT", stop)
process.once("SIGTERM", stop)
fiber.addObserver((exit) => {
  if (Exit.isFailure(exit) && !Cause.isInterruptedOnly(exit.cause)) {
    const error = Cause.squash(exit.cause)
    console.error(error instanceof Error ? error.message : String(error))
    process.exit(1)
  }
  console.log("Offline Clerk stopped.")
  process.exit(0)
})
