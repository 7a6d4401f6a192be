/**
 * Reads a request the way Clerk does: bodies are closed objects checked against the operation's fields
 * (an unknown field is `form_param_unknown`, a missing one `form_param_missing`, a wrong type
 * `form_param_format_invalid`), query parameters are strings that must parse.
 */
import * as Effect from "effect/Effect"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as Errors from "./errors.js"

/** What a route is given: the path parameters (decoded), the query and the body. */
export interface RouteRequest {
  readonly params: Readonly<Record<string, string>>
  readonly query: URLSearchParams
  /** Parsed JSON, a `FormData` for multipart uploads, or `undefined` for none. */
  readonly body: unknown
  /**
   * The `Authorization` header, for the operations a machine may call with its own secret key (`ak_…`);
   * `undefined` when the request came with no headers (trusted, as with a secret key).
   */
  readonly authorization?: string | undefined
}

/** A route's answer: a status and a JSON body (`undefined` for none). */
export interface Reply {
  readonly status: number
  readonly body: unknown
}

export const ok = (body: unknown): Reply => ({ status: 200, body })

export const noContent: Reply = { status: 204, body: undefined }

/** An optional body field that may also be `null`. */
export const nullable = <A, I>(schema: Schema.Schema<A, I>) => Schema.optional(Schema.NullOr(schema))

/** Metadata: any JSON object, its keys left as they are. */
export const Metadata = Schema.Record({ key: Schema.String, value: Schema.Unknown })

const paramPath = (path: ReadonlyArray<PropertyKey>): string =>
  path.map((key, i) => typeof key === "number" ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`).join("")

// Effect's messages are `Expected string, actual 1`: keep the expectation, drop the caller's value.
const expectation = (message: string): string => {
  const at = message.indexOf(", actual ")
  const text = at === -1 ? message : message.slice(0, at)
  return text.startsWith("Expected ") ? text.slice("Expected ".length) : text
}

const toFailure = (error: ParseResult.ParseError): Errors.ApiFailure => {
  const issue = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
  const param = issue === undefined || issue.path.length === 0 ? "body" : paramPath(issue.path)
  if (issue === undefined) return Errors.formatInvalid(param, "valid")
  switch (issue._tag) {
    case "Missing":
      return Errors.paramMissing(param)
    case "Unexpected":
      return Errors.paramUnknown(param)
    default:
      return Errors.formatInvalid(param, expectation(issue.message))
  }
}

/**
 * The body, decoded by `schema` (wire names), with unknown fields rejected. An absent body counts as `{}`,
 * as Clerk treats a POST with no body.
 */
export const body = <A, I>(schema: Schema.Schema<A, I>, request: RouteRequest): Effect.Effect<A, Errors.ApiFailure> =>
  Effect.mapError(
    Schema.decodeUnknown(schema, { onExcessProperty: "error", errors: "first" })(request.body ?? {}),
    toFailure
  )

/** The body must be empty (operations that take none). */
export const noBody = (request: RouteRequest): Effect.Effect<void, Errors.ApiFailure> =>
  Effect.asVoid(body(Schema.Struct({}), request))

/** Every value of a repeated query parameter. */
export const strings = (request: RouteRequest, name: string, max = 100): Effect.Effect<Array<string>, Errors.ApiFailure> => {
  const values = request.query.getAll(name)
  return values.length > max
    ? Effect.fail(Errors.formatInvalid(name, `a list of at most ${max} values`))
    : Effect.succeed(values)
}

/** The first value of a query parameter. */
export const string = (request: RouteRequest, name: string): string | undefined => request.query.get(name) ?? undefined

/** An integer query parameter. */
export const int = (request: RouteRequest, name: string): Effect.Effect<number | undefined, Errors.ApiFailure> => {
  const value = request.query.get(name)
  if (value === null) return Effect.succeed(undefined)
  return /^-?\d+$/.test(value)
    ? Effect.succeed(Number(value))
    : Effect.fail(Errors.formatInvalid(name, "an integer"))
}

/** A boolean query parameter: `true` or `false`. */
export const bool = (request: RouteRequest, name: string): Effect.Effect<boolean | undefined, Errors.ApiFailure> => {
  const value = request.query.get(name)
  if (value === null) return Effect.succeed(undefined)
  return value === "true" ? Effect.succeed(true)
    : value === "false" ? Effect.succeed(false)
    : Effect.fail(Errors.formatInvalid(name, "true or false"))
}

/** One of a set of values. */
export const oneOf = <const L extends string>(
  request: RouteRequest,
  name: string,
  values: ReadonlyArray<L>
): Effect.Effect<L | undefined, Errors.ApiFailure> => {
  const value = request.query.get(name)
  if (value === null) return Effect.succeed(undefined)
  const found = values.find((v) => v === value)
  return found === undefined
    ? Effect.fail(Errors.valueInvalid(name, `${name} must be one of ${values.join(", ")}.`))
    : Effect.succeed(found)
}
