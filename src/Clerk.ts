/**
 * The layers that provide every Backend API service, and the per-call retry overrides.
 *
 * @since 0.1.0
 */
import * as Layer from "effect/Layer"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as ConfigError from "effect/ConfigError"
import { AllServices, type AllServicesContext } from "../services/index.js"
import type * as ClerkAuth from "./ClerkAuth.js"
import * as ClerkClient from "./ClerkClient.js"
import * as Registry from "./internal/registry.js"
import * as Retry from "./Retry.js"

/**
 * Every service, from plain options, over the `HttpClient` you provide.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: ClerkClient.Options
): Layer.Layer<AllServicesContext | ClerkClient.ClerkClient, never, HttpClient.HttpClient> =>
  Layer.provideMerge(AllServices, ClerkClient.layer(options))

/**
 * Every service, from `Config` (the environment by default), over the `HttpClient` you provide.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  options: ClerkClient.ConfigOptions = {}
): Layer.Layer<AllServicesContext | ClerkClient.ClerkClient, ConfigError.ConfigError, HttpClient.HttpClient> =>
  Layer.provideMerge(AllServices, ClerkClient.layerConfig(options))

/**
 * Every service and `ClerkAuth`, configured from the environment (`CLERK_SECRET_KEY`, optional
 * `CLERK_API_URL`, `CLERK_API_VERSION`; for auth the optional `CLERK_PUBLISHABLE_KEY`, `CLERK_JWT_KEY`,
 * `CLERK_AUTHORIZED_PARTIES`, …), over `fetch`. Provide it once, at the edge of the program.
 *
 * An application that only calls the Backend API needs no auth variables: without a publishable key,
 * `ClerkAuth` still builds and its verifications fail, typed, when attempted.
 *
 * A bundle keeps only what the program names: calling `Users` through `ClerkLive` ships the `Users` service,
 * not the other 41 nor `ClerkAuth` (see src/internal/registry.ts).
 *
 * @since 0.1.0
 * @category layers
 */
export const ClerkLive: Layer.Layer<
  AllServicesContext | ClerkClient.ClerkClient | ClerkAuth.ClerkAuth,
  ConfigError.ConfigError
> = /*#__PURE__*/ Layer.provide(
  /*#__PURE__*/ Layer.provideMerge(
    /*#__PURE__*/ Registry.loadedAuth<ClerkAuth.ClerkAuth>(),
    /*#__PURE__*/ layerConfig()
  ),
  FetchHttpClient.layer
)

/**
 * Runs an effect with its Clerk calls retried by `policy` instead of the layer's.
 *
 * @since 0.1.0
 * @category retries
 */
export const withRetry = Retry.withRetry

/**
 * Runs an effect with its Clerk calls never retried.
 *
 * @since 0.1.0
 * @category retries
 */
export const withoutRetries = Retry.withoutRetries
