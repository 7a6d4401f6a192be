/**
 * Schema building blocks the generated code shares.
 */
import * as Schema from "effect/Schema"

/**
 * A response enum that stays open: the known literals, plus any other string, so a value Clerk adds
 * tomorrow still decodes. Typed `"a" | "b" | (string & {})`, which keeps the literals visible to editors.
 */
export const openEnum = <const L extends ReadonlyArray<string>>(
  ...literals: L
): Schema.Schema<L[number] | (string & {}), string> => Schema.Union(Schema.Literal(...literals), Schema.String)

/**
 * A metadata bag: keys are left exactly as they are, values are any JSON.
 */
export const Metadata = Schema.Record({ key: Schema.String, value: Schema.Unknown })

/**
 * What an upload takes: a `Blob` (a `File` is one) or raw bytes.
 */
export const FileInput = Schema.Union(Schema.instanceOf(Blob), Schema.Uint8ArrayFromSelf)
