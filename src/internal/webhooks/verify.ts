/**
 * The verifier: headers, timestamp, signature, then JSON and the event schema, in that order, so that
 * nothing from an unauthenticated body is parsed.
 */
import * as Clock from "effect/Clock"
import type * as ConfigError from "effect/ConfigError"
import * as Config from "effect/Config"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type { ConfigOptions, Options } from "../../Webhooks.js"
import * as crypto from "./crypto.js"
import { type ClerkWebhookError, fail } from "./error.js"
// The envelope for now; `event.ts` becomes a re-export of the generated union of the 45 events.
import { WebhookEvent } from "./event.js"
import * as input from "./input.js"

export interface Service {
  readonly verify: (request: input.Input) => Effect.Effect<WebhookEvent, ClerkWebhookError>
}

/** Svix's and Standard Webhooks' default, and the only value Clerk's SDK allows. */
export const DEFAULT_TOLERANCE: Duration.DurationInput = "5 minutes"

/**
 * Whole seconds, digits only. Stricter than `standardwebhooks`, whose `parseInt` reads `"12abc"` as 12;
 * the signed content uses the header exactly as sent, so there is nothing to gain from reading more.
 * Sixteen digits is far past any date and still an exact JavaScript number.
 */
const TIMESTAMP = /^\d{1,16}$/

const checkTimestamp = (header: string, toleranceSeconds: number): Effect.Effect<void, ClerkWebhookError> => {
  if (!TIMESTAMP.test(header)) {
    return Effect.fail(fail("InvalidTimestamp", "the timestamp header is not a number of seconds"))
  }
  const timestamp = Number(header)
  return Effect.flatMap(Clock.currentTimeMillis, (millis) => {
    const now = Math.floor(millis / 1000)
    const tolerance = `the tolerance is ${toleranceSeconds} s`
    if (now - timestamp > toleranceSeconds) {
      const age = now - timestamp
      return Effect.fail(fail("TimestampTooOld", `the webhook was signed ${age} s ago; ${tolerance}`))
    }
    if (timestamp - now > toleranceSeconds) {
      const lead = timestamp - now
      return Effect.fail(fail("TimestampTooNew", `the webhook is dated ${lead} s ahead; ${tolerance}`))
    }
    return Effect.void
  })
}

/** `fatal`: a body that is not UTF-8 is rejected rather than parsed with replacement characters in it. */
const utf8 = new TextDecoder("utf-8", { fatal: true })

/**
 * `JSON.parse`'s own message quotes the text around the fault, which is the body: it is dropped.
 */
const parseJson = (body: string | Uint8Array): Either.Either<unknown, ClerkWebhookError> => {
  try {
    return Either.right(JSON.parse(typeof body === "string" ? body : utf8.decode(body)))
  } catch {
    return Either.left(fail("InvalidBody", "the body is not UTF-8 JSON"))
  }
}

/**
 * Where the payload went wrong, and how, without the offending value (`Expected string, actual
 * "ada@example.com"` would put an email in a log).
 */
const describeIssue = (error: ParseResult.ParseError): string => {
  const issue = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
  if (issue === undefined) {
    return "the payload is not a webhook event"
  }
  const path = issue.path.map((key) => (typeof key === "number" ? `[${key}]` : `.${String(key)}`)).join("")
  const what = issue._tag === "Missing"
    ? "is missing"
    : issue._tag === "Unexpected"
    ? "is not allowed"
    : "has the wrong type"
  return `the payload is not a webhook event: $${path} ${what}`
}

/**
 * A verifier whose events `schema` decodes. The decoder is built once here, not per webhook.
 */
export const verifier = <A, I>(
  key: CryptoKey,
  toleranceSeconds: number,
  schema: Schema.Schema<A, I>
) => {
  const decode = Schema.decodeUnknownEither(schema)
  return (request: input.Input): Effect.Effect<A, ClerkWebhookError> =>
    Effect.gen(function*() {
      const headers = yield* input.signatureHeaders(request)
      yield* Effect.annotateCurrentSpan("webhook.id", headers.id)
      yield* checkTimestamp(headers.timestamp, toleranceSeconds)
      const body = yield* input.body(request)
      const expected = yield* crypto.hmac(key, crypto.signedContent(headers.id, headers.timestamp, body))
      if (!crypto.matchesAny(headers.signature, expected)) {
        return yield* fail("NoMatchingSignature", "no v1 signature in the signature header matches the body")
      }
      const json = yield* parseJson(body)
      return yield* Either.mapLeft(decode(json), (error) => fail("InvalidPayload", describeIssue(error)))
    }).pipe(Effect.withSpan("clerk.webhooks.verify"))
}

/**
 * Imports the key once, here, for every webhook the service will verify. A tolerance that is not a
 * valid duration is a defect, like any other malformed `DurationInput`.
 */
export const make = (options: Options): Effect.Effect<Service, ClerkWebhookError> =>
  Effect.map(crypto.keyFromSecret(options.signingSecret), (key) => ({
    verify: verifier(key, Duration.toSeconds(options.tolerance ?? DEFAULT_TOLERANCE), WebhookEvent)
  }))

export const makeFromConfig = (
  options: ConfigOptions = {}
): Effect.Effect<Service, ConfigError.ConfigError | ClerkWebhookError> =>
  Effect.flatMap(
    Config.all({
      signingSecret: options.signingSecret ?? Config.redacted("CLERK_WEBHOOK_SIGNING_SECRET"),
      tolerance: options.tolerance ?? Config.succeed(DEFAULT_TOLERANCE)
    }),
    make
  )
