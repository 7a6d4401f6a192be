/**
 * How the examples run: against Clerk when `CLERK_SECRET_KEY` is set, otherwise against the offline Clerk
 * (`effect-clerk/testing`), an in-memory Backend API that also mints real session tokens and signs
 * webhooks. The program is the same either way.
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Redacted from "effect/Redacted"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { AllServices, type AllServicesContext } from "../../services/index.js"
import { Users } from "../../services/Users.js"
import * as Clerk from "../../src/Clerk.js"
import { ClerkAuth } from "../../src/ClerkAuth.js"
import * as ClerkAuthLive from "../../src/ClerkAuthLive.js"
import type * as ClerkClient from "../../src/ClerkClient.js"
import type * as Retry from "../../src/Retry.js"
import { Webhooks } from "../../src/Webhooks.js"
import { ClerkTest, OfflineClerk } from "../../src/testing/index.js"

/** True when the examples talk to a real Clerk instance. */
export const live = (process.env["CLERK_SECRET_KEY"] ?? "") !== ""

/**
 * A webhook to verify: offline, the last one the fake signed for the changes the example made; against Clerk
 * (whose webhooks go to your endpoint, not here), a `user.created` signed here with a throwaway secret.
 */
export class SampleWebhook extends Context.Tag("examples/SampleWebhook")<
  SampleWebhook,
  Effect.Effect<{ readonly headers: Record<string, string>; readonly body: string }>
>() {}

/** What every example may use. */
export type ExampleContext = AllServicesContext | ClerkClient.ClerkClient | ClerkAuth | Webhooks | SampleWebhook

const throwawaySecret = Redacted.make(`whsec_${btoa("a throwaway secret for the quickstart")}`)

const liveLayer = (retry: Retry.Policy | undefined): Layer.Layer<ExampleContext, unknown> =>
  Layer.mergeAll(
    Layer.provideMerge(ClerkAuthLive.layerConfig(), Clerk.layerConfig(retry === undefined ? {} : { retry })).pipe(
      Layer.provide(FetchHttpClient.layer)
    ),
    Webhooks.layer({ signingSecret: throwawaySecret }),
    Layer.succeed(
      SampleWebhook,
      Webhooks.sign({ secret: throwawaySecret, body: { type: "user.created", object: "event", data: {}, timestamp: Date.now(), instance_id: "ins_example" } }).pipe(Effect.orDie)
    )
  )

const offlineLayer = (retry: Retry.Policy | undefined): Layer.Layer<ExampleContext, unknown> => {
  const clerk = Layer.provideMerge(AllServices, ClerkTest.layerClient({}, retry === undefined ? {} : { retry }))
  const fromFake = Layer.unwrapEffect(Effect.map(OfflineClerk, (fake) =>
    Layer.mergeAll(
      // The fake's publishable key pins the issuer of the tokens it mints; its JWKS comes through the API.
      ClerkAuth.layer({ publishableKey: fake.publishableKey }).pipe(Layer.provide(ClerkAuthLive.jwksSource)),
      Webhooks.layer({ signingSecret: fake.webhookSecret }),
      Layer.succeed(
        SampleWebhook,
        Effect.map(fake.emittedWebhooks, (all) => all[all.length - 1] ?? { headers: {}, body: "" })
      )
    )))
  return Layer.provideMerge(fromFake, clerk)
}

/**
 * Runs an example: provides the layer, prints logs plainly, and exits non-zero on failure with the error's
 * message (which never holds the secret key).
 */
export const runExample = <A, E>(
  program: Effect.Effect<A, E, ExampleContext>,
  options: { readonly retry?: Retry.Policy; readonly seed?: boolean } = {}
): void => {
  const main = (live || options.seed === false ? program : Effect.zipRight(seed, program)).pipe(
    Effect.provide(live ? liveLayer(options.retry) : offlineLayer(options.retry)),
    Effect.provide(Logger.replace(Logger.defaultLogger, Logger.make(({ message }) => {
      console.log([message].flat().join(" "))
    })))
  )
  Effect.runPromiseExit(main).then((exit) => {
    if (exit._tag === "Failure") {
      console.error(String(exit.cause))
      process.exitCode = 1
    }
  })
}

const sampleUsers = ["ada", "grace", "alan", "edsger", "barbara"].map((name, i) => ({
  emailAddress: [`${name}+clerk_test@example.com`],
  firstName: name.charAt(0).toUpperCase() + name.slice(1),
  externalId: `example-${i + 1}`,
  skipPasswordRequirement: true
}))

/** The offline Clerk starts empty: a few users make the smaller examples say something. */
const seed = Effect.forEach(sampleUsers, (user) => Users.create(user), { discard: true })
