/**
 * The runtime of the generated decoders (schemas/decoders/*.ts): plain functions that validate a parsed JSON
 * body and rename its keys in one pass, returning exactly what `Schema.decodeUnknownEither(schema)` returns on
 * success, and on failure the path (wire names) of the issue `ParseResult.ArrayFormatter` lists first.
 *
 * A decoder returns its value or a `DecodeFailure`; nothing else is allocated on the way. Failures are built
 * at the leaf and their path is completed on the way up (`at`), so that a union's member that fails costs one
 * small object.
 */

/** Why a body does not decode: where (wire names and indices, from the root) and what was expected. */
export class DecodeFailure {
  readonly _tag = "DecodeFailure"
  constructor(readonly path: Array<PropertyKey>, public message: string) {}
}

/** A decoded value, or why it does not decode. */
export type DecodeResult<A> = A | DecodeFailure

/** A generated decoder. */
export type Decoder<A> = (input: unknown) => DecodeResult<A>

export const isFailure = <A>(result: DecodeResult<A>): result is DecodeFailure => result instanceof DecodeFailure

/** A failure at the value being decoded: `at` adds the keys above it. */
export const fail = (message: string): DecodeFailure => new DecodeFailure([], message)

/** `Expected <what>`, or `is missing` when there is no value (an absent required property). */
export const expected = (what: string, value: unknown): DecodeFailure =>
  new DecodeFailure([], value === undefined ? "is missing" : `Expected ${what}`)

/** The failure of property `key` of `input`: the key goes in front of the path. */
export const at = (failure: DecodeFailure, key: PropertyKey, input?: object): DecodeFailure => {
  failure.path.unshift(key)
  if (input !== undefined && !Object.prototype.hasOwnProperty.call(input, key)) failure.message = "is missing"
  return failure
}

export const hasOwn = (input: object, key: PropertyKey): boolean => Object.prototype.hasOwnProperty.call(input, key)

/** What a Struct or a Record accepts (Effect's `Predicate.isRecord`): an object that is not an array. */
export const isRecord = (input: unknown): input is { readonly [key: string]: unknown } =>
  typeof input === "object" && input !== null && !Array.isArray(input)

/** What a union's search tree looks into (Effect's `Predicate.isRecordOrArray`). */
const isRecordOrArray = (input: unknown): input is { readonly [key: string]: unknown } =>
  typeof input === "object" && input !== null

/**
 * The one type assertion of the generated decoders: an object that `struct` filled from a `Fields<A>` table
 * is an `A`. The table's mapped type has every key of `A` with a decoder of that key's type, `struct` sets
 * each required key (or fails first), and test/decoders.test.ts checks every decoder's output against the
 * Schema's.
 */
const complete = <A>(filled: { readonly [key: string]: unknown }): A => filled as A

/** `Schema.Array(item)`: a new array of the decoded items. */
export const array = <A>(input: unknown, item: Decoder<A>): DecodeResult<ReadonlyArray<A>> => {
  if (!Array.isArray(input)) return expected("an array", input)
  const length = input.length
  const out: Array<A> = new Array(length)
  for (let i = 0; i < length; i++) {
    const result = item(input[i])
    if (isFailure(result)) return at(result, i)
    out[i] = result
  }
  return out
}

/** `Schema.Array` of a type checked by a guard (strings, numbers, …): a new array with the same items. */
export const arrayOf = <A>(
  input: unknown,
  guard: (value: unknown) => value is A,
  what: string
): DecodeResult<ReadonlyArray<A>> => {
  if (!Array.isArray(input)) return expected("an array", input)
  const length = input.length
  for (let i = 0; i < length; i++) {
    if (!guard(input[i])) return at(expected(what, input[i]), i)
  }
  const out: Array<A> = input.slice()
  return out
}

/**
 * `Schema.Record({ key: Schema.String, value })`: a new object with the same keys (`Object.keys`). A
 * `__proto__` key is left out, as the Schema decode of a renamed struct leaves it out (its second pass copies
 * the keys that the first one set, and `__proto__` is not one of them).
 */
export const record = <A>(input: unknown, value: Decoder<A>): DecodeResult<{ readonly [key: string]: A }> => {
  if (!isRecord(input)) return expected("an object", input)
  const out: { [key: string]: A } = {}
  for (const key of Object.keys(input)) {
    const result = value(input[key])
    if (isFailure(result)) return at(result, key)
    if (key !== "__proto__") out[key] = result
  }
  return out
}

/** `Metadata` (a Record of `Schema.Unknown`): a new object, the same values. */
export const metadata = (input: unknown): DecodeResult<{ readonly [key: string]: unknown }> => record(input, unknown)

export const isString = (value: unknown): value is string => typeof value === "string"
export const isNumber = (value: unknown): value is number => typeof value === "number"
export const isBoolean = (value: unknown): value is boolean => typeof value === "boolean"

/**
 * A union whose members have literal properties (`object: "token"`), decoded as `Schema.Union` does: the
 * members whose literals the input carries are tried first, in the order of `keys` (then of the members),
 * then the members without literals (`otherwise`). The first that decodes wins; otherwise the first issue is
 * a missing or unknown literal, or the first candidate's.
 */
export const discriminated = <A>(
  input: unknown,
  keys: ReadonlyArray<readonly [string, { readonly [literal: string]: ReadonlyArray<Decoder<A>> }]>,
  otherwise: ReadonlyArray<Decoder<A>>
): DecodeResult<A> => {
  let first: DecodeFailure | undefined
  const candidates: Array<Decoder<A>> = []
  if (isRecordOrArray(input)) {
    const record = input
    for (const [name, buckets] of keys) {
      if (hasOwn(record, name)) {
        const literal = String(record[name])
        const bucket = hasOwn(buckets, literal) ? buckets[literal] : undefined
        if (bucket !== undefined) candidates.push(...bucket)
        else first ??= at(fail(`Expected one of ${Object.keys(buckets).join(", ")}`), name)
      } else {
        first ??= at(fail("is missing"), name)
      }
    }
  } else {
    first = expected("an object", input)
  }
  for (const decoder of candidates) {
    const result = decoder(input)
    if (!isFailure(result)) return result
    first ??= result
  }
  for (const decoder of otherwise) {
    const result = decoder(input)
    if (!isFailure(result)) return result
    first ??= result
  }
  return first ?? fail("Expected a member of the union")
}

/** The decoders of the common checks, shared by every generated struct. */
export const unknown = (value: unknown): unknown => value
export const string = (value: unknown): DecodeResult<string> => typeof value === "string" ? value : expected("string", value)
export const number = (value: unknown): DecodeResult<number> => typeof value === "number" ? value : expected("number", value)
export const boolean = (value: unknown): DecodeResult<boolean> =>
  typeof value === "boolean" ? value : expected("boolean", value)
export const stringOrNull = (value: unknown): DecodeResult<string | null> =>
  typeof value === "string" || value === null ? value : expected("string | null", value)
export const numberOrNull = (value: unknown): DecodeResult<number | null> =>
  typeof value === "number" || value === null ? value : expected("number | null", value)
export const booleanOrNull = (value: unknown): DecodeResult<boolean | null> =>
  typeof value === "boolean" || value === null ? value : expected("boolean | null", value)

/** A field of a struct's table: its wire name, its decoder, and `1` when it is optional. */
export type Field<A> = readonly [wire: string, decode: Decoder<A>] | readonly [wire: string, decode: Decoder<A>, optional: 1]

/** A struct's table: every key of the model, in the Schema's order, with a decoder of its type. */
export type Fields<A> = { readonly [K in keyof A]-?: Field<Exclude<A[K], undefined>> }

/**
 * `Schema.Struct` with renamed keys: an object that is not an array; each field read under its wire name and
 * set under its key, in the table's order; excess properties dropped. A required field is read even when
 * absent (a `Schema.Unknown` one is then `undefined`); an optional one is left out when absent and may be
 * `undefined`. The table is read on the first call (it may name decoders declared after this one).
 */
export const struct = <A>(table: () => Fields<A>): Decoder<A> => {
  let keys: Array<string> = []
  let wires: Array<string> = []
  let decoders: Array<Decoder<unknown>> = []
  let optional: Array<boolean> = []
  let length = -1
  const compile = () => {
    const fields: { readonly [key: string]: Field<unknown> } = table()
    keys = Object.keys(fields)
    wires = keys.map((key) => fields[key]?.[0] ?? key)
    decoders = keys.map((key) => fields[key]?.[1] ?? unknown)
    optional = keys.map((key) => fields[key]?.[2] === 1)
    length = keys.length
  }
  return (input) => {
    if (length < 0) compile()
    if (!isRecord(input)) return expected("an object", input)
    const draft: { [key: string]: unknown } = {}
    for (let n = 0; n < length; n++) {
      const wire = wires[n]!
      let value: unknown
      if (optional[n]) {
        if (!hasOwn(input, wire)) continue
        value = input[wire]
        if (value === undefined) {
          draft[keys[n]!] = undefined
          continue
        }
      } else {
        value = input[wire]
      }
      const result = decoders[n]!(value)
      if (isFailure(result)) return at(result, wire, input)
      draft[keys[n]!] = result
    }
    return complete<A>(draft)
  }
}

/**
 * `Schema.Union` without literal members: the members in order, the first that decodes wins, else the first
 * member's failure. `typeSide`, inside a renaming struct: the winner is decoded again by the Type-side
 * decoders of the members before it, and the first that accepts it gives the value (the Schema's second
 * pass). Both lists are read on the first call, as `struct`'s table is.
 */
export const union = <A>(
  members: () => ReadonlyArray<Decoder<A>>,
  typeSide?: () => ReadonlyArray<Decoder<A>>
): Decoder<A> => {
  let decoders: ReadonlyArray<Decoder<A>> | undefined
  let again: ReadonlyArray<Decoder<A>> = []
  return (input) => {
    if (decoders === undefined) {
      decoders = members()
      again = typeSide?.() ?? []
    }
    let first: DecodeFailure | undefined
    for (let i = 0; i < decoders.length; i++) {
      const result = decoders[i]!(input)
      if (isFailure(result)) {
        first ??= result
        continue
      }
      for (let j = 0; j < i && j < again.length; j++) {
        const retyped = again[j]!(result)
        if (!isFailure(retyped)) return retyped
      }
      return result
    }
    return first ?? fail("Expected a member of the union")
  }
}
