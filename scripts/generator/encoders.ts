/**
 * Encoder emission: `schemas/encoders/<Service>.ts`, one encoder per request Schema of the service (named like
 * it: `GetUserParams`), composed from the checks of `src/internal/encode.ts`. What the services send with, so
 * that a service bundle carries its own encoders and not the request Schemas (they stay the public types).
 *
 * An encoder mirrors `Schema.encodeUnknownEither` of the Schema `schemas.ts` writes for the same `Type`
 * (request mode), position by position: the same base check and filters in the same order, the same
 * container shapes, the same key renames. Where a failure message names a type (`Expected
 * ReadonlyArray<string>`, a struct that is not an object), the name is Effect's `String(ast)` of the Schema's
 * Type side, worked out here (`typeName`). test/encoders.test.ts proves each encoder equal to its Schema.
 */
import type { Service } from "./api.js"
import type { Expr } from "./code.js"
import { call, print, raw, str } from "./code.js"
import { header } from "./header.js"
import type { Field, Type } from "./ir.js"
import { snakeCase, TYPE_SIDE } from "../../src/internal/encode.js"
import { paramsName } from "./schemas.js"

const R = "E"

const num = (n: number): Expr => raw(String(n))

const runtime = (name: string): Expr => raw(`${R}.${name}`)

const helper = (name: string, ...args: ReadonlyArray<Expr>): Expr => call(`${R}.${name}`, ...args)

/** A struct with a renamed field becomes a Transformation, whose Type side Effect calls `TYPE_SIDE`. */
const renames = (fields: ReadonlyArray<Field>): boolean => fields.some((field) => field.key !== field.wire)

const stringFilters = (type: Extract<Type, { _tag: "String" }>): ReadonlyArray<{ title: string; expr: Expr }> => [
  ...(type.minLength !== undefined
    ? [{ title: `minLength(${type.minLength})`, expr: helper("minLength", num(type.minLength)) }]
    : []),
  ...(type.maxLength !== undefined
    ? [{ title: `maxLength(${type.maxLength})`, expr: helper("maxLength", num(type.maxLength)) }]
    : []),
  ...(type.pattern !== undefined
    ? [{
      // Effect gives `pattern` no title (a pattern can be long): its description names it.
      title: `a string matching the pattern ${new RegExp(type.pattern).source}`,
      expr: helper("pattern", { _tag: "Call", callee: "new RegExp", args: [str(type.pattern)], pure: true })
    }]
    : [])
]

const numberFilters = (type: Extract<Type, { _tag: "Number" }>): ReadonlyArray<{ title: string; expr: Expr }> => {
  const out: Array<{ title: string; expr: Expr }> = []
  if (type.minimum !== undefined) {
    const name = type.exclusiveMinimum === true ? "greaterThan" : "greaterThanOrEqualTo"
    out.push({ title: `${name}(${type.minimum})`, expr: helper(name, num(type.minimum)) })
  }
  if (type.maximum !== undefined) {
    const name = type.exclusiveMaximum === true ? "lessThan" : "lessThanOrEqualTo"
    out.push({ title: `${name}(${type.maximum})`, expr: helper(name, num(type.maximum)) })
  }
  return out
}

const arrayFilters = (type: Extract<Type, { _tag: "Array" }>): ReadonlyArray<{ title: string; expr: Expr }> => [
  ...(type.minItems !== undefined
    ? [{ title: `minItems(${type.minItems})`, expr: helper("minItems", num(type.minItems)) }]
    : []),
  ...(type.maxItems !== undefined
    ? [{ title: `maxItems(${type.maxItems})`, expr: helper("maxItems", num(type.maxItems)) }]
    : [])
]

/**
 * A refinement chain's name, as `AST.Refinement.toString` gives it: the title of each filter, joined by ` & `
 * after a base that is a refinement itself (`Int`), alone after a keyword or an array (`minLength(1)`).
 */
const refinedName = (base: string, baseIsRefinement: boolean, titles: ReadonlyArray<string>): string => {
  if (titles.length === 0) return base
  return [...(baseIsRefinement ? [base] : []), ...titles].join(" & ")
}

const literalName = (value: string | boolean): string => typeof value === "string" ? JSON.stringify(value) : String(value)

const arrayName = (type: Extract<Type, { _tag: "Array" }>): string => `ReadonlyArray<${typeName(type.items)}>`

/** Effect's `String(ast)` of the Type side of the request Schema of `type`. */
export const typeName = (type: Type): string => {
  switch (type._tag) {
    case "String":
      if (type.enum !== undefined) return type.enum.map(literalName).join(" | ")
      return refinedName("string", false, stringFilters(type).map((f) => f.title))
    case "Number":
      return refinedName(type.integer ? "Int" : "number", type.integer, numberFilters(type).map((f) => f.title))
    case "Boolean":
      return type.enum !== undefined ? type.enum.map(literalName).join(" | ") : "boolean"
    case "Array":
      return refinedName(arrayName(type), false, arrayFilters(type).map((f) => f.title))
    case "Struct":
      if (type.fields.length === 0) return "{}"
      if (renames(type.fields)) return TYPE_SIDE
      return `{ ${
        type.fields.map((f) => `readonly ${f.key}${f.required ? "" : "?"}: ${typeName(f.type)}${f.required ? "" : " | undefined"}`)
          .join("; ")
      } }`
    case "Record":
      return `{ readonly [x: string]: ${typeName(type.value)} }`
    case "Metadata":
      return "{ readonly [x: string]: unknown }"
    case "Unknown":
      return "unknown"
    case "File":
      return "Blob | Uint8ArrayFromSelf"
    case "Nullable":
      return `${typeName(type.type)} | null`
    case "Union":
      return type.members.map(typeName).join(" | ")
    case "Ref":
      throw new Error(`encoders: a request never refers to a model (${type.name})`)
  }
}

const refined = (base: Expr, filters: ReadonlyArray<{ expr: Expr }>): Expr =>
  filters.length === 0 ? base : helper("refine", base, ...filters.map((f) => f.expr))

/** The check of one position. */
const checkOf = (type: Type): Expr => {
  switch (type._tag) {
    case "String":
      if (type.enum !== undefined) return helper("literal", ...type.enum.map(str))
      return refined(runtime("string"), stringFilters(type))
    case "Number":
      return refined(runtime(type.integer ? "int" : "number"), numberFilters(type))
    case "Boolean":
      return type.enum !== undefined ? helper("literal", ...type.enum.map((b) => raw(String(b)))) : runtime("boolean")
    case "Array":
      // A value that is not an array fails the array itself, under the filters: `Expected ReadonlyArray<string>`.
      return helper("array", str(arrayName(type)), checkOf(type.items), ...arrayFilters(type).map((f) => f.expr))
    case "Struct":
      return structCheck(type.fields, typeName(type))
    case "Record":
      return helper("record", str(typeName(type)), checkOf(type.value))
    case "Metadata":
      return runtime("metadata")
    case "Unknown":
      return runtime("unknown")
    case "File":
      return runtime("file")
    case "Nullable":
      return helper("nullable", checkOf(type.type))
    case "Union":
      // Not in any request of the spec; a union of structs would need Effect's search tree mirrored.
      throw new Error("encoders: unions are not supported in requests")
    case "Ref":
      throw new Error(`encoders: a request never refers to a model (${type.name})`)
  }
}

const fieldExpr = (field: Field): Expr =>
  helper(
    field.required ? "required" : "optional",
    str(field.key),
    checkOf(field.type),
    // The runtime derives the wire name by `snakeCase` when it is left out; it is written when that would miss.
    ...(snakeCase(field.key) === field.wire ? [] : [str(field.wire)])
  )

/** `Schema.Struct({})` only refuses `null` and `undefined`, and returns the input itself. */
const structCheck = (fields: ReadonlyArray<Field>, expected: string): Expr =>
  fields.length === 0
    ? helper("nonNullable", str(expected))
    : helper(
      "struct",
      { _tag: "Array", items: fields.map(fieldExpr) },
      // `E.struct`'s default, left out: it would be repeated in most structs of every bundle.
      ...(expected === TYPE_SIDE ? [] : [str(expected)])
    )

/**
 * An operation's root: the Schema carries an `identifier`, which names it in messages unless it renames (the
 * Type side of a Transformation is `TYPE_SIDE`).
 */
const rootCheck = (fields: ReadonlyArray<Field>, identifier: string): Expr =>
  structCheck(fields, renames(fields) ? TYPE_SIDE : identifier)

export const serviceEncodersFile = (service: Service, specFile: string): string => {
  const blocks = service.operations.map((operation) => {
    const name = paramsName(operation)
    const head = `export const ${name}: ${R}.Encoder<S.${name}> = `
    const value = helper("encoder", rootCheck(operation.fields, name))
    return `/** Encodes the input of \`${service.group}.${operation.method}\` as \`S.${name}\` does. */\n` +
      `${head}${print(value, 0, head.length)}\n`
  })
  return [
    header([
      `The request encoders of the ${service.name} operations: each gives what \`Schema.encodeUnknownEither\` of`,
      `its Schema in schemas/${service.name}.ts gives (test/encoders.test.ts), without the Schema.`
    ], specFile),
    `import * as ${R} from "../../src/internal/encode.js"`,
    `import type * as S from "../${service.name}.js"`,
    "",
    blocks.join("\n")
  ].join("\n")
}
