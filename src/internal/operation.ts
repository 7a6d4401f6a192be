/**
 * The description of one Backend API operation that the generator writes for each of the 249 operations,
 * and that the client turns into a request. Everything the wire needs is data here: the generated services
 * hold no logic of their own.
 */
import type * as Effect from "effect/Effect"
import type * as Schema from "effect/Schema"
import type { ClerkDecodeError, KnownStatus } from "../ClerkError.js"
import type { Decoder } from "./decode.js"
import type { Encoder } from "./encode.js"
import * as Request from "./request.js"
import * as Response from "./response.js"

/** @internal */
export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE"

/** How the success body is read: JSON through a Schema, nothing (202, 204), or text. */
export interface Success<A> {
  readonly _tag: "Json" | "Void" | "Text"
  readonly decode: (operation: Any, status: number, text: string) => Effect.Effect<A, ClerkDecodeError>
}

/**
 * How a list operation pages, for its `…Stream` twin: where a page's items are, the total when the
 * response carries one, and, for `users.list`, the cursor (`starting_after` stays fast however deep it goes,
 * where `offset` slows down and eventually times out).
 */
export interface Paging<A> {
  readonly items: (page: A) => ReadonlyArray<Item<A>>
  readonly total?: (page: A) => number
  readonly cursor?: (item: Item<A>) => string
}

/**
 * One operation.
 *
 * `input` encodes what the caller passes (camelCase) into the wire object: the path parameters, the query
 * parameters, and the body fields (or the whole body under `bodyKey`, for array bodies and for bodies whose
 * field names collide with a parameter). The generated services give a generated encoder (schemas/encoders);
 * a hand-written operation gives its Schema through `fromSchema`.
 */
export interface Operation<I, A, S extends KnownStatus> {
  /** The spec's `operationId`: `GetUser`. */
  readonly operationId: string
  /** The SDK's name: `users.get`. Used in errors, spans and logs. */
  readonly name: string
  readonly method: Method
  /** The route template, without the `/v1` prefix: `/users/{user_id}`. */
  readonly path: string
  readonly input: Encoder<I>
  /** Wire names of the path parameters. */
  readonly pathParams: ReadonlyArray<string>
  /** Wire names of the query parameters. */
  readonly queryParams: ReadonlyArray<string>
  /** Query parameters with `explode: false`: one comma-joined value instead of repeated keys. */
  readonly commaJoined?: ReadonlyArray<string>
  readonly body: "none" | "json" | "multipart"
  readonly bodyKey?: string
  readonly success: Success<A>
  /** The error statuses the spec documents for this operation. */
  readonly errors: ReadonlyArray<S>
  readonly paging?: Paging<A>
}

/**
 * Any operation.
 */
export type Any = Operation<any, any, KnownStatus>

/** The caller's input of an operation. */
export type Input<O> = O extends Operation<infer I, any, any> ? I : never

/** The decoded success of an operation. */
export type Output<O> = O extends Operation<any, infer A, any> ? A : never

/** The item type of a paged response. */
export type Item<A> = A extends ReadonlyArray<infer X> ? X
  : A extends { readonly data: ReadonlyArray<infer X> } ? X
  : A extends { readonly m2mTokens: ReadonlyArray<infer X> } ? X
  : never

/**
 * An operation as declared: what the route implies may be left out. The path parameters default to those
 * the path names, in order; no query parameters; no body. The generated services say only what differs: the
 * source a program loads is smaller (the package entry's bundle 10.9 KB minified, 0.6 KB gzip), which is what
 * a cold start parses.
 */
export type Declaration<I, A, S extends KnownStatus> =
  & Omit<Operation<I, A, S>, "pathParams" | "queryParams" | "body">
  & Partial<Pick<Operation<I, A, S>, "pathParams" | "queryParams" | "body">>

const NONE: ReadonlyArray<string> = []

/** `/users/{user_id}/org/{org_id}` → `["user_id", "org_id"]`. */
export const pathParamsOf = (path: string): ReadonlyArray<string> =>
  Array.from(path.matchAll(/\{([^}]+)\}/g), (match) => match[1] ?? "")

/**
 * Declares an operation, with the defaults of `Declaration`; generic so that the statuses are inferred as
 * literals.
 */
export const make = <I, A, const S extends KnownStatus>(declaration: Declaration<I, A, S>): Operation<I, A, S> => ({
  ...declaration,
  pathParams: declaration.pathParams ?? pathParamsOf(declaration.path),
  queryParams: declaration.queryParams ?? NONE,
  body: declaration.body ?? "none"
})

/** An input encoded by `schema` (the hand-written operations): `Schema.encodeUnknown`, its first issue. */
export const fromSchema: <I, E>(schema: Schema.Schema<I, E>) => Encoder<I> = Request.schemaEncoder

/** A JSON success decoded by `schema`. */
export const json: <A, E>(schema: Schema.Schema<A, E>) => Success<A> = Response.json

/** A JSON success decoded by a generated decoder; what the generated services use. */
export const decoded: <A>(decoder: Decoder<A>) => Success<A> = Response.decoded

/** A success with no body (202, 204). */
export const noContent: Success<void> = Response.noContent

/** A success read as text (the HTML of `GetPublicInterstitial`). */
export const text: Success<string> = Response.text
