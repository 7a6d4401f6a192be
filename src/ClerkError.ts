/**
 * The failures of a Backend API call, one tagged class per HTTP status, so that `Effect.catchTag` can name
 * each one. Every class is prefixed with `Clerk` so it never collides with an application's own `NotFound`.
 *
 * None of them ever holds the secret key, a token, or a query string (query strings carry emails): they
 * name the operation (`users.get`) and its route template (`GET /users/{user_id}`) instead.
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Schema from "effect/Schema"

/**
 * One entry of Clerk's `errors` array (`ClerkError` in the spec).
 *
 * @since 0.1.0
 * @category models
 */
export const ClerkErrorDetail = Schema.Struct({
  code: Schema.String,
  message: Schema.String,
  longMessage: Schema.optional(Schema.String).pipe(Schema.fromKey("long_message")),
  meta: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown }))
})

/**
 * @since 0.1.0
 * @category models
 */
export interface ClerkErrorDetail extends Schema.Schema.Type<typeof ClerkErrorDetail> {}

/**
 * Clerk's error body (`ClerkErrors` in the spec). Every field is optional on decode: a proxy in front of
 * Clerk may answer with anything.
 *
 * @since 0.1.0
 * @category models
 */
export const ClerkErrorBody = Schema.Struct({
  errors: Schema.optional(Schema.Array(ClerkErrorDetail)),
  clerkTraceId: Schema.optional(Schema.String).pipe(Schema.fromKey("clerk_trace_id"))
})

const ApiErrorFields = {
  /** The operation, as the SDK names it: `users.get`. */
  operation: Schema.String,
  /** The method and route template: `GET /users/{user_id}` (never the real URL: it may hold emails). */
  route: Schema.String,
  status: Schema.Number,
  errors: Schema.Array(ClerkErrorDetail),
  /** From the body's `clerk_trace_id`, else the `Clerk-Trace-Id` or `cf-ray` response header. */
  clerkTraceId: Schema.optional(Schema.String),
  /** The response text, bounded, when it was not a Clerk error body (an HTML page from a proxy, say). */
  body: Schema.optional(Schema.String)
}

/**
 * 400: the request was malformed.
 * @since 0.1.0
 * @category errors
 */
export class ClerkBadRequest extends Schema.TaggedError<ClerkBadRequest>()("ClerkBadRequest", ApiErrorFields) {}
/**
 * 401: the secret key is missing or invalid.
 * @since 0.1.0
 * @category errors
 */
export class ClerkUnauthorized extends Schema.TaggedError<ClerkUnauthorized>()("ClerkUnauthorized", ApiErrorFields) {}
/**
 * 402: the feature needs a paid plan.
 * @since 0.1.0
 * @category errors
 */
export class ClerkPaymentRequired
  extends Schema.TaggedError<ClerkPaymentRequired>()("ClerkPaymentRequired", ApiErrorFields)
{}
/**
 * 403: the key may not do this.
 * @since 0.1.0
 * @category errors
 */
export class ClerkForbidden extends Schema.TaggedError<ClerkForbidden>()("ClerkForbidden", ApiErrorFields) {}
/**
 * 404: the resource does not exist.
 * @since 0.1.0
 * @category errors
 */
export class ClerkNotFound extends Schema.TaggedError<ClerkNotFound>()("ClerkNotFound", ApiErrorFields) {}
/**
 * 409: the request conflicts with the resource's state.
 * @since 0.1.0
 * @category errors
 */
export class ClerkConflict extends Schema.TaggedError<ClerkConflict>()("ClerkConflict", ApiErrorFields) {}
/**
 * 410: the endpoint is gone (deprecated operations).
 * @since 0.1.0
 * @category errors
 */
export class ClerkGone extends Schema.TaggedError<ClerkGone>()("ClerkGone", ApiErrorFields) {}
/**
 * 413: the upload is too large.
 * @since 0.1.0
 * @category errors
 */
export class ClerkPayloadTooLarge
  extends Schema.TaggedError<ClerkPayloadTooLarge>()("ClerkPayloadTooLarge", ApiErrorFields)
{}
/**
 * 422: Clerk understood the request and refused it (`form_identifier_exists`, a wrong password, …).
 * @since 0.1.0
 * @category errors
 */
export class ClerkUnprocessableEntity
  extends Schema.TaggedError<ClerkUnprocessableEntity>()("ClerkUnprocessableEntity", ApiErrorFields)
{}
/**
 * 423: the resource is locked.
 * @since 0.1.0
 * @category errors
 */
export class ClerkLocked extends Schema.TaggedError<ClerkLocked>()("ClerkLocked", ApiErrorFields) {}
/**
 * 429: rate limited. `retryAfter` comes from the `Retry-After` header when Clerk sent one.
 * @since 0.1.0
 * @category errors
 */
export class ClerkRateLimited extends Schema.TaggedError<ClerkRateLimited>()("ClerkRateLimited", {
  ...ApiErrorFields,
  retryAfter: Schema.optional(Schema.DurationFromSelf)
}) {}
/**
 * 500: Clerk failed.
 * @since 0.1.0
 * @category errors
 */
export class ClerkInternalServerError
  extends Schema.TaggedError<ClerkInternalServerError>()("ClerkInternalServerError", ApiErrorFields)
{}
/**
 * Any status the operation does not declare, or one with no class of its own (502, 503, 501, …).
 * @since 0.1.0
 * @category errors
 */
export class ClerkUnexpectedStatus
  extends Schema.TaggedError<ClerkUnexpectedStatus>()("ClerkUnexpectedStatus", ApiErrorFields)
{}

/**
 * The request never got an answer: a transport failure, a per-attempt timeout, or a body that could not be
 * encoded.
 *
 * @since 0.1.0
 * @category errors
 */
export class ClerkRequestError extends Schema.TaggedError<ClerkRequestError>()("ClerkRequestError", {
  operation: Schema.String,
  route: Schema.String,
  reason: Schema.Literal("Transport", "Timeout", "Encode"),
  /** What went wrong, without the URL (it may hold emails). */
  description: Schema.String
}) {
  override get message(): string {
    return `${this.operation} (${this.route}): ${this.reason}: ${this.description}`
  }
}

/**
 * A response that does not match its Schema: names the operation and the path inside the body.
 *
 * @since 0.1.0
 * @category errors
 */
export class ClerkDecodeError extends Schema.TaggedError<ClerkDecodeError>()("ClerkDecodeError", {
  operation: Schema.String,
  route: Schema.String,
  status: Schema.Number,
  /** Where in the body, as a JSON path: `$.data[3].email_addresses`. */
  path: Schema.String,
  description: Schema.String
}) {
  override get message(): string {
    return `${this.operation} (${this.route}): the ${this.status} response does not match its schema at ${this.path}: ${this.description}`
  }
}

/**
 * The input was rejected before anything was sent: an empty or `.`/`..` path id, a `limit` over 500, a
 * missing required field, a value outside a request enum.
 *
 * @since 0.1.0
 * @category errors
 */
export class ClerkInvalidInput extends Schema.TaggedError<ClerkInvalidInput>()("ClerkInvalidInput", {
  operation: Schema.String,
  /** The offending field, as the caller named it: `userId`, `limit`, `emailAddress[0]`. */
  field: Schema.String,
  description: Schema.String
}) {
  override get message(): string {
    return `${this.operation}: invalid input at ${this.field}: ${this.description}`
  }
}

/**
 * The status classes, by status.
 *
 * @since 0.1.0
 * @category errors
 */
export const ErrorByStatus = {
  400: ClerkBadRequest,
  401: ClerkUnauthorized,
  402: ClerkPaymentRequired,
  403: ClerkForbidden,
  404: ClerkNotFound,
  409: ClerkConflict,
  410: ClerkGone,
  413: ClerkPayloadTooLarge,
  422: ClerkUnprocessableEntity,
  423: ClerkLocked,
  429: ClerkRateLimited,
  500: ClerkInternalServerError
} as const

/**
 * A status that has a class of its own.
 *
 * @since 0.1.0
 * @category errors
 */
export type KnownStatus = keyof typeof ErrorByStatus

/**
 * The error class of a status.
 *
 * @since 0.1.0
 * @category errors
 */
export type ErrorOfStatus<S extends KnownStatus> = InstanceType<(typeof ErrorByStatus)[S]>

/**
 * An error that came with an HTTP status.
 *
 * @since 0.1.0
 * @category errors
 */
export type ClerkApiError = ErrorOfStatus<KnownStatus> | ClerkUnexpectedStatus

/**
 * What every operation can fail with, whatever the spec documents for it.
 *
 * @since 0.1.0
 * @category errors
 */
export type CommonError =
  | ClerkUnauthorized
  | ClerkForbidden
  | ClerkRateLimited
  | ClerkUnexpectedStatus
  | ClerkRequestError
  | ClerkDecodeError
  | ClerkInvalidInput

/**
 * Any failure of a Backend API call.
 *
 * @since 0.1.0
 * @category errors
 */
export type ClerkError = ClerkApiError | ClerkRequestError | ClerkDecodeError | ClerkInvalidInput

const describeApiError = (error: {
  readonly _tag: string
  readonly operation: string
  readonly route: string
  readonly status: number
  readonly errors: ReadonlyArray<ClerkErrorDetail>
  readonly clerkTraceId?: string | undefined
  readonly retryAfter?: Duration.Duration | undefined
}): string => {
  const details = error.errors.map((e) => `${e.code}: ${e.message}`).join("; ")
  return [
    `${error.operation} (${error.route}) answered ${error.status}`,
    details === "" ? undefined : details,
    error.retryAfter === undefined ? undefined : `retry after ${Duration.format(error.retryAfter)}`,
    error.clerkTraceId === undefined ? undefined : `trace ${error.clerkTraceId}`
  ].filter((part) => part !== undefined).join(", ")
}

// The thirteen status classes share one message; defining it once here keeps each class a one-liner.
for (const ErrorClass of [...Object.values(ErrorByStatus), ClerkUnexpectedStatus]) {
  Object.defineProperty(ErrorClass.prototype, "message", {
    get(this: Parameters<typeof describeApiError>[0]) {
      return describeApiError(this)
    },
    enumerable: false,
    configurable: true
  })
}
