/**
 * Reading the three signature headers and the raw body from whatever the caller holds: a web `Request`,
 * an `@effect/platform` `HttpServerRequest`, or headers and body of its own.
 */
import * as Effect from "effect/Effect"
import type * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import { type ClerkWebhookError, fail } from "./error.js"

/**
 * Headers and raw body, from a framework that has already read them (`express.raw()`, a queue message).
 * The body must be the bytes (or text) exactly as received: a re-serialised `JSON.parse` result will not
 * verify.
 */
export interface RawWebhook {
  readonly headers: Headers | Readonly<Record<string, string | undefined>>
  readonly body: string | Uint8Array
}

/** What `verify` takes. */
export type Input = Request | HttpServerRequest.HttpServerRequest | RawWebhook

/**
 * `HttpServerRequest`'s type id, spelled out rather than imported: importing the value would pull the
 * platform's server request module (multipart, sockets) into every bundle that verifies webhooks.
 */
const ServerRequestTypeId = Symbol.for("@effect/platform/HttpServerRequest")

const isServerRequest = (input: Input): input is HttpServerRequest.HttpServerRequest =>
  ServerRequestTypeId in input

/** The headers as delivered. */
export interface SignatureHeaders {
  readonly id: string
  readonly timestamp: string
  readonly signature: string
}

/**
 * Clerk sends Svix's names; the Standard Webhooks names are the same scheme, and accepting them lets the
 * same code sit behind a proxy or a queue that forwards them (Clerk's own `verifyWebhook` does not).
 */
const SVIX = { id: "svix-id", timestamp: "svix-timestamp", signature: "svix-signature" } as const
const STANDARD = { id: "webhook-id", timestamp: "webhook-timestamp", signature: "webhook-signature" } as const
type Names = typeof SVIX | typeof STANDARD

type Lookup = (name: string) => string | undefined

const lookupIn = (headers: Headers | Readonly<Record<string, string | undefined>>): Lookup => {
  if (headers instanceof Headers) {
    return (name) => headers.get(name) ?? undefined
  }
  return (name) => {
    const exact = headers[name]
    if (exact !== undefined) {
      return exact
    }
    // A hand-built record may spell names as `Svix-Id`; HTTP header names are case-insensitive.
    for (const key of Object.keys(headers)) {
      if (key.toLowerCase() === name) {
        return headers[key]
      }
    }
    return undefined
  }
}

/** Trimmed, as Clerk's SDK does; an empty value counts as missing. */
const read = (lookup: Lookup, name: string): string | undefined => {
  const value = lookup(name)?.trim()
  return value === undefined || value === "" ? undefined : value
}

/**
 * One set or the other, never a mix: the Svix set when any of its headers is present (that is what Clerk
 * sends), else the Standard Webhooks set when any of those is. A missing header is named from the set in
 * use, all of them at once, so one failed delivery is enough to see everything a proxy stripped.
 */
export const signatureHeaders = (input: Input): Effect.Effect<SignatureHeaders, ClerkWebhookError> => {
  const lookup = lookupIn(input.headers)
  const present = (names: Names) =>
    read(lookup, names.id) !== undefined ||
    read(lookup, names.timestamp) !== undefined ||
    read(lookup, names.signature) !== undefined
  const names: Names = !present(SVIX) && present(STANDARD) ? STANDARD : SVIX
  const id = read(lookup, names.id)
  const timestamp = read(lookup, names.timestamp)
  const signature = read(lookup, names.signature)
  if (id !== undefined && timestamp !== undefined && signature !== undefined) {
    return Effect.succeed({ id, timestamp, signature })
  }
  const missing = [
    id === undefined ? names.id : undefined,
    timestamp === undefined ? names.timestamp : undefined,
    signature === undefined ? names.signature : undefined
  ].filter((name) => name !== undefined)
  const alternative = names === SVIX ? " (or the webhook-id, webhook-timestamp, webhook-signature set)" : ""
  return Effect.fail(fail("MissingHeaders", `missing webhook header(s): ${missing.join(", ")}${alternative}`))
}

const unreadable = () => fail("InvalidBody", "the request body could not be read")

/**
 * The raw body. A `Request`'s or `HttpServerRequest`'s body is read as bytes, not text: `text()` would
 * replace invalid UTF-8 before the signature is checked, and cost a decode the JSON step repeats anyway.
 */
export const body = (input: Input): Effect.Effect<string | Uint8Array, ClerkWebhookError> => {
  if (input instanceof Request) {
    return Effect.tryPromise({
      try: () => input.arrayBuffer(),
      catch: unreadable
    }).pipe(Effect.map((buffer) => new Uint8Array(buffer)))
  }
  if (isServerRequest(input)) {
    return input.arrayBuffer.pipe(
      Effect.mapError(unreadable),
      Effect.map((buffer) => new Uint8Array(buffer))
    )
  }
  return Effect.succeed(input.body)
}
