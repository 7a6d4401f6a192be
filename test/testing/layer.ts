/**
 * The real SDK (every generated service over the core client) on top of a fresh offline Clerk.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { AllServices } from "../../services/index.js"
import { ClerkTest, type Options } from "../../src/testing/index.js"

export const offline = (options: Options = {}) =>
  Layer.provideMerge(AllServices, ClerkTest.layerClient(options, { retry: false }))

type Provided = Layer.Layer.Success<ReturnType<typeof offline>>

/** Runs an effect against a fresh offline Clerk: each test gets its own world. */
export const fresh = (options: Options = {}) => <A, E>(effect: Effect.Effect<A, E, Provided>) =>
  Effect.provide(effect, offline(options))
