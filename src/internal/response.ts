/**
 * From a response to the operation's value or to the tagged error for its status.
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import {
  type ClerkApiError,
  ClerkDecodeError,
  ClerkErrorBody,
  ClerkRateLimited,
  ClerkRequestError,
  ClerkUnexpectedStatus,
  ErrorByStatus,
  type KnownStatus
} from "../ClerkError.js"
import { type Decoder, DecodeFailure, type DecodeResult, isFailure } from "./decode.js"
import type * as Operation from "./operation.js"
import { formatPath } from "./request.js"

/** How much of a non-Clerk error body is kept on the error. */
const MAX_BODY_TEXT = 2_000

/** Statuses every operation can answer with, documented or not. */
const ALWAYS_POSSIBLE: ReadonlyArray<number> = [401, 403, 429]

export const route = (operation: Operation.Any): string => `${operation.method} ${operation.path}`

const decodeErrorBody = Schema.decodeUnknownOption(ClerkErrorBody)

const parseJson = (text: string): Option.Option<unknown> => {
  try {
    return Option.some(JSON.parse(text))
  } catch {
    return Option.none()
  }
}

/** `Retry-After` is seconds or an HTTP date. */
export const parseRetryAfter = (value: string | undefined, now: number): Duration.Duration | undefined => {
  if (value === undefined || value.trim() === "") return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return seconds >= 0 ? Duration.seconds(seconds) : undefined
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Duration.millis(Math.max(0, date - now))
}

const isKnownStatus = (status: number): status is KnownStatus => status in ErrorByStatus

const apiError = (operation: Operation.Any, reply: Reply, now: number): ClerkApiError => {
  const text = reply.body
  const parsed = Option.getOrUndefined(Option.flatMap(parseJson(text), decodeErrorBody))
  const clerkTraceId = parsed?.clerkTraceId ?? reply.headers["clerk-trace-id"] ?? reply.headers["cf-ray"]
  const fields = {
    operation: operation.name,
    route: route(operation),
    status: reply.status,
    errors: parsed?.errors ?? [],
    ...(clerkTraceId === undefined ? {} : { clerkTraceId }),
    // Keep what is not a Clerk error body (a proxy's HTML page, say), bounded, for the one reading the error.
    ...(parsed?.errors !== undefined || text === "" ? {} : { body: text.slice(0, MAX_BODY_TEXT) })
  }
  const status = reply.status
  const declared = operation.errors.some((s) => s === status) || ALWAYS_POSSIBLE.includes(status)
  if (!declared || !isKnownStatus(status)) return new ClerkUnexpectedStatus(fields)
  if (status === 429) {
    const retryAfter = parseRetryAfter(reply.headers["retry-after"], now)
    return new ClerkRateLimited(retryAfter === undefined ? fields : { ...fields, retryAfter })
  }
  return new ErrorByStatus[status](fields)
}

const decodeFailure = (operation: Operation.Any, status: number, path: string, description: string) =>
  new ClerkDecodeError({ operation: operation.name, route: route(operation), status, path, description })

/**
 * A JSON success decoded by `schema` (the hand-written operations): the Schema as a decoder, its first issue
 * (`ArrayFormatter`'s) as the failure.
 */
export const json = <A, E>(schema: Schema.Schema<A, E>): Operation.Success<A> => {
  const decode = Schema.decodeUnknownEither(schema)
  return decoded((input) =>
    Either.match(decode(input), {
      onRight: (value): DecodeResult<A> => value,
      onLeft: (error) => {
        const issue = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
        return new DecodeFailure([...(issue?.path ?? [])], issue?.message ?? "is invalid")
      }
    })
  )
}

/**
 * A JSON success decoded by a generated decoder (schemas/decoders): the value `Schema.decodeUnknown` of the
 * model's Schema gives, in a single pass that is tens of times faster, and without the Schema's code in the
 * bundle. A failure names the first path the Schema would name; the message does not quote the value.
 */
export const decoded = <A>(decoder: Decoder<A>): Operation.Success<A> => ({
  _tag: "Json",
  decode: (operation, status, text) => {
    const body = parseJson(text)
    if (Option.isNone(body)) return Effect.fail(decodeFailure(operation, status, "$", "the body is not JSON"))
    const result = decoder(body.value)
    return isFailure(result)
      ? Effect.fail(decodeFailure(operation, status, formatPath(result.path, "$"), result.message))
      : Effect.succeed(result)
  }
})

/** A success with no body (202, 204). */
export const noContent: Operation.Success<void> = { _tag: "Void", decode: () => Effect.void }

/** A success read as text. */
export const text: Operation.Success<string> = { _tag: "Text", decode: (_, __, body) => Effect.succeed(body) }

/** What the client keeps of a response: its status, its headers and its body. */
export interface Reply {
  readonly status: number
  readonly headers: HttpClientResponse.HttpClientResponse["headers"]
  readonly body: string
}

const utf8 = /*#__PURE__*/ new TextDecoder()

/**
 * The body as text, decoded as `Response.text()` decodes it (UTF-8, a leading BOM dropped, bad bytes
 * replaced).
 *
 * Read as bytes, not through the response's `text`: `@effect/platform` keeps what a response's `text` or
 * `arrayBuffer` gave in an `Effect.cached` it runs at once, one of the holders `handover.ts` describes, so a
 * page's text would be copied into V8's old generation after every call. Its bytes are moved out of the
 * buffer the cache keeps into one nothing keeps, whose memory the next young-generation GC frees (100,000
 * users streamed with `limit: 500`: peak RSS growth 68-71 MB with the bytes left there, 0-35 MB moved out).
 */
const bodyText = (response: HttpClientResponse.HttpClientResponse): Effect.Effect<string, HttpClientError.ResponseError> =>
  Effect.map(response.arrayBuffer, (bytes) => utf8.decode(moved(bytes)))

/** The bytes in a new buffer, the old one emptied; the old one where the runtime cannot move them. */
const moved = (bytes: ArrayBuffer): ArrayBuffer => {
  try {
    return structuredClone(bytes, { transfer: [bytes] })
  } catch {
    return bytes
  }
}

/** The response's status, headers and body text. */
export const readReply = (
  operation: Operation.Any,
  response: HttpClientResponse.HttpClientResponse
): Effect.Effect<Reply, ClerkRequestError> =>
  Effect.mapBoth(bodyText(response), {
    onFailure: () =>
      new ClerkRequestError({
        operation: operation.name,
        route: route(operation),
        reason: "Transport",
        description: "the connection failed while the response was read"
      }),
    // The platform builds the headers anew on each read: only an error status reads them.
    onSuccess: (body): Reply => ({
      status: response.status,
      get headers() {
        return response.headers
      },
      body
    })
  })

/**
 * What a response's body means: the decoded success for a 2xx, the tagged error of its status otherwise.
 */
export const interpret = <A>(
  operation: Operation.Any,
  success: Operation.Success<A>,
  reply: Reply
): Effect.Effect<A, ClerkApiError | ClerkDecodeError> =>
  reply.status >= 200 && reply.status < 300
    ? success.decode(operation, reply.status, reply.body)
    // The clock only matters for a 429's `Retry-After` date: read it on the error path alone.
    : Effect.flatMap(Clock.currentTimeMillis, (now) => Effect.fail(apiError(operation, reply, now)))
