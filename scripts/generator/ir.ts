/**
 * The generator's model of a schema: OpenAPI schema objects normalised into a few cases that map one to one
 * onto Effect Schemas. Responses and requests are normalised differently in one respect only: a request never
 * refers to a model (its component schemas are inlined, so that their enums stay closed and their constraints
 * are checked), and a response always does.
 */
import { camelCase } from "./naming.js"
import type { SchemaObject, Spec } from "./spec.js"
import { refName, resolveSchema } from "./spec.js"

export type Type =
  | { readonly _tag: "Ref"; readonly name: string }
  | {
    readonly _tag: "String"
    readonly enum?: ReadonlyArray<string> | undefined
    /** A response enum that stays closed: the discriminator of a union's variant. */
    readonly closed?: boolean | undefined
    readonly pattern?: string | undefined
    readonly minLength?: number | undefined
    readonly maxLength?: number | undefined
    readonly format?: string | undefined
  }
  | {
    readonly _tag: "Number"
    readonly integer: boolean
    readonly minimum?: number | undefined
    readonly maximum?: number | undefined
    readonly exclusiveMinimum?: boolean | undefined
    readonly exclusiveMaximum?: boolean | undefined
  }
  | { readonly _tag: "Boolean"; readonly enum?: ReadonlyArray<boolean> | undefined }
  | { readonly _tag: "Array"; readonly items: Type; readonly minItems?: number | undefined; readonly maxItems?: number | undefined }
  | {
    readonly _tag: "Struct"
    readonly fields: ReadonlyArray<Field>
    /**
     * `anyOf: [{required: [domain]}, {required: [domains]}]`: one of these sets of wire names must be present
     * too. Not enforced by the schema (the server says which one is missing); the contract samples fill the first.
     */
    readonly alternatives?: ReadonlyArray<ReadonlyArray<string>> | undefined
  }
  | { readonly _tag: "Record"; readonly value: Type }
  | { readonly _tag: "Metadata" }
  | { readonly _tag: "Unknown" }
  | { readonly _tag: "Union"; readonly members: ReadonlyArray<Type> }
  | { readonly _tag: "File" }
  | { readonly _tag: "Nullable"; readonly type: Type }

export interface Field {
  /** The name on the wire: `first_name`. */
  readonly wire: string
  /** The name on the Type side: `firstName`. */
  readonly key: string
  readonly required: boolean
  readonly type: Type
  readonly description?: string | undefined
  readonly deprecated: boolean
}

export type Mode = "request" | "response"

export interface Context {
  readonly spec: Spec
  readonly mode: Mode
  /** `Schema.property` pairs whose enum stays a closed literal in responses (union discriminators). */
  readonly discriminators: ReadonlySet<string>
  /** The name of the model a component schema becomes. */
  readonly modelName: (specName: string) => string
  /** The component schema being normalised, if any. */
  readonly component?: string | undefined
  /** The property being normalised is a union discriminator: its enum stays closed. */
  readonly discriminator?: boolean | undefined
}

export const toType = (schema: SchemaObject, ctx: Context): Type => {
  if (schema.$ref !== undefined) {
    const name = refName(schema.$ref)
    if (ctx.mode === "response") return { _tag: "Ref", name: ctx.modelName(name) }
    return toType(resolveSchema(ctx.spec, schema), { ...ctx, component: name })
  }
  const type = baseType(schema, ctx)
  if (schema.nullable === true && type._tag !== "Unknown" && type._tag !== "Nullable") {
    return { _tag: "Nullable", type }
  }
  return type
}

const baseType = (schema: SchemaObject, ctx: Context): Type => {
  const nested: Context = { ...ctx, component: undefined, discriminator: undefined }
  if (schema.allOf !== undefined) {
    // A single-element `allOf` only wraps a `$ref` to add a description or `nullable`.
    const [only] = schema.allOf
    if (schema.allOf.length === 1 && only !== undefined && schema.properties === undefined) {
      return stripNullable(toType(only, nested))
    }
    return struct(mergeAllOf(schema, ctx.spec), nested)
  }
  if (schema.oneOf !== undefined || (schema.anyOf !== undefined && schema.properties === undefined)) {
    // `anyOf` next to `properties` only states which of them are required (`domain` or `domains`): ignored.
    const members = schema.oneOf ?? schema.anyOf ?? []
    const [only] = members
    if (members.length === 1 && only !== undefined) return stripNullable(toType(only, nested))
    return { _tag: "Union", members: members.map((member) => stripNullable(toType(member, nested))) }
  }
  switch (schema.type) {
    case "string": {
      if (schema.format === "binary") return { _tag: "File" }
      const enumValues = schema.enum?.map(String)
      return {
        _tag: "String",
        enum: enumValues,
        closed: ctx.discriminator,
        pattern: schema.pattern,
        minLength: schema.minLength,
        maxLength: schema.maxLength,
        format: schema.format
      }
    }
    case "integer":
    case "number":
      return {
        _tag: "Number",
        integer: schema.type === "integer",
        minimum: schema.minimum,
        maximum: schema.maximum,
        exclusiveMinimum: schema.exclusiveMinimum,
        exclusiveMaximum: schema.exclusiveMaximum
      }
    case "boolean":
      return { _tag: "Boolean", enum: schema.enum?.map((value) => value === true) }
    case "array":
      if (schema.items === undefined) throw new Error("array without items")
      return {
        _tag: "Array",
        items: toType(schema.items, nested),
        minItems: schema.minItems,
        maxItems: schema.maxItems
      }
    case "object":
    case undefined: {
      if (schema.properties !== undefined && Object.keys(schema.properties).length > 0) return struct(schema, ctx)
      if (typeof schema.additionalProperties === "object") {
        return { _tag: "Record", value: toType(schema.additionalProperties, nested) }
      }
      // Spec defect: `claims` (API keys, M2M tokens) is only `nullable: true`, with no type at all. A schema
      // with no type, no properties and no composition is any JSON value.
      if (schema.type === undefined) return { _tag: "Unknown" }
      // `additionalProperties: true`, or a free-form `type: object`: a metadata bag, keys untouched.
      return { _tag: "Metadata" }
    }
    default:
      throw new Error(`Unsupported schema type ${schema.type}`)
  }
}

const stripNullable = (type: Type): Type => type._tag === "Nullable" ? type.type : type

/** The properties and `required` of every part of an `allOf`, merged (later parts win). */
const mergeAllOf = (schema: SchemaObject, spec: Spec): SchemaObject => {
  const properties: Record<string, SchemaObject> = {}
  const required = new Set<string>()
  const add = (part: SchemaObject): void => {
    const resolved = resolveSchema(spec, part)
    for (const sub of resolved.allOf ?? []) add(sub)
    Object.assign(properties, resolved.properties ?? {})
    for (const key of resolved.required ?? []) required.add(key)
  }
  for (const part of schema.allOf ?? []) add(part)
  Object.assign(properties, schema.properties ?? {})
  for (const key of schema.required ?? []) required.add(key)
  return { type: "object", properties, required: [...required].filter((key) => key in properties) }
}

const struct = (schema: SchemaObject, ctx: Context): Type => {
  const required = new Set(schema.required ?? [])
  const fields = Object.entries(schema.properties ?? {}).map(([wire, property]): Field => {
    const discriminator = ctx.component !== undefined && ctx.discriminators.has(`${ctx.component}.${wire}`)
    const fieldCtx: Context = { ...ctx, component: undefined, discriminator: discriminator ? true : undefined }
    return {
      wire,
      key: camelCase(wire),
      required: required.has(wire),
      type: toType(property, fieldCtx),
      description: property.description,
      deprecated: property.deprecated === true
    }
  })
  const keys = new Set<string>()
  for (const field of fields) {
    if (keys.has(field.key)) throw new Error(`Two properties named ${field.key} in one object`)
    keys.add(field.key)
  }
  const alternatives = schema.anyOf?.map((alternative) => alternative.required ?? []).filter((names) => names.length > 0)
  return alternatives === undefined || alternatives.length === 0
    ? { _tag: "Struct", fields }
    : { _tag: "Struct", fields, alternatives }
}

/**
 * The discriminators of `oneOf` unions: the `discriminator.propertyName` of each variant, or, for a union
 * without one (`SessionRefresh` = `Token | Cookies`), `object` when every variant has its own single `object`
 * value. In responses these stay closed literals so that the union can tell its members apart.
 */
export const discriminators = (spec: Spec): ReadonlySet<string> => {
  const out = new Set<string>()
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit)
    if (node === null || typeof node !== "object") return
    const schema: SchemaObject = node
    const variants = schema.oneOf
    if (variants !== undefined && variants.length > 1 && variants.every((v) => v.$ref !== undefined)) {
      const names = variants.map((v) => refName(v.$ref ?? ""))
      const property = schema.discriminator?.propertyName ?? "object"
      const values = names.map((name) => spec.components.schemas[name]?.properties?.[property]?.enum)
      if (values.every((v) => v?.length === 1) && new Set(values.map((v) => v?.[0])).size === values.length) {
        for (const name of names) out.add(`${name}.${property}`)
      }
    }
    for (const value of Object.values(node)) visit(value)
  }
  visit(spec)
  return out
}

/** The models a type refers to. */
export const references = (type: Type, out: Set<string> = new Set()): Set<string> => {
  switch (type._tag) {
    case "Ref":
      out.add(type.name)
      break
    case "Array":
      references(type.items, out)
      break
    case "Struct":
      for (const field of type.fields) references(field.type, out)
      break
    case "Record":
      references(type.value, out)
      break
    case "Union":
      for (const member of type.members) references(member, out)
      break
    case "Nullable":
      references(type.type, out)
      break
    default:
      break
  }
  return out
}
