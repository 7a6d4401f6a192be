/**
 * How the examples run: against Clerk when `CLERK_SECRET_KEY` is set, otherwise against the offline Clerk
 * (`effect-clerk/testing`), an in-memory Backend API seeded with a few users. The program is the same.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { AllServices, type AllServicesContext } from "../../services/index.js"
import { Users } from "../../services/Users.js"
import * as Clerk from "../../src/Clerk.js"
import type * as ClerkClient from "../../src/ClerkClient.js"
import type * as Retry from "../../src/Retry.js"
import { ClerkTest } from "../../src/testing/index.js"

/** True when the examples talk to a real Clerk instance. */
export const live = (process.env["CLERK_SECRET_KEY"] ?? "") !== ""

const sampleUsers = ["ada", "grace", "alan", "edsger", "barbara"].map((name, i) => ({
  emailAddress: [`${name}+clerk_test@example.com`],
  firstName: name.charAt(0).toUpperCase() + name.slice(1),
  externalId: `example-${i + 1}`,
  skipPasswordRequirement: true
}))

/** The offline Clerk starts empty: a few users make the examples say something. */
const seed = Effect.forEach(sampleUsers, (user) => Users.create(user), { discard: true })

const layer = (retry: Retry.Policy | undefined): Layer.Layer<AllServicesContext | ClerkClient.ClerkClient, unknown> =>
  live
    ? Clerk.layerConfig(retry === undefined ? {} : { retry }).pipe(Layer.provide(FetchHttpClient.layer))
    : Layer.provideMerge(AllServices, ClerkTest.layerClient({}, retry === undefined ? {} : { retry }))

/**
 * Runs an example: provides the layer, seeds the offline Clerk, prints logs plainly, and exits non-zero on
 * failure with the error's message (which never holds the secret key).
 */
export const runExample = <A, E>(
  program: Effect.Effect<A, E, AllServicesContext | ClerkClient.ClerkClient>,
  options: { readonly retry?: Retry.Policy } = {}
): void => {
  const main = (live ? program : Effect.zipRight(seed, program)).pipe(
    Effect.provide(layer(options.retry)),
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
