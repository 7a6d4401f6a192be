/**
 * From an operation and the caller's input to an `HttpClientRequest`, following the wire rules of the spec:
 * encoded path ids, repeated query keys (or one comma-joined value for `explode: false`), snake_case JSON
 * bodies with `null` kept distinct from absent, and multipart uploads.
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { ClerkInvalidInput } from "../ClerkError.js"
import { camel } from "./decode.js"
import { EncodeFailure, type Encoder, isFailure } from "./encode.js"
import type * as Operation from "./operation.js"

type Wire = Readonly<Record<string, unknown>>

/**
 * The first issue `ArrayFormatter` lists, as an encoder's failure: its path, and what was expected without
 * echoing the value (values can be emails or tokens). The generated encoders (src/internal/encode.ts) give
 * the same failures without a Schema.
 */
export const firstIssue = (error: ParseResult.ParseError): EncodeFailure => {
  const issue = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
  const description = issue === undefined
    ? "is invalid"
    : issue._tag === "Missing"
    ? "is required"
    : issue._tag === "Unexpected"
    ? "is not allowed"
    : withoutActual(issue.message)
  return new EncodeFailure([...(issue?.path ?? [])], description)
}

/** A Schema as an encoder (the hand-written operations): `Schema.encodeUnknownEither`, its first issue. */
export const schemaEncoder = <I, E>(schema: Schema.Schema<I, E>): Encoder<I> => {
  const encode = Schema.encodeUnknownEither(schema)
  return (input) => Either.match(encode(input), { onLeft: firstIssue, onRight: (wire): unknown => wire })
}

/** Names the first offending field the way the caller wrote it. */
export const invalidInput = (operation: string, failure: EncodeFailure): ClerkInvalidInput =>
  new ClerkInvalidInput({
    operation,
    field: failure.path.length === 0 ? "(input)" : formatPath(failure.path),
    description: failure.description
  })

/**
 * `["emailAddress", 0]` → `emailAddress[0]` (the caller's field); with the root `$`, `$.emailAddress[0]` (a
 * place in a response body).
 */
export const formatPath = (path: ReadonlyArray<PropertyKey>, root?: "$"): string =>
  (root ?? "") + path.map((key, i) =>
    typeof key === "number" ? `[${key}]` : i === 0 && root === undefined ? String(key) : `.${String(key)}`
  ).join("")

// Effect's messages end with `, actual <value>`: the value is the caller's data and must not be repeated.
const withoutActual = (message: string): string => {
  const at = message.indexOf(", actual ")
  return at === -1 ? message : message.slice(0, at)
}

const encodeInput = (operation: Operation.Any, input: unknown): Effect.Effect<Wire, ClerkInvalidInput> => {
  const wire = operation.input(input)
  if (isFailure(wire)) return Effect.fail(invalidInput(operation.name, wire))
  // Every operation's input is a Struct, whose wire value is an object; but `Schema.Struct({})` (an operation
  // without input) returns the input itself, which it only checks is not `null` or `undefined`: a string or a
  // number passed there has no fields to send.
  return Effect.succeed(isWire(wire) ? wire : {})
}

const isWire = (value: unknown): value is Wire => typeof value === "object" && value !== null

const pathSegment = (operation: Operation.Any, wire: Wire, name: string): string | ClerkInvalidInput => {
  const value = wire[name]
  // An empty id, `.` or `..` would silently address another resource (`/users/` lists users).
  if (typeof value !== "string" || value === "" || value === "." || value === "..") {
    return new ClerkInvalidInput({
      operation: operation.name,
      field: camel(name), // the caller's name of the path parameter
      description: "must be a non-empty id other than \".\" and \"..\""
    })
  }
  return encodeURIComponent(value)
}

const buildPath = (operation: Operation.Any, wire: Wire): string | ClerkInvalidInput => {
  let path = operation.path
  for (const name of operation.pathParams) {
    const segment = pathSegment(operation, wire, name)
    if (typeof segment !== "string") return segment
    path = path.replace(`{${name}}`, segment)
  }
  return path
}

const queryValue = (value: unknown): string => typeof value === "string" ? value : JSON.stringify(value)

const buildQuery = (operation: Operation.Any, wire: Wire): Array<[string, string]> => {
  const params: Array<[string, string]> = []
  for (const name of operation.queryParams) {
    const value = wire[name]
    if (value === undefined || value === null) continue
    if (Array.isArray(value)) {
      if (operation.commaJoined?.includes(name)) {
        if (value.length > 0) params.push([name, value.map(queryValue).join(",")])
      } else {
        for (const item of value) params.push([name, queryValue(item)])
      }
    } else {
      params.push([name, queryValue(value)])
    }
  }
  return params
}

const bodyFields = (operation: Operation.Any, wire: Wire): Record<string, unknown> => {
  const fields: Record<string, unknown> = {}
  for (const key of Object.keys(wire)) {
    if (!operation.pathParams.includes(key) && !operation.queryParams.includes(key)) fields[key] = wire[key]
  }
  return fields
}

const formData = (fields: Record<string, unknown>): FormData => {
  const form = new FormData()
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || value === null) continue
    if (value instanceof Blob) form.append(key, value, value instanceof File ? value.name : key)
    else if (value instanceof Uint8Array) form.append(key, new Blob([value.slice()]), key) // a copy: Blob wants an ArrayBuffer-backed view
    else form.append(key, queryValue(value))
  }
  return form
}

const buildBody = (operation: Operation.Any, wire: Wire): HttpBody.HttpBody | ClerkInvalidInput => {
  switch (operation.body) {
    case "none":
      return HttpBody.empty
    case "multipart":
      return HttpBody.formData(formData(bodyFields(operation, wire)))
    case "json": {
      const body = operation.bodyKey === undefined ? bodyFields(operation, wire) : wire[operation.bodyKey]
      try {
        return HttpBody.text(JSON.stringify(body ?? {}), "application/json")
      } catch {
        // Metadata is free-form: a BigInt or a cycle in it cannot be sent.
        return new ClerkInvalidInput({
          operation: operation.name,
          field: operation.bodyKey ?? "(body)",
          description: "is not JSON-serialisable"
        })
      }
    }
  }
}

/**
 * The request for one call, relative to the API's base URL. Fails with `ClerkInvalidInput` before anything
 * is sent.
 */
export const build = (
  operation: Operation.Any,
  input: unknown
): Effect.Effect<HttpClientRequest.HttpClientRequest, ClerkInvalidInput> =>
  Effect.flatMap(encodeInput(operation, input), (wire) => {
    const path = buildPath(operation, wire)
    if (typeof path !== "string") return Effect.fail(path)
    const body = buildBody(operation, wire)
    if (body instanceof ClerkInvalidInput) return Effect.fail(body)
    return Effect.succeed(
      HttpClientRequest.make(operation.method)(path, { urlParams: buildQuery(operation, wire), body })
    )
  })
