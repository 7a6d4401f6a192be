/**
 * Schema emission: `schemas/Models.ts` (the component schemas, as response schemas) and `schemas/<Service>.ts`
 * (each operation's input, and its inline success body).
 *
 * Responses are lenient: open enums, no constraints, extra properties ignored. Requests are strict: closed
 * enums, and every minimum, maximum, length, pattern and item count of the spec, so that bad input fails with
 * `ClerkInvalidInput` before anything is sent.
 */
import type { Api, Operation, Service } from "./api.js"
import type { Expr } from "./code.js"
import { arrow, call, firstParagraph, jsDoc, method, object, print, raw, str, WIDTH } from "./code.js"
import type { Field, Mode, Type } from "./ir.js"
import { header } from "./header.js"

/** What a file needs to import, collected while its schemas are emitted. */
export interface Uses {
  models: boolean
  metadata: boolean
  openEnum: boolean
  fileInput: boolean
  nullOr: boolean
  optional: boolean
}

export const noUses = (): Uses => ({
  models: false,
  metadata: false,
  openEnum: false,
  fileInput: false,
  nullOr: false,
  optional: false
})

export interface Options {
  readonly mode: Mode
  /** How models are named from here: `""` in Models.ts, `"Models."` elsewhere. */
  readonly modelPrefix: string
  readonly uses: Uses
  /** Schemas declared in the file being written, named without the prefix (WebhookEvents.ts). */
  readonly local?: ReadonlySet<string> | undefined
}

const withFilters = (base: Expr, filters: ReadonlyArray<Expr>): Expr =>
  filters.length === 0 ? base : method(base, "pipe", ...filters)

const num = (n: number): Expr => raw(String(n))

export const schemaOf = (type: Type, options: Options): Expr => {
  const request = options.mode === "request"
  switch (type._tag) {
    case "Ref":
      if (options.local?.has(type.name) === true) return raw(type.name)
      if (options.modelPrefix !== "") options.uses.models = true
      return raw(`${options.modelPrefix}${type.name}`)
    case "String": {
      if (type.enum !== undefined) {
        if (request || type.closed === true) return call("Schema.Literal", ...type.enum.map(str))
        options.uses.openEnum = true
        return call("openEnum", ...type.enum.map(str))
      }
      if (!request) return raw("Schema.String")
      const filters: Array<Expr> = []
      if (type.minLength !== undefined) filters.push(call("Schema.minLength", num(type.minLength)))
      if (type.maxLength !== undefined) filters.push(call("Schema.maxLength", num(type.maxLength)))
      if (type.pattern !== undefined) {
        filters.push(call("Schema.pattern", { _tag: "Call", callee: "new RegExp", args: [str(type.pattern)], pure: true }))
      }
      return withFilters(raw("Schema.String"), filters)
    }
    case "Number": {
      if (!request) return raw("Schema.Number")
      const filters: Array<Expr> = []
      if (type.minimum !== undefined) {
        filters.push(call(type.exclusiveMinimum === true ? "Schema.greaterThan" : "Schema.greaterThanOrEqualTo", num(type.minimum)))
      }
      if (type.maximum !== undefined) {
        filters.push(call(type.exclusiveMaximum === true ? "Schema.lessThan" : "Schema.lessThanOrEqualTo", num(type.maximum)))
      }
      return withFilters(raw(type.integer ? "Schema.Int" : "Schema.Number"), filters)
    }
    case "Boolean":
      if (request && type.enum !== undefined) return call("Schema.Literal", ...type.enum.map((b) => raw(String(b))))
      return raw("Schema.Boolean")
    case "Array": {
      const array = call("Schema.Array", schemaOf(type.items, options))
      if (!request) return array
      const filters: Array<Expr> = []
      if (type.minItems !== undefined) filters.push(call("Schema.minItems", num(type.minItems)))
      if (type.maxItems !== undefined) filters.push(call("Schema.maxItems", num(type.maxItems)))
      return withFilters(array, filters)
    }
    case "Struct":
      return call("Schema.Struct", object(type.fields.map((field) => fieldEntry(field, options)), true))
    case "Record":
      return call(
        "Schema.Record",
        object([{ key: "key", value: raw("Schema.String") }, { key: "value", value: schemaOf(type.value, options) }])
      )
    case "Metadata":
      options.uses.metadata = true
      return raw("Metadata")
    case "Unknown":
      return raw("Schema.Unknown")
    case "Union":
      return call("Schema.Union", ...type.members.map((member) => schemaOf(member, options)))
    case "File":
      options.uses.fileInput = true
      return raw("FileInput")
    case "Nullable":
      // The memoised `Schema.NullOr` of src/internal/schemas.ts: one instance per member (cold start).
      options.uses.nullOr = true
      return call("NullOr", schemaOf(type.type, options))
  }
}

/**
 * A property signature: camelCase on the Type side, the wire name on the Encoded side (data-first `fromKey`, so
 * that every call can carry its own annotation).
 */
const propertySignature = (field: Field, options: Options): Expr => {
  const schema = schemaOf(field.type, options)
  const renamed = field.key !== field.wire
  if (field.required) {
    return renamed ? call("Schema.fromKey", call("Schema.propertySignature", schema), str(field.wire)) : schema
  }
  // The memoised `Schema.optional` of src/internal/schemas.ts: one instance per schema (cold start).
  options.uses.optional = true
  const optional = call("optional", schema)
  return renamed ? call("Schema.fromKey", optional, str(field.wire)) : optional
}

const fieldDoc = (field: Field): ReadonlyArray<string> => [
  firstParagraph(field.description),
  ...(field.deprecated ? ["@deprecated"] : [])
]

const fieldEntry = (field: Field, options: Options) => ({
  key: field.key,
  value: propertySignature(field, options),
  doc: fieldDoc(field)
})

/**
 * `export const X = …` with its type: an interface for a Struct (it reads as `User` in editors), a type alias
 * for anything else.
 */
export const declaration = (
  name: string,
  type: Type,
  options: Options,
  doc: ReadonlyArray<string>
): string => declareSchema(name, schemaOf(type, options), type._tag === "Struct", doc)

/**
 * `declaration`, for a schema built as an expression: `struct` says whether its type gets an interface. The
 * type alias is `typeAlias` when given (a union of the interfaces it is made of reads better than the
 * schema's structural type).
 */
export const declareSchema = (
  name: string,
  schema: Expr,
  struct: boolean,
  doc: ReadonlyArray<string>,
  typeAlias?: string
): string => {
  const annotated = method(schema, "annotations", object([{ key: "identifier", value: str(name) }]))
  const head = `export const ${name} = `
  // Built on first use (src/internal/schemas.ts `lazy`): a module's import builds none of its Schemas.
  const value = print(call("lazy", arrow("()", annotated)), 0, head.length)
  const extendsClause = `extends Schema.Schema.Type<typeof ${name}>`
  const typeLine = typeAlias !== undefined
    ? `export type ${name} =${typeAlias.startsWith("\n") ? "" : " "}${typeAlias}`
    : !struct
    ? `export type ${name} = Schema.Schema.Type<typeof ${name}>`
    : `export interface ${name} ${extendsClause} {}`.length <= WIDTH
    ? `export interface ${name} ${extendsClause} {}`
    : `export interface ${name}\n  ${extendsClause}\n{}`
  return `${jsDoc(doc, 0)}${head}${value}\n${typeLine}\n`
}

export const imports = (uses: Uses, extra: ReadonlyArray<string> = []): string => {
  // Every file of schemas declares some, each through `declareSchema`, so each uses `lazy`.
  const helpers = [
    ...(uses.fileInput ? ["FileInput"] : []),
    "lazy",
    ...(uses.metadata ? ["Metadata"] : []),
    ...(uses.nullOr ? ["NullOr"] : []),
    ...(uses.openEnum ? ["openEnum"] : []),
    ...(uses.optional ? ["optional"] : [])
  ]
  return [
    `import * as Schema from "effect/Schema"`,
    ...(helpers.length > 0 ? [`import { ${helpers.join(", ")} } from "../src/internal/schemas.js"`] : []),
    ...extra
  ].join("\n")
}

export const modelsFile = (api: Api, specFile: string): string => {
  const uses = noUses()
  const options: Options = { mode: "response", modelPrefix: "", uses }
  const body = api.models
    .map((model) => {
      return declaration(model.name, model.type, options, [firstParagraph(model.description), model.origin ?? ""])
    })
    .join("\n")
  return [
    header(
      [
        "The models of Clerk's Backend API: every component schema of the spec (and the inline schemas of its",
        "component responses), as response schemas: camelCase fields, open enums, no constraints."
      ],
      specFile
    ),
    imports(uses),
    "",
    body
  ].join("\n")
}

export const paramsName = (operation: Operation): string => `${operation.name}Params`

export const responseName = (operation: Operation): string => `${operation.name}Response`

/** The success schema is inline (named after the operation) rather than a model. */
export const hasInlineResponse = (operation: Operation): boolean =>
  operation.success._tag === "Json" && operation.success.type._tag !== "Ref"

export const serviceSchemasFile = (service: Service, specFile: string): string => {
  const uses = noUses()
  const request: Options = { mode: "request", modelPrefix: "Models.", uses }
  const response: Options = { mode: "response", modelPrefix: "Models.", uses }
  const blocks: Array<string> = []
  for (const operation of service.operations) {
    const inputType: Type = { _tag: "Struct", fields: operation.fields }
    blocks.push(declaration(paramsName(operation), inputType, request, [
      `The input of \`${service.group}.${operation.method}\` (\`${operation.httpMethod} ${operation.path}\`): path, query and ` +
      "body fields together, camelCase; the wire names are on the Encoded side."
    ]))
    if (operation.success._tag === "Json" && hasInlineResponse(operation)) {
      blocks.push(declaration(responseName(operation), operation.success.type, response, [
        `The success body of \`${service.group}.${operation.method}\`.`
      ]))
    }
  }
  return [
    header([`The schemas of the ${service.name} operations: their inputs and inline success bodies.`], specFile),
    imports(uses, uses.models ? [`import * as Models from "./Models.js"`] : []),
    "",
    blocks.join("\n")
  ].join("\n")
}

export const schemasIndexFile = (api: Api, specFile: string): string =>
  [
    header(["Every schema: the models, and each service's operation schemas as a namespace."], specFile),
    `export * from "./Models.js"`,
    ...api.services.map((service) => `export * as ${service.name}Schemas from "./${service.name}.js"`),
    ""
  ].join("\n")
