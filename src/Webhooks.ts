/**
 * Verification of the webhooks Clerk sends through Svix: the signature over the raw body, the timestamp
 * against replays, then the payload decoded into a `WebhookEvent`.
 *
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { Webhooks } from "effect-clerk/Webhooks"
 *
 * const handle = (request: Request) =>
 *   Webhooks.verify(request).pipe(
 *     Effect.flatMap((event) => Effect.log(event.type)),
 *     Effect.as(new Response(null, { status: 204 })),
 *     Effect.catchTag("ClerkWebhookError", (e) => Effect.succeed(new Response(e.reason, { status: 400 })))
 *   )
 *
 * // CLERK_WEBHOOK_SIGNING_SECRET from the environment:
 * handle(request).pipe(Effect.provide(Webhooks.Default))
 * ```
 *
 * @since 0.1.0
 */
import type * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import * as error from "./internal/webhooks/error.js"
import * as event from "./internal/webhooks/event.js"
import type * as input from "./internal/webhooks/input.js"
import * as signing from "./internal/webhooks/sign.js"
import * as internal from "./internal/webhooks/verify.js"

/**
 * A webhook that was rejected, with `reason` saying why. It never holds the secret, a signature, or
 * anything from the body.
 *
 * @since 0.1.0
 * @category errors
 */
export const ClerkWebhookError: typeof error.ClerkWebhookError = error.ClerkWebhookError

/**
 * @since 0.1.0
 * @category errors
 */
export type ClerkWebhookError = error.ClerkWebhookError

/**
 * `MissingHeaders | InvalidSecret | InvalidTimestamp | TimestampTooOld | TimestampTooNew |
 * NoMatchingSignature | InvalidBody | InvalidPayload`.
 *
 * @since 0.1.0
 * @category errors
 */
export type ClerkWebhookErrorReason = error.Reason

/**
 * The event envelope: `object`, `type`, `data`, `timestamp`, `instanceId` and the optional
 * `eventAttributes.httpRequest` (`clientIp`, `userAgent`). `data` is a record until the per-type union is
 * generated from the webhooks spec.
 *
 * @since 0.1.0
 * @category models
 */
export const WebhookEvent: typeof event.WebhookEvent = event.WebhookEvent

/**
 * @since 0.1.0
 * @category models
 */
export type WebhookEvent = event.WebhookEvent

/**
 * What `verify` takes: a web `Request`, an `HttpServerRequest`, or `{ headers, body }` with the body
 * exactly as received (bytes or text, never a re-serialised object).
 *
 * @since 0.1.0
 * @category models
 */
export type WebhookInput = input.Input

/**
 * @since 0.1.0
 * @category models
 */
export type RawWebhook = input.RawWebhook

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** `whsec_…`, from the endpoint's page in the Clerk Dashboard. */
  readonly signingSecret: Redacted.Redacted<string>
  /** How far a webhook's timestamp may be from now, either way; default 5 minutes. */
  readonly tolerance?: Duration.DurationInput | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ConfigOptions {
  /** Default `Config.redacted("CLERK_WEBHOOK_SIGNING_SECRET")`. */
  readonly signingSecret?: Config.Config<Redacted.Redacted<string>> | undefined
  /** Default 5 minutes. */
  readonly tolerance?: Config.Config<Duration.DurationInput> | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export type SignOptions = signing.SignOptions

/**
 * @since 0.1.0
 * @category models
 */
export type SignedWebhook = signing.SignedWebhook

/**
 * @since 0.1.0
 * @category models
 */
export type SignedRequestOptions = signing.SignedRequestOptions

/**
 * A layer from plain values. Fails with `InvalidSecret` when the secret is not `whsec_` + base64.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<Webhooks, ClerkWebhookError> =>
  Layer.effect(Webhooks, Effect.map(internal.make(options), Webhooks.make))

/**
 * A layer from `Config`: by default the secret is `CLERK_WEBHOOK_SIGNING_SECRET`, and a missing one is a
 * `ConfigError` when the layer is built.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  options: ConfigOptions = {}
): Layer.Layer<Webhooks, ConfigError.ConfigError | ClerkWebhookError> =>
  Layer.effect(Webhooks, Effect.map(internal.makeFromConfig(options), Webhooks.make))

/**
 * Signs a body as Svix does when Clerk delivers a webhook: for tests, fixtures and local tools. The
 * timestamp defaults to now by Effect's `Clock` (so `TestClock` in tests), in unix seconds when given as a
 * number; the id defaults to a fresh `msg_…`; an object body is `JSON.stringify`'d.
 *
 * @since 0.1.0
 * @category testing
 */
export const sign: (options: SignOptions) => Effect.Effect<SignedWebhook, ClerkWebhookError> = signing.sign

/**
 * `sign`, as a web `Request`: `POST`, `Content-Type: application/json`, to `url` (default
 * `http://localhost/api/webhooks/clerk`).
 *
 * @since 0.1.0
 * @category testing
 */
export const signedRequest: (options: SignedRequestOptions) => Effect.Effect<Request, ClerkWebhookError> =
  signing.signedRequest

/**
 * Verifies Clerk webhooks with one signing secret, imported once as a WebCrypto key when the layer is
 * built.
 *
 * - `Webhooks.verify(input)`: the event, or a `ClerkWebhookError`.
 * - `Webhooks.Default` / `Webhooks.layerConfig()`: the secret from `CLERK_WEBHOOK_SIGNING_SECRET`.
 * - `Webhooks.layer({ signingSecret })`: the secret as a `Redacted` value.
 * - `Webhooks.sign` / `Webhooks.signedRequest`: signed webhooks for tests.
 *
 * Both `svix-*` headers (what Clerk sends) and the Standard Webhooks `webhook-*` names are accepted.
 *
 * @since 0.1.0
 * @category tags
 */
export class Webhooks extends Effect.Service<Webhooks>()("effect-clerk/Webhooks", {
  accessors: true,
  effect: internal.makeFromConfig()
}) {
  /**
   * @since 0.1.0
   * @category layers
   */
  static readonly layer = layer
  /**
   * @since 0.1.0
   * @category layers
   */
  static readonly layerConfig = layerConfig
  /**
   * @since 0.1.0
   * @category testing
   */
  static readonly sign = sign
  /**
   * @since 0.1.0
   * @category testing
   */
  static readonly signedRequest = signedRequest
}
