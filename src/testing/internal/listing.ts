/**
 * Lists as Clerk pages them: `limit` (1–500, default 10) and `offset`, and `order_by` with `+`/`-` over a set
 * of fields. Values sort as Postgres sorts them (nulls last ascending, first descending); rows that tie keep
 * the order they were made in (reversed for descending), so a page boundary never splits a tie unpredictably.
 */
import * as Effect from "effect/Effect"
import * as Errors from "./errors.js"
import * as Input from "./input.js"

export interface Page {
  readonly limit: number
  readonly offset: number
}

export const page = (request: Input.RouteRequest): Effect.Effect<Page, Errors.ApiFailure> =>
  Effect.gen(function*() {
    const limit = (yield* Input.int(request, "limit")) ?? 10
    const offset = (yield* Input.int(request, "offset")) ?? 0
    if (limit < 1 || limit > 500) return yield* Errors.formatInvalid("limit", "an integer between 1 and 500")
    if (offset < 0) return yield* Errors.formatInvalid("offset", "an integer greater than or equal to 0")
    return { limit, offset }
  })

export const slice = <A>(items: ReadonlyArray<A>, page: Page): Array<A> =>
  items.slice(page.offset, page.offset + page.limit)

export type SortValue = string | number | boolean | null | undefined

export interface Order<F extends string> {
  readonly field: F
  readonly descending: boolean
}

/** Parses `order_by`: `field`, `+field` or `-field`, over the fields the operation documents. */
export const order = <const F extends string>(
  request: Input.RouteRequest,
  fields: ReadonlyArray<F>,
  fallback: string
): Effect.Effect<Order<F>, Errors.ApiFailure> => {
  const raw = request.query.get("order_by") ?? fallback
  const descending = raw.startsWith("-")
  const name = raw.startsWith("-") || raw.startsWith("+") ? raw.slice(1) : raw
  const field = fields.find((f) => f === name)
  return field === undefined
    ? Effect.fail(Errors.valueInvalid("order_by", `order_by must be one of ${fields.join(", ")}, optionally prefixed with + or -.`))
    : Effect.succeed({ field, descending })
}

const compareValues = (a: SortValue, b: SortValue): number => {
  const aNull = a === null || a === undefined
  const bNull = b === null || b === undefined
  if (aNull || bNull) return aNull && bNull ? 0 : aNull ? 1 : -1
  return a < b ? -1 : a > b ? 1 : 0
}

/** Sorts rows by one key, with nulls and ties handled as described above. */
export const sort = <A extends { readonly seq: number }>(
  rows: ReadonlyArray<A>,
  key: (row: A) => SortValue,
  descending: boolean
): Array<A> => {
  const direction = descending ? -1 : 1
  return [...rows].sort((a, b) => {
    const byKey = compareValues(key(a), key(b))
    // Postgres puts nulls last ascending and first descending: flipping the whole comparison does both.
    return (byKey !== 0 ? byKey : a.seq - b.seq) * direction
  })
}

/** `+id`/`-id`/`id` filters (user_id, external_id, organization_id): included and excluded values. */
export interface IncludeExclude {
  readonly include: ReadonlyArray<string>
  readonly exclude: ReadonlyArray<string>
}

export const includeExclude = (values: ReadonlyArray<string>): IncludeExclude => {
  const include: Array<string> = []
  const exclude: Array<string> = []
  for (const value of values) {
    if (value.startsWith("-")) exclude.push(value.slice(1))
    else include.push(value.startsWith("+") ? value.slice(1) : value)
  }
  return { include, exclude }
}

/** Whether the values a row has pass an include/exclude filter. */
export const passes = (filter: IncludeExclude, has: (value: string) => boolean): boolean =>
  (filter.include.length === 0 || filter.include.some(has)) && !filter.exclude.some(has)

/** Case-insensitive partial match. */
export const contains = (haystack: string | null | undefined, needle: string): boolean =>
  haystack !== null && haystack !== undefined && haystack.toLowerCase().includes(needle.toLowerCase())
