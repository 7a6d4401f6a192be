/**
 * The runtime of the generated decoders (schemas/decoders/*.ts): plain functions that validate a parsed JSON
 * body and rename its keys in one pass, returning exactly what `Schema.decodeUnknownEither(schema)` returns on
 * success, and on failure the path (wire names) of the issue `ParseResult.ArrayFormatter` lists first.
 *
 * A struct decodes in one of two ways (scripts/generator/decoders.ts says which, and why):
 *
 * - straight-line (`struct`, `draft`): generated code that reads each wire key inline (`i.first_name`, an
 *   inline-cached read), checks it with a field check of this module (`stringOrNull`), and stores it under its
 *   Type-side key in the Schema's order: an object literal when every field is required, else the `this` of a
 *   constructor, filled one named store at a time, so that the results of a model share their hidden classes.
 *   A field check returns the value or throws a `DecodeFailure`; `struct` catches it, and only then works out
 *   which field it was (`careful`). Valid input costs the reads, the checks and the stores, and nothing else.
 * - a table (`table`): `[wire name, check or decoder, optional]` per field, the Type-side key derived from the
 *   wire name, walked by a loop. A fraction of the bytes, and several times slower: keyed reads and stores.
 */

/** Why a body does not decode: where (wire names and indices, from the root) and what was expected. */
export class DecodeFailure {
  constructor(readonly path: Array<PropertyKey>, public message: string) {}
}

/** A decoded value, or why it does not decode. */
export type DecodeResult<A> = A | DecodeFailure

/** A generated decoder. */
export type Decoder<A> = (input: unknown) => DecodeResult<A>

/** What a struct reads: an object that is not an array (`isRecord`). */
export type Input = { readonly [key: string]: unknown }

export const isFailure = <A>(result: DecodeResult<A>): result is DecodeFailure => result instanceof DecodeFailure

/** `Expected <what>`, or `is missing` when there is no value (an absent required property). */
export const expected = (what: string, value: unknown): DecodeFailure =>
  new DecodeFailure([], value === undefined ? "is missing" : `Expected ${what}`)

const hasOwnProperty = Object.prototype.hasOwnProperty

export const hasOwn = (input: object, key: PropertyKey): boolean => hasOwnProperty.call(input, key)

/** What a Struct or a Record accepts (Effect's `Predicate.isRecord`): an object that is not an array. */
export const isRecord = (input: unknown): input is Input =>
  typeof input === "object" && input !== null && !Array.isArray(input)

/** What a union's search tree looks into (Effect's `Predicate.isRecordOrArray`). */
const isRecordOrArray = (input: unknown): input is Input => typeof input === "object" && input !== null

/**
 * A field that does not decode: thrown, for `struct` (or `table`) to catch. `optional` accepts `undefined`:
 * the property is present, its value `undefined`.
 */
const invalid = (what: string, value: unknown, optional: 1 | undefined): undefined => {
  if (optional === 1 && value === undefined) return undefined
  throw expected(what, value)
}

/** A field check (string, an enum, …): the value, or a throw; `optional` lets `undefined` through. */
export interface Check<A> {
  (value: unknown, optional: 1): A | undefined
  (value: unknown): A
}

// The field checks of the common types: function declarations (overloads), small enough to be inlined.

export function string(value: unknown, optional: 1): string | undefined
export function string(value: unknown): string
export function string(value: unknown, optional?: 1): string | undefined {
  return typeof value === "string" ? value : invalid("string", value, optional)
}

export function number(value: unknown, optional: 1): number | undefined
export function number(value: unknown): number
export function number(value: unknown, optional?: 1): number | undefined {
  return typeof value === "number" ? value : invalid("number", value, optional)
}

export function boolean(value: unknown, optional: 1): boolean | undefined
export function boolean(value: unknown): boolean
export function boolean(value: unknown, optional?: 1): boolean | undefined {
  return typeof value === "boolean" ? value : invalid("boolean", value, optional)
}

export function stringOrNull(value: unknown, optional: 1): string | null | undefined
export function stringOrNull(value: unknown): string | null
export function stringOrNull(value: unknown, optional?: 1): string | null | undefined {
  return typeof value === "string" || value === null ? value : invalid("string | null", value, optional)
}

export function numberOrNull(value: unknown, optional: 1): number | null | undefined
export function numberOrNull(value: unknown): number | null
export function numberOrNull(value: unknown, optional?: 1): number | null | undefined {
  return typeof value === "number" || value === null ? value : invalid("number | null", value, optional)
}

export function booleanOrNull(value: unknown, optional: 1): boolean | null | undefined
export function booleanOrNull(value: unknown): boolean | null
export function booleanOrNull(value: unknown, optional?: 1): boolean | null | undefined {
  return typeof value === "boolean" || value === null ? value : invalid("boolean | null", value, optional)
}

/** The other field checks (enums, mostly), declared once per generated file: a guard, and `Expected <what>`. */
export const check = <A>(guard: (value: unknown) => value is A, what: string): Check<A> => {
  function checked(value: unknown, optional: 1): A | undefined
  function checked(value: unknown): A
  function checked(value: unknown, optional?: 1): A | undefined {
    return guard(value) ? value : invalid(what, value, optional)
  }
  return checked
}

/** The field check of a literal (a union member's `object`). */
export const literal = <const L extends string>(literal: L): Check<L> =>
  check((value): value is L => value === literal, JSON.stringify(literal))

/**
 * A field decoded by a decoder (a nested model, a union, …): its value, or its failure thrown. `optional`:
 * `undefined` is the value, as a present optional property with no value decodes.
 */
export function decode<A>(decoder: Decoder<A>, value: unknown, optional: 1): A | undefined
export function decode<A>(decoder: Decoder<A>, value: unknown): A
export function decode<A>(decoder: Decoder<A>, value: unknown, optional?: 1): A | undefined {
  return optional === 1 && value === undefined ? undefined : thrown(decoder(value))
}

/** A field whose value is `null` or `decoder`'s (`Schema.NullOr`): `decode` without an arrow around `decoder`. */
export function nullable<A>(decoder: Decoder<A>, value: unknown, optional: 1): A | null | undefined
export function nullable<A>(decoder: Decoder<A>, value: unknown): A | null
export function nullable<A>(decoder: Decoder<A>, value: unknown, optional?: 1): A | null | undefined {
  return value === null || optional === 1 && value === undefined ? value : thrown(decoder(value))
}

/** A field that is an array of `item`s (`Schema.Array`): `decode` without an arrow around `array`. */
export function items<A>(item: Decoder<A>, value: unknown, optional: 1): ReadonlyArray<A> | undefined
export function items<A>(item: Decoder<A>, value: unknown): ReadonlyArray<A>
export function items<A>(item: Decoder<A>, value: unknown, optional?: 1): ReadonlyArray<A> | undefined {
  return optional === 1 && value === undefined ? undefined : thrown(array(value, item))
}

const thrown = <A>(result: DecodeResult<A>): A => {
  if (result instanceof DecodeFailure) throw result
  return result
}

/**
 * A struct's result while it is filled field by field (an absent optional property stays absent, so no
 * object literal has the right keys).
 */
export type Draft<A> = { -readonly [K in keyof A]?: A[K] }

/**
 * The one type assertion of the decoders: a draft that a straight-line `fill` or a `table` filled is an `A`.
 * Both set every required key of `A` (or throw first), each with a value checked against the key's type
 * (by TypeScript in `fill`, and by the table's `Entry<A>` type for a table), but a sequence of conditional
 * assignments cannot narrow a `Draft<A>` to an `A`. test/decoders.test.ts checks every decoder's output
 * against the Schema's.
 */
const complete = <A>(draft: Draft<A> | Input): A => draft as A

/**
 * `Schema.Struct` (with renamed keys), straight-line: an object that is not an array, else `Expected an
 * object`; the generated `build` reads and checks each field in the Schema's order and returns the result.
 *
 * `build` tests an optional property with `in` (inline and cached, a tenth of `hasOwnProperty`'s cost),
 * which is an own-property test for the objects `JSON.parse` makes (their prototype is `Object.prototype`;
 * the generator tests the names `Object.prototype` has with `hasOwn`). Any other object (a `null`
 * prototype too: it is rare, and one test of the prototype is cheaper than two) goes through `careful`,
 * whose `in` is `hasOwn`, and so does a failure.
 */
export const struct = <A>(build: (input: Input) => A): Decoder<A> => (input) => {
  if (!isRecord(input)) return expected("an object", input)
  if (Object.getPrototypeOf(input) !== Object.prototype) return careful(build, input)
  try {
    return build(input)
  } catch (error) {
    if (error instanceof DecodeFailure) return careful(build, input)
    throw error
  }
}

/**
 * `struct` of a model with optional properties: `fill` sets the fields on `this`, run as a constructor.
 *
 * Why a constructor: V8 sizes the objects a function constructs by the `this.x =` stores in its body
 * (in-object slack tracking, trimmed to the fields used after the first few), so every field lands in the
 * object itself. An empty literal filled store by store keeps four fields in the object and grows an array
 * beside it three at a time: a `User` (45 fields) took 1.94 µs that way against 1.64 (`bench/decode.ts`).
 * `fill.prototype` is `Object.prototype`, so the result is a plain object, as the Schema's is (`toStrictEqual`
 * in test/decoders.test.ts fails without it).
 */
export const draft = <A>(fill: (this: Draft<A>, input: Input) => void): Decoder<A> => {
  fill.prototype = Object.prototype
  return struct((input) => complete<A>(Reflect.construct(fill, [input])))
}

/**
 * `build` run again on a proxy of its input that records the keys read, and whose `in` asks
 * `hasOwnProperty`. The field checks take no key (a key per field would cost as many bytes again), and
 * `build` reads each field right before checking it, so on a failure the key read last is the field's: it
 * goes in front of the path, and the message is `is missing` when the input has no such own property, as the
 * Schema says. Only a failure, or an object that is not plain, pays for the proxy.
 */
const careful = <A>(build: (input: Input) => A, input: Input): DecodeResult<A> => {
  const outer = last
  last = undefined
  try {
    return build(new Proxy(input, reader))
  } catch (error) {
    if (!(error instanceof DecodeFailure)) throw error
    return at(error, last, input)
  } finally {
    last = outer
  }
}

/** The key `careful`'s proxy read last (a nested `careful` puts back the one around it). */
let last: string | undefined

/** The proxy handler of `careful`: reads as the object does (inherited properties too, as the Schema). */
const reader: ProxyHandler<Input> = {
  get: (target, key) => {
    if (typeof key === "string") last = key
    return Reflect.get(target, key)
  },
  has: (target, key) => hasOwnProperty.call(target, key)
}

/**
 * A derived Type-side key: `email_address` → `emailAddress`, as the generator derives the caller's names (it
 * emits the keys this would not give). Also how a request error names a path parameter.
 */
export const camel = (wire: string): string => wire.replace(/_([a-z\d])/g, (_, c: string) => c.toUpperCase())

/**
 * `email_address` from `emailAddress`, as the type of a table checks it: every `X` becomes `_x` (tail
 * recursive, so that a long key stays under TypeScript's instantiation depth).
 */
export type Snake<K extends string, Done extends string = ""> = K extends `${infer H}${infer T}`
  ? Snake<T, `${Done}${H extends Lowercase<H> ? H : `_${Lowercase<H>}`}`>
  : Done

/** A field of a table: a check (it throws) or a decoder (it returns its failure). */
export type Field<T> = Check<T> | ((value: unknown) => T) | Decoder<T>

/**
 * A table's row for field `K` of `A`: its wire name (`Snake<K>`: the key is derived back from it), its
 * check or decoder, and `1` when optional; a key that the wire name does not give comes fourth.
 */
export type Entry<A> = {
  [K in keyof A & string]-?:
    | readonly [wire: Snake<K>, decode: Field<Exclude<A[K], undefined>>]
    | readonly [wire: Snake<K>, decode: Field<Exclude<A[K], undefined>>, optional: 1]
    | readonly [wire: string, decode: Field<Exclude<A[K], undefined>>, optional: 0 | 1, key: K]
}[keyof A & string]

/**
 * `Schema.Struct` from a table (the fields in the Schema's order), read on the first call (it may name
 * decoders declared further down). Each field read under its wire name and set under its key; a required
 * one is read even when absent (`Schema.Unknown` then gives `undefined`), an optional one only when the
 * input has it (its own) and may be `undefined`. The field that fails is the one the loop is at.
 */
export const table = <A>(entries: () => ReadonlyArray<Entry<A>>): Decoder<A> => {
  let rows: ReadonlyArray<readonly [wire: string, decode: Field<unknown>, optional: boolean, key: string]> | undefined
  return (input) => {
    rows ??= entries().map(([wire, decode, optional, key]) => [wire, decode, optional === 1, key ?? camel(wire)])
    if (!isRecord(input)) return expected("an object", input)
    const out: { [key: string]: unknown } = {}
    let wire = ""
    try {
      // Not destructured: `const [a, b] = row` goes through the array iterator, a tenth of the time here.
      for (const row of rows) {
        wire = row[0]
        if (row[2] && !hasOwnProperty.call(input, wire)) continue
        const value = input[wire]
        out[row[3]] = row[2] && value === undefined ? value : thrown(row[1](value))
      }
    } catch (error) {
      if (!(error instanceof DecodeFailure)) throw error
      return at(error, wire, input)
    }
    return complete<A>(out)
  }
}

/**
 * The failure of item or property `key` (of `input`, when a struct's): the key goes in front of the path,
 * and `is missing` is the message when the input has no such own property.
 */
const at = (failure: DecodeFailure, key: PropertyKey | undefined, input?: Input): DecodeFailure => {
  if (key === undefined) return failure
  failure.path.unshift(key)
  if (input !== undefined && !hasOwnProperty.call(input, key)) failure.message = "is missing"
  return failure
}

/** `Schema.Array(item)`: a new array of the decoded items. */
export const array = <A>(input: unknown, item: Decoder<A>): DecodeResult<ReadonlyArray<A>> => {
  if (!Array.isArray(input)) return expected("an array", input)
  const length = input.length
  const out: Array<A> = new Array(length)
  for (let i = 0; i < length; i++) {
    const result = item(input[i])
    if (result instanceof DecodeFailure) return at(result, i)
    out[i] = result
  }
  return out
}

/**
 * `Schema.Record({ key: Schema.String, value })`: a new object with the same keys (own, enumerable, strings:
 * those of `Object.keys`, in its order). A `__proto__` key is left out, as the Schema decode of a renamed
 * struct leaves it out (its second pass copies the keys that the first one set, and `__proto__` is not one
 * of them).
 */
export const record = <A>(input: unknown, value: Decoder<A>): DecodeResult<{ readonly [key: string]: A }> => {
  if (!isRecord(input)) return expected("an object", input)
  const out: { [key: string]: A } = {}
  for (const key in input) {
    if (!hasOwnProperty.call(input, key)) continue
    const result = value(input[key])
    if (result instanceof DecodeFailure) return at(result, key)
    if (key !== "__proto__") out[key] = result
  }
  return out
}

/**
 * `Metadata` (a Record of `Schema.Unknown`): `record` without a decoder to call. `for … in` with
 * `hasOwnProperty` is what V8 optimises best (its enum cache), a fifth faster than `Object.keys`.
 */
export const metadata = (input: unknown): DecodeResult<{ readonly [key: string]: unknown }> => {
  if (!isRecord(input)) return expected("an object", input)
  const out: { [key: string]: unknown } = {}
  for (const key in input) {
    if (hasOwnProperty.call(input, key) && key !== "__proto__") out[key] = input[key]
  }
  return out
}

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
        else first ??= at(new DecodeFailure([], `Expected one of ${Object.keys(buckets).join(", ")}`), name)
      } else {
        first ??= at(new DecodeFailure([], "is missing"), name)
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
  return first ?? new DecodeFailure([], "Expected a member of the union")
}

/** The decoder that accepts anything (`Schema.Unknown`). */
export const unknown = (value: unknown): unknown => value

/**
 * `Schema.Union` without literal members: the members in order, the first that decodes wins, else the first
 * member's failure. `typeSide`, inside a renaming struct: the winner is decoded again by the Type-side
 * decoders of the members before it, and the first that accepts it gives the value (the Schema's second
 * pass). Both lists are read on the first call, as they may name decoders declared further down.
 *
 * `key` and `literals`: the members' optional literal property (`object` of the verifications) and each
 * member's literal (`null`: none). A member is not tried when the input has that property (its own) with
 * another value: it would fail, after a throw and a `careful` run (the verification of an email address
 * tries up to seven members). When every member fails, the first runs again for its failure, the one the
 * Schema reports.
 */
export const union = <A>(
  members: () => ReadonlyArray<Decoder<A>>,
  typeSide?: () => ReadonlyArray<Decoder<A>>,
  key = "",
  literals: ReadonlyArray<string | null> = []
): Decoder<A> => {
  let wire: ReadonlyArray<Decoder<A>> | undefined
  let again: ReadonlyArray<Decoder<A>> = []
  /** Member `i` of `list`, unless `input` has the member's literal property (its own) with another value. */
  const attempt = (list: ReadonlyArray<Decoder<A>>, i: number, input: unknown): DecodeResult<A> => {
    const literal = literals[i]
    const found = literal == null || !isRecordOrArray(input) ? undefined : input[key]
    return found !== undefined && found !== literal && hasOwnProperty.call(input, key) ? skipped : list[i]!(input)
  }
  return (input) => {
    wire ??= (again = typeSide?.() ?? [], members())
    for (let i = 0; i < wire.length; i++) {
      const result = attempt(wire, i, input)
      if (result instanceof DecodeFailure) continue
      for (let j = 0; j < i && j < again.length; j++) {
        const retyped = attempt(again, j, result)
        if (!(retyped instanceof DecodeFailure)) return retyped
      }
      return result
    }
    return wire[0]!(input)
  }
}

/** What a skipped member gives: a failure nobody reports (the union reports its first member's). */
const skipped = /*#__PURE__*/ new DecodeFailure([], "skipped")

