/**
 * Schema building blocks the generated code shares.
 *
 * Cold start: importing the package builds every generated schema, and the generated files call `NullOr` and
 * `optional` hundreds of times with the same few arguments (`optional(Schema.String)` alone 171 times
 * in Models.ts and WebhookEvents.ts). Each `Schema.NullOr` or `Schema.optional` call builds new classes (a
 * union; `optional` builds one only to read its AST), and a schema is an immutable value, so one instance per
 * argument serves every field that uses it. With `openEnum` built as one class, this took the package entry's
 * cold import from 133 to 114 ms (median, fresh processes; 845 → 724 M instructions), schemas unchanged.
 */
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"

/** `f`, answering the same result for the same argument (compared by identity). */
const memoise = <A extends object, B>(f: (a: A) => B): (a: A) => B => {
  const cache = new WeakMap<A, B>()
  return (a) => {
    let b = cache.get(a)
    if (b === undefined) {
      b = f(a)
      cache.set(a, b)
    }
    return b
  }
}

/** `Schema.NullOr`, memoised: one union per member schema. */
export const NullOr: typeof Schema.NullOr = /*#__PURE__*/ memoise(Schema.NullOr)

/** `Schema.optional`, memoised: one property signature per schema. */
export const optional: typeof Schema.optional = /*#__PURE__*/ memoise(Schema.optional)

/**
 * A response enum that stays open: the known literals, plus any other string, so a value Clerk adds
 * tomorrow still decodes. Typed `"a" | "b" | (string & {})`, which keeps the literals visible to editors.
 *
 * The schema of `Schema.Union(Schema.Literal(...literals), Schema.String)`, with the same AST, built as one
 * class rather than four (a `Union` and a `Literal` are two each).
 */
export const openEnum = <const L extends ReadonlyArray<string>>(
  ...literals: L
): Schema.Schema<L[number] | (string & {}), string> => {
  const known = literals.map((literal): AST.AST => new AST.Literal(literal))
  return Schema.make(AST.Union.make([AST.Union.make(known), AST.stringKeyword]))
}

/**
 * A metadata bag: keys are left exactly as they are, values are any JSON.
 */
export const Metadata = Schema.Record({ key: Schema.String, value: Schema.Unknown })

/**
 * What an upload takes: a `Blob` (a `File` is one) or raw bytes.
 */
export const FileInput = Schema.Union(Schema.instanceOf(Blob), Schema.Uint8ArrayFromSelf)
