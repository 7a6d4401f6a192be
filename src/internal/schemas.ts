/**
 * Schema building blocks the generated code shares.
 *
 * Cold start: every generated schema is built on first use (`lazy`). Once built, the generated files call
 * `NullOr` and `optional` hundreds of times with the same few arguments (`optional(Schema.String)` alone 171
 * times in Models.ts and WebhookEvents.ts). Each `Schema.NullOr` or `Schema.optional` call builds new classes (a
 * union; `optional` builds one only to read its AST), and a schema is an immutable value, so one instance per
 * argument serves every field that uses it. With `openEnum` built as one class, this took the package entry's
 * cold import from 133 to 114 ms (median, fresh processes; 845 → 724 M instructions), schemas unchanged.
 */
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"

/**
 * The schema `build` returns, built the first time anything reads it: a proxy that forwards every read to it.
 *
 * Why: the package entry loads every model and webhook event Schema, though the services decode with the
 * generated decoders; built as their modules load, they took about 40% of its cold import. Built on first use,
 * that import went from 118 to 72 ms (medians of seven fresh processes each, bundled; `bench/coldstart.ts`).
 * The cost moves to the first use: the first `Webhooks.verify` builds the webhook events' union (about 40 ms,
 * unbundled, the models it names included).
 *
 * The proxy is the built schema in all but identity: `Schema.decodeUnknown(User)`, `User.fields`,
 * `User.pipe(…)`, `Schema.Array(User)` and `Schema.isSchema(User)` all read through to it (test/schemas.test.ts).
 * Its target is an arrow function, so that `typeof` is `"function"` as for a schema class, and so that it has no
 * property of its own that the proxy would be bound to report: the built schema's own properties are reported as
 * configurable, which a proxy must do for properties its target lacks.
 */
export const lazy = <S extends object>(build: () => S): S => {
  let built: S | undefined
  const schema = (): S => (built ??= build())
  const target = (): void => {}
  const handler: ProxyHandler<typeof target> = {
    get: (_, key) => Reflect.get(schema(), key),
    has: (_, key) => Reflect.has(schema(), key),
    set: (_, key, value) => Reflect.set(schema(), key, value),
    ownKeys: () => Reflect.ownKeys(schema()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(schema(), key)
      return descriptor === undefined ? undefined : { ...descriptor, configurable: true }
    },
    getPrototypeOf: () => Reflect.getPrototypeOf(schema())
  }
  // The one cast here: every read goes to the value `build` returns, which is an `S`.
  return new Proxy(target, handler) as unknown as S
}

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
