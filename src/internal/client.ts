import * as Effect from "effect/Effect"
import type * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as HttpClient from "@effect/platform/HttpClient"
import type { ClerkClientService, Options } from "../ClerkClient.js"

export const make = (_options: Options): Effect.Effect<ClerkClientService, never, HttpClient.HttpClient> =>
  Effect.map(HttpClient.HttpClient, () => ({ execute: () => Effect.dieMessage("TODO"), stream: () => Effect.dieMessage("TODO") as never }))

export const makeFromConfig = (
  _options: Partial<Config.Config.Wrap<Options>>
): Effect.Effect<ClerkClientService, ConfigError.ConfigError, HttpClient.HttpClient> => make({} as Options)
