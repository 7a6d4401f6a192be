/**
 * The description of one Backend API operation that the generator writes for each of the 249 operations,
 * and that the client turns into a request. Everything the wire needs is data here: the generated services
 * hold no logic of their own.
 */
import type * as Schema from "effect/Schema"
import type { KnownStatus } from "../ClerkError.js"

/** @internal */
export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE"

/** How the success body is read. */
export type Success<A> =
  | { readonly _tag: "Json"; readonly schema: Schema.Schema<A, any> }
  | { readonly _tag: "Void" }
  | { readonly _tag: "Text" }

/**
 * How a list operation pages, for its `…Stream` twin. `items` names where the page's items are in the
 * decoded response (`array`: the response is the array).
 */
export interface Paging {
  readonly items: "array" | "data" | "m2mTokens"
  /** `users.list` also pages by cursor (`starting_after`), which stays fast however deep it goes. */
  readonly cursor?: "startingAfter"
}

/**
 * One operation.
 *
 * `input` is a Struct whose Type side is what the caller passes (camelCase) and whose Encoded side has the
 * wire names: the path parameters, the query parameters, and the body fields (or the whole body under
 * `bodyKey`, for array bodies and for bodies whose field names collide with a parameter).
 */
export interface Operation<I, A, S extends KnownStatus> {
  /** The spec's `operationId`: `GetUser`. */
  readonly operationId: string
  /** The SDK's name: `users.get`. Used in errors, spans and logs. */
  readonly name: string
  readonly method: Method
  /** The route template, without the `/v1` prefix: `/users/{user_id}`. */
  readonly path: string
  readonly input: Schema.Schema<I, any>
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
  readonly paging?: Paging
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
 * Declares an operation; the identity, there for inference of the statuses as literals.
 */
export const make = <I, A, const S extends KnownStatus>(operation: Operation<I, A, S>): Operation<I, A, S> =>
  operation

/** A JSON success decoded by `schema`. */
export const json = <A, E>(schema: Schema.Schema<A, E>): Success<A> => ({ _tag: "Json", schema })

/** A success with no body (202, 204). */
export const noContent: Success<void> = { _tag: "Void" }

/** A success read as text (the HTML of `GetPublicInterstitial`). */
export const text: Success<string> = { _tag: "Text" }
