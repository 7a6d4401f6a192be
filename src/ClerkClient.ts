/**
 * The core client: turns an operation description and the caller's input into a request, sends it with
 * credentials, retries and a timeout, and decodes the answer into a value or a tagged error.
 *
 * @since 0.1.0
 */
import type * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import type * as Stream from "effect/Stream"
import type * as HttpClient from "@effect/platform/HttpClient"
import type { CommonError, ErrorOfStatus, KnownStatus } from "./ClerkError.js"
import type * as Operation from "./internal/operation.js"
import type * as Retry from "./Retry.js"
import * as internal from "./internal/client.js"
import * as internalSecretKey from "./internal/secretKey.js"

/**
 * The input of a `…Stream` method: the list's parameters without `offset` (the stream walks the pages
 * itself); `limit` is the page size.
 *
 * @since 0.1.0
 * @category models
 */
export type StreamInput<I> = Omit<I, "offset" | "startingAfter">

/**
 * @since 0.1.0
 * @category models
 */
export interface ClerkClientService {
  /** Sends one operation and decodes its answer. */
  readonly execute: <I, A, S extends KnownStatus>(
    operation: Operation.Operation<I, A, S>,
    input: I
  ) => Effect.Effect<A, ErrorOfStatus<S> | CommonError>
  /** Walks every page of a list operation, lazily. */
  readonly stream: <I, A, S extends KnownStatus>(
    operation: Operation.Operation<I, A, S>,
    input: StreamInput<I>
  ) => Stream.Stream<Operation.Item<A>, ErrorOfStatus<S> | CommonError>
}

/**
 * The core client the generated services are built on.
 *
 * @since 0.1.0
 * @category tags
 */
export class ClerkClient extends Context.Tag("effect-clerk/ClerkClient")<ClerkClient, ClerkClientService>() {}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** `sk_live_…` / `sk_test_…`. */
  readonly secretKey: Redacted.Redacted<string>
  /** Default `https://api.clerk.com/v1`. */
  readonly apiUrl?: string | undefined
  /** Sent as `Clerk-API-Version`; default `2026-05-12`, the version the SDK was generated from. */
  readonly apiVersion?: string | undefined
  /** Default `effect-clerk/<version>`. */
  readonly userAgent?: string | undefined
  /** The retry policy: `false` for none, options for the default `Schedule`, or a `Schedule` of your own. */
  readonly retry?: Retry.Policy | undefined
  /** Per attempt; default 30 seconds. */
  readonly timeout?: Duration.DurationInput | undefined
}

/**
 * The options of `layerConfig`: each one a `Config`, read when the layer is built. Every one defaults to
 * the environment (`CLERK_SECRET_KEY`, `CLERK_API_URL`, `CLERK_API_VERSION`) or to the plain default.
 *
 * @since 0.1.0
 * @category models
 */
export interface ConfigOptions {
  readonly secretKey?: Config.Config<Redacted.Redacted<string>> | undefined
  readonly apiUrl?: Config.Config<string> | undefined
  readonly apiVersion?: Config.Config<string> | undefined
  readonly userAgent?: Config.Config<string> | undefined
  readonly timeout?: Config.Config<Duration.Duration> | undefined
  /** A policy is code, not configuration text, so it is given as a plain value. */
  readonly retry?: Retry.Policy | undefined
}

/**
 * Builds the client from an `HttpClient` in context.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: (options: Options) => Effect.Effect<ClerkClientService, never, HttpClient.HttpClient> =
  internal.make

/**
 * A layer from plain values.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<ClerkClient, never, HttpClient.HttpClient> =>
  Layer.effect(ClerkClient, make(options))

/**
 * A layer from `Config` values. Every option defaults to the environment: `CLERK_SECRET_KEY`,
 * `CLERK_API_URL`, `CLERK_API_VERSION`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  options: ConfigOptions = {}
): Layer.Layer<ClerkClient, ConfigError.ConfigError, HttpClient.HttpClient> =>
  Layer.effect(ClerkClient, internal.makeFromConfig(options))

/**
 * The secret key for the calls of one effect, overriding the layer's.
 *
 * @since 0.1.0
 * @category context
 */
export const CurrentSecretKey = internalSecretKey.CurrentSecretKey

/**
 * Runs `effect` with its Clerk calls authenticated by `secretKey` instead of the layer's: for the M2M
 * operations, which want a machine's secret key (`ak_…`) rather than the instance's.
 *
 * @since 0.1.0
 * @category combinators
 */
export const withSecretKey = (secretKey: Redacted.Redacted<string>) =>
<A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.provideService(effect, CurrentSecretKey, Option.some(secretKey))
