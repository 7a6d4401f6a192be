/**
 * The runtime of the generated request encoders (schemas/encoders/*.ts): from the caller's input to the wire
 * object, what `Schema.encodeUnknownEither(S.XParams)` gives (snake_case keys, optional fields absent when
 * absent, `null` kept, metadata keys untouched, files passed through), without the request Schemas in the
 * bundle or their construction on import.
 *
 * An encoder is composed from the checks of this module, one per position of the Schema: a check returns the
 * encoded value or throws an `EncodeFailure`; containers (`struct`, `array`, `record`) add their key to the
 * failure's path on the way up, and `encoder` catches it. Valid input costs the checks and the copies;
 * nothing is allocated or thrown for the path.
 *
 * A failure carries what `invalidInput` makes of the Schema's first `ArrayFormatter` issue: its path (the
 * caller's names) and its description, "is required" or Effect's message without its `, actual …` tail. The
 * texts mirror Effect 3's filters (`Schema.minLength` …) word for word; test/encoders.test.ts proves every
 * encoder equal to its Schema, on valid and broken inputs.
 *
 * It shares only `isRecord` and `hasOwn` with the decoders' runtime, which every service bundle carries anyway.
 */
import { hasOwn, isRecord } from "./decode.js"

/** Why an input does not encode: where (the caller's names and indices, from the root), and what is wrong. */
export class EncodeFailure {
  constructor(readonly path: Array<PropertyKey>, readonly description: string) {}
}

/**
 * A generated encoder: the wire value (an object for every operation's input), or why the input does not
 * encode. `I` is the Type of the Schema it mirrors, for the operation's method signature; it is never read.
 */
export interface Encoder<I> {
  (input: unknown): unknown
  /** Phantom: records the caller's type. Contravariant, so an encoder of `unknown` is one of any `I`. */
  readonly Input?: (input: I) => void
}

export const isFailure = (result: unknown): result is EncodeFailure => result instanceof EncodeFailure

/** One position of a Schema: the encoded value, or a thrown `EncodeFailure`. */
export type Check<A> = (value: unknown) => A

/** A refinement: the description of the failure (`Expected …`), or `undefined` when the value passes. */
export type Filter<A> = (value: A) => string | undefined

const fail = (description: string): never => {
  throw new EncodeFailure([], description)
}

/** Runs a check with the path of its failure one key deeper. */
const at = <A>(key: PropertyKey, check: Check<A>, value: unknown): A => {
  try {
    return check(value)
  } catch (e) {
    if (e instanceof EncodeFailure) e.path.unshift(key)
    throw e
  }
}

/** The encoder of a root Schema: the first failure is returned, not thrown. */
export const encoder = (check: Check<unknown>): Encoder<unknown> => (input) => {
  try {
    return check(input)
  } catch (e) {
    if (e instanceof EncodeFailure) return e
    throw e
  }
}

// ---------------------------------------------------------------------------------------------------------
// Primitives
// ---------------------------------------------------------------------------------------------------------

const typed = <A>(guard: (value: unknown) => value is A, expected: string): Check<A> => (value) =>
  guard(value) ? value : fail(`Expected ${expected}`)

const isString = (value: unknown): value is string => typeof value === "string"
const isNumber = (value: unknown): value is number => typeof value === "number"
const isBoolean = (value: unknown): value is boolean => typeof value === "boolean"

export const string: Check<string> = typed(isString, "string")

/** `Schema.Number`: any number, `NaN` and the infinities included. */
export const number: Check<number> = typed(isNumber, "number")

export const boolean: Check<boolean> = typed(isBoolean, "boolean")

/** `Schema.Unknown`: the value itself, `undefined` included. */
export const unknown: Check<unknown> = (value) => value

/** `FileInput`: a `Blob` (a `File` is one) or bytes, passed through. The first member names the failure. */
export const file: Check<unknown> = (value) =>
  value instanceof Blob || value instanceof Uint8Array ? value : fail("Expected Blob")

/**
 * `Schema.Literal(a, b, …)`: one of the values. A union of literals lists one issue per member, and the first
 * one is what the caller sees: `Expected "a"`.
 */
export const literal = (...values: ReadonlyArray<string | boolean>): Check<string | boolean> => {
  const first = values[0]
  const description = `Expected ${typeof first === "string" ? JSON.stringify(first) : String(first)}`
  return (value) => {
    for (const candidate of values) if (value === candidate) return candidate
    return fail(description)
  }
}

/** `Schema.NullOr(x)`: `null`, or what `x` accepts; `x`'s failure otherwise (the union's first member). */
export const nullable = <A>(check: Check<A>): Check<A | null> => (value) => value === null ? null : check(value)

// ---------------------------------------------------------------------------------------------------------
// Refinements: the base check first, then each filter in the Schema's order (`pipe` order), the first
// failing one named.
// ---------------------------------------------------------------------------------------------------------

export const refine = <A>(base: Check<A>, ...filters: ReadonlyArray<Filter<A>>): Check<A> => (value) => {
  const a = base(value)
  for (const filter of filters) {
    const description = filter(a)
    if (description !== undefined) fail(description)
  }
  return a
}

const filter = <A>(predicate: (a: A) => boolean, expected: string): Filter<A> => (a) =>
  predicate(a) ? undefined : `Expected ${expected}`

export const minLength = (n: number): Filter<string> =>
  filter((a) => a.length >= n, `a string at least ${n} character(s) long`)

export const maxLength = (n: number): Filter<string> =>
  filter((a) => a.length <= n, `a string at most ${n} character(s) long`)

export const pattern = (regex: RegExp): Filter<string> =>
  filter((a) => {
    regex.lastIndex = 0 // as Effect does, in case of a `g` flag
    return regex.test(a)
  }, `a string matching the pattern ${regex.source}`)

/** `Schema.Int`: `Number.isSafeInteger`, as Effect's `int` filter. */
export const int: Check<number> = refine(number, filter(Number.isSafeInteger, "an integer"))

// Effect words the bounds at zero differently ("a positive number").
export const greaterThan = (n: number): Filter<number> =>
  filter((a) => a > n, n === 0 ? "a positive number" : `a number greater than ${n}`)

export const greaterThanOrEqualTo = (n: number): Filter<number> =>
  filter((a) => a >= n, n === 0 ? "a non-negative number" : `a number greater than or equal to ${n}`)

export const lessThan = (n: number): Filter<number> =>
  filter((a) => a < n, n === 0 ? "a negative number" : `a number less than ${n}`)

export const lessThanOrEqualTo = (n: number): Filter<number> =>
  filter((a) => a <= n, n === 0 ? "a non-positive number" : `a number less than or equal to ${n}`)

export const minItems = (n: number): Filter<ReadonlyArray<unknown>> =>
  filter((a) => a.length >= n, `an array of at least ${n} item(s)`)

export const maxItems = (n: number): Filter<ReadonlyArray<unknown>> =>
  filter((a) => a.length <= n, `an array of at most ${n} item(s)`)

// ---------------------------------------------------------------------------------------------------------
// Containers. `expected` is the Schema's own name for the container (`ReadonlyArray<string>`, `Struct (Type
// side)`), which the generator works out: it is the message when the value is not one.
// ---------------------------------------------------------------------------------------------------------

/** `Schema.Array(item)`: a copy, each item encoded; the items are checked before the array's own filters. */
export const array = (
  expected: string,
  item: Check<unknown>,
  ...filters: ReadonlyArray<Filter<ReadonlyArray<unknown>>>
): Check<ReadonlyArray<unknown>> =>
  refine((value) => {
    if (!Array.isArray(value)) return fail(`Expected ${expected}`)
    const out: Array<unknown> = []
    for (let i = 0; i < value.length; i++) out.push(at(i, item, value[i]))
    return out
  }, ...filters)

/** `Schema.Record({ key: Schema.String, value })`: every own enumerable string key, kept as it is. */
export const record = (expected: string, value: Check<unknown>): Check<Record<string, unknown>> => (input) => {
  if (!isRecord(input)) return fail(`Expected ${expected}`)
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(input)) out[key] = at(key, value, input[key])
  return out
}

/** `Metadata`: a record of any values, its keys never renamed. */
export const metadata: Check<Record<string, unknown>> = record("{ readonly [x: string]: unknown }", unknown)

/** A property of a Struct: its Type-side key, its check, and its wire name. */
export interface Field {
  readonly key: string
  readonly check: Check<unknown>
  readonly wire: string
  readonly optional: boolean
}

/**
 * `emailAddress` → `email_address`: the wire name of most fields, which the generator then leaves out (about a
 * third of an encoder's bytes). It passes the wire name whenever this would not give it exactly.
 */
export const snakeCase = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)

export const required = (key: string, check: Check<unknown>, wire: string = snakeCase(key)): Field => ({
  key,
  check,
  wire,
  optional: false
})

export const optional = (key: string, check: Check<unknown>, wire: string = snakeCase(key)): Field => ({
  key,
  check,
  wire,
  optional: true
})

/**
 * What Effect calls the Type side of a struct with a renamed field (a Transformation): the `expected` of
 * most structs, so the generator leaves it out.
 */
export const TYPE_SIDE = "Struct (Type side)"

/**
 * `Schema.Struct(fields)`: the fields in order under their wire names, other keys dropped. An absent optional
 * field stays absent; a present one may be `undefined` (kept). An absent required field is checked as
 * `undefined` (`Schema.Unknown` accepts it, and the key is then written) and is "required" when that fails.
 */
export const struct = (
  fields: ReadonlyArray<Field>,
  expected: string = TYPE_SIDE
): Check<Record<string, unknown>> =>
(input) => {
  if (!isRecord(input)) return fail(`Expected ${expected}`)
  const out: Record<string, unknown> = {}
  for (const field of fields) {
    const has = hasOwn(input, field.key)
    if (!has && field.optional) continue
    const value = input[field.key]
    if (has) {
      // `optional` adds `| undefined` after the field's own type: a present `undefined` is kept as it is.
      out[field.wire] = field.optional && value === undefined ? undefined : at(field.key, field.check, value)
      continue
    }
    try {
      out[field.wire] = field.check(value)
    } catch (e) {
      throw e instanceof EncodeFailure ? new EncodeFailure([field.key], "is required") : e
    }
  }
  return out
}

/**
 * `Schema.Struct({})`: Effect checks only that the value is neither `null` nor `undefined`, and returns it as
 * it is (no copy).
 */
export const nonNullable = (expected: string): Check<unknown> => (input) =>
  input === null || input === undefined ? fail(`Expected ${expected}`) : input
