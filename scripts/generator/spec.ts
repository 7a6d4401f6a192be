/**
 * Loading the OpenAPI document, and the fixes for the defects of Clerk's spec that the generator knows about.
 *
 * Every fix is a small function below with a comment naming the defect. They run on the parsed document before
 * anything else looks at it, so the rest of the generator only ever sees a spec without those defects.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { parse } from "yaml"

/** An OpenAPI 3.0 schema object, as far as the generator reads it. */
export interface SchemaObject {
  readonly $ref?: string
  type?: string
  format?: string
  description?: string
  deprecated?: boolean
  nullable?: boolean
  enum?: ReadonlyArray<string | number | boolean>
  pattern?: string
  minLength?: number
  maxLength?: number
  minimum?: number
  maximum?: number
  exclusiveMinimum?: boolean
  exclusiveMaximum?: boolean
  minItems?: number
  maxItems?: number
  items?: SchemaObject
  properties?: Record<string, SchemaObject>
  required?: Array<string>
  additionalProperties?: boolean | SchemaObject
  allOf?: ReadonlyArray<SchemaObject>
  oneOf?: ReadonlyArray<SchemaObject>
  anyOf?: ReadonlyArray<SchemaObject>
  discriminator?: { readonly propertyName: string; readonly mapping?: Record<string, string> }
  "x-speakeasy-name-override"?: string
  /** Set by the fixes below: where a schema comes from, for the model's JSDoc. */
  "x-effect-clerk-origin"?: string
}

export interface MediaType {
  schema?: SchemaObject
}

export interface ResponseObject {
  readonly $ref?: string
  readonly description?: string
  content?: Record<string, MediaType>
}

export interface ParameterObject {
  readonly $ref?: string
  readonly name: string
  readonly in: "path" | "query" | "header" | "cookie"
  readonly description?: string
  readonly required?: boolean
  readonly deprecated?: boolean
  readonly style?: string
  readonly explode?: boolean
  readonly schema: SchemaObject
}

export interface RequestBodyObject {
  readonly required?: boolean
  readonly content: Record<string, MediaType>
}

export interface OperationObject {
  readonly operationId: string
  readonly summary?: string
  readonly description?: string
  readonly deprecated?: boolean
  readonly tags?: ReadonlyArray<string>
  readonly parameters?: ReadonlyArray<ParameterObject>
  readonly requestBody?: RequestBodyObject
  readonly responses: Record<string, ResponseObject>
  readonly "x-speakeasy-group"?: string
  readonly "x-speakeasy-name-override"?: string
}

export type HttpMethod = "get" | "post" | "put" | "patch" | "delete"

export const httpMethods: ReadonlyArray<HttpMethod> = ["get", "post", "put", "patch", "delete"]

export interface Spec {
  readonly info: { readonly title: string; readonly version: string }
  readonly tags?: ReadonlyArray<{ readonly name: string; readonly description?: string }>
  readonly paths: Record<string, Partial<Record<HttpMethod, OperationObject>>>
  readonly components: {
    schemas: Record<string, SchemaObject>
    responses: Record<string, ResponseObject>
    parameters: Record<string, ParameterObject>
  }
}

export interface LoadedSpec {
  readonly spec: Spec
  /** The spec's file name, for the headers of the generated files. */
  readonly fileName: string
  /** What each fix changed, for the generator's log. */
  readonly fixes: ReadonlyArray<string>
  /**
   * Each component schema as the file spells it (JSON), before any fix, under its name in the file: what the
   * webhooks spec's copies are compared with (webhooks.ts).
   */
  readonly originals: ReadonlyMap<string, string>
}

export const load = (file: string): LoadedSpec => {
  const text = fs.readFileSync(file, "utf8")
  // The document is plain JSON-compatible YAML; its shape is checked where it is read.
  const spec: Spec = parse(text)
  const originals = originalSchemas(spec.components.schemas)
  const fixes: Array<string> = []
  dropUndefinedRequired(spec, fixes)
  renameDuplicateSchemas(spec, fixes)
  flattenJwksKeys(spec, fixes)
  nameOAuthAccessTokenItem(spec, fixes)
  hoistComponentResponseSchemas(spec, fixes)
  requireUploadedFile(spec, fixes)
  allowMissingInviter(spec, fixes)
  return { spec, fileName: path.basename(file), fixes, originals }
}

/** Each schema as JSON, taken before the fixes change any of them. */
export const originalSchemas = (schemas: Readonly<Record<string, SchemaObject>>): ReadonlyMap<string, string> =>
  new Map(Object.entries(schemas).map(([name, schema]) => [name, JSON.stringify(schema)]))

/** The component schema a `$ref` points at (`#/components/schemas/User` → `User`). */
export const refName = (ref: string): string => {
  const prefix = "#/components/schemas/"
  if (!ref.startsWith(prefix)) throw new Error(`Unsupported $ref ${ref}`)
  return ref.slice(prefix.length)
}

export const schemaRef = (name: string): SchemaObject => ({ $ref: `#/components/schemas/${name}` })

export const resolveSchema = (spec: Spec, schema: SchemaObject): SchemaObject => {
  if (schema.$ref === undefined) return schema
  const target = spec.components.schemas[refName(schema.$ref)]
  if (target === undefined) throw new Error(`Dangling $ref ${schema.$ref}`)
  return resolveSchema(spec, target)
}

export const resolveResponse = (spec: Spec, response: ResponseObject): ResponseObject => {
  if (response.$ref === undefined) return response
  const name = response.$ref.replace("#/components/responses/", "")
  const target = spec.components.responses[name]
  if (target === undefined) throw new Error(`Dangling $ref ${response.$ref}`)
  return target
}

export const resolveParameter = (spec: Spec, parameter: ParameterObject): ParameterObject => {
  if (parameter.$ref === undefined) return parameter
  const name = parameter.$ref.replace("#/components/parameters/", "")
  const target = spec.components.parameters[name]
  if (target === undefined) throw new Error(`Dangling $ref ${parameter.$ref}`)
  return target
}

/**
 * Spec defect: `SAMLConnection` and `EnterpriseConnection` list `authenticatable` and
 * `disable_jit_provisioning` in `required` without defining them, and `JWKS.rsa.PrivateKey` requires an
 * undefined `crv`. A required name with no property is dropped from `required`.
 */
export const dropUndefinedRequired = (spec: Spec, fixes: Array<string>): void => {
  for (const [name, schema] of Object.entries(spec.components.schemas)) {
    const properties = schema.properties
    if (properties === undefined || schema.required === undefined) continue
    const missing = schema.required.filter((key) => !(key in properties))
    if (missing.length === 0) continue
    schema.required = schema.required.filter((key) => key in properties)
    fixes.push(`${name}: dropped undefined required properties ${missing.join(", ")}`)
  }
}

/**
 * Spec defect: the billing schemas come in `X` / `X-2` pairs with the same `object` value and different
 * shapes. The `-2` copies get names that say what sets them apart:
 *
 * - `CommerceSubscriptionItem-2` (returned by `ExtendBillingSubscriptionItemFreeTrial` and inside price
 *   transitions) carries `payment_source`, `amount` and `next_invoice` → `CommerceSubscriptionItemWithPaymentSource`;
 *   its plan (`CommercePlan-2`, flat `amount`/`currency` fields) → `CommercePlanWithAmounts`, that plan's features
 *   (`FeatureResponse-2`, non-nullable description) → `CommercePlanFeature`, and its payer
 *   (`CommercePayerResponse-2`, contact fields required) → `CommerceSubscriptionItemPayer`.
 * - `CommerceTotalsResponse-2`, `CommercePerUnitTotal-2`, `CommercePerUnitTotalTier-2` are the totals the
 *   billing schemas use (with `BillingDiscountsResponse`) → `BillingTotalsResponse`, `BillingPerUnitTotal`,
 *   `BillingPerUnitTotalTier`.
 */
export const duplicateSchemaNames: Readonly<Record<string, string>> = {
  "CommerceSubscriptionItem-2": "CommerceSubscriptionItemWithPaymentSource",
  "CommercePlan-2": "CommercePlanWithAmounts",
  "FeatureResponse-2": "CommercePlanFeature",
  "CommercePayerResponse-2": "CommerceSubscriptionItemPayer",
  "CommerceTotalsResponse-2": "BillingTotalsResponse",
  "CommercePerUnitTotal-2": "BillingPerUnitTotal",
  "CommercePerUnitTotalTier-2": "BillingPerUnitTotalTier"
}

const renameDuplicateSchemas = (spec: Spec, fixes: Array<string>): void => {
  const schemas = spec.components.schemas
  const duplicates = Object.keys(schemas).filter((name) => /-\d+$/.test(name))
  for (const name of duplicates) {
    const target = duplicateSchemaNames[name]
    if (target === undefined) throw new Error(`New duplicate schema ${name}: give it a name in duplicateSchemaNames`)
    if (target in schemas) throw new Error(`Renaming ${name} to ${target} collides with an existing schema`)
  }
  const renamed: Record<string, SchemaObject> = {}
  for (const [name, schema] of Object.entries(schemas)) {
    const target = duplicateSchemaNames[name]
    if (target !== undefined) {
      schema["x-effect-clerk-origin"] = `Spec name: \`${name}\`, a second \`${name.replace(/-\d+$/, "")}\` with another shape (renamed by the generator).`
    }
    renamed[target ?? name] = schema
  }
  spec.components.schemas = renamed
  const rewrite = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(rewrite)
    if (node === null || typeof node !== "object") return
    const record: Record<string, unknown> = node as Record<string, unknown>
    const ref = record["$ref"]
    if (typeof ref === "string" && ref.startsWith("#/components/schemas/")) {
      const target = duplicateSchemaNames[refName(ref)]
      if (target !== undefined) record["$ref"] = `#/components/schemas/${target}`
    }
    for (const value of Object.values(record)) rewrite(value)
  }
  rewrite(spec)
  if (duplicates.length > 0) fixes.push(`renamed duplicate schemas: ${duplicates.map((d) => `${d} → ${duplicateSchemaNames[d]}`).join(", ")}`)
}

/**
 * Spec defect: `JWKS.keys.items` is a `oneOf` of seven key types that no validator can tell apart (private keys
 * are supersets of public ones, and `kty` is shared). As Clerk's own Speakeasy overlay does, the keys become one
 * loose object (`JwksKey`) whose properties are those of all seven, each optional.
 */
export const jwksKeyName = "JwksKey"

const flattenJwksKeys = (spec: Spec, fixes: Array<string>): void => {
  const jwks = spec.components.schemas["JWKS"]
  const keys = jwks?.properties?.["keys"]
  if (jwks === undefined || keys?.items?.oneOf === undefined) return
  const properties: Record<string, SchemaObject> = {}
  for (const variant of keys.items.oneOf) {
    for (const [key, schema] of Object.entries(resolveSchema(spec, variant).properties ?? {})) {
      if (properties[key] !== undefined) continue
      const { enum: _enum, ...loose } = schema
      properties[key] = loose
    }
  }
  spec.components.schemas[jwksKeyName] = {
    type: "object",
    description: "A JSON Web Key of the instance (one loose shape for every key type).",
    properties,
    "x-effect-clerk-origin": "Not in the spec: the seven `JWKS.*` key schemas merged into one, as Clerk's own SDKs do."
  }
  const variants = keys.items.oneOf.length
  keys.items = schemaRef(jwksKeyName)
  fixes.push(`JWKS.keys: oneOf of ${variants} key types → one loose ${jwksKeyName}`)
}

/**
 * Spec defect: the `OAuthAccessToken` schema is an array of token objects despite its singular name. The array
 * keeps its name (operations return it), and its item becomes `OAuthAccessTokenItem`.
 */
const nameOAuthAccessTokenItem = (spec: Spec, fixes: Array<string>): void => {
  const schema = spec.components.schemas["OAuthAccessToken"]
  if (schema?.type !== "array" || schema.items === undefined || schema.items.$ref !== undefined) return
  spec.components.schemas["OAuthAccessTokenItem"] = {
    ...schema.items,
    "x-effect-clerk-origin": "The item of the `OAuthAccessToken` array (unnamed in the spec)."
  }
  schema.items = schemaRef("OAuthAccessTokenItem")
  fixes.push("OAuthAccessToken: array item named OAuthAccessTokenItem")
}

/**
 * Component responses with an inline schema (`User.List`, `Machine.Deleted`, `_VerificationResponse`, …) become
 * named schemas (`UserList`, `MachineDeleted`, `VerificationResponse`), so that the operations returning them
 * share one Schema. Spec defect: two of them (`Invitation.Revoked`, `Machine.Created`) are `allOf` merges; once
 * hoisted they are ordinary schemas and merge into one flat Struct like every other `allOf`.
 */
export const hoistedResponseName = (responseName: string): string =>
  responseName.split(/[^A-Za-z0-9]+/).filter((part) => part !== "").join("")

const hoistComponentResponseSchemas = (spec: Spec, fixes: Array<string>): void => {
  const hoisted: Array<string> = []
  for (const [name, response] of Object.entries(spec.components.responses)) {
    const media = response.content?.["application/json"]
    const schema = media?.schema
    if (media === undefined || schema === undefined || schema.$ref !== undefined) continue
    // Error bodies stay where they are: errors are decoded by the client, not by generated schemas.
    if (name === "ClerkErrors") continue
    const target = hoistedResponseName(name)
    if (target in spec.components.schemas) throw new Error(`Hoisting response ${name}: ${target} already exists`)
    spec.components.schemas[target] = { ...schema, "x-effect-clerk-origin": `The schema of the component response \`${name}\`.` }
    media.schema = schemaRef(target)
    hoisted.push(name === target ? name : `${name} → ${target}`)
  }
  if (hoisted.length > 0) fixes.push(`hoisted ${hoisted.length} inline component responses: ${hoisted.join(", ")}`)
}

/**
 * Spec defect: `SetUserProfileImage`'s multipart body does not list its `file` as required, although the upload
 * means nothing without it (the logo uploads do require theirs). Binary fields of multipart bodies are required.
 */
const requireUploadedFile = (spec: Spec, fixes: Array<string>): void => {
  for (const item of Object.values(spec.paths)) {
    for (const method of httpMethods) {
      const operation = item[method]
      const schema = operation?.requestBody?.content["multipart/form-data"]?.schema
      if (operation === undefined || schema?.properties === undefined) continue
      for (const [key, property] of Object.entries(schema.properties)) {
        if (property.format !== "binary") continue
        const required = schema.required ?? []
        if (required.includes(key)) continue
        schema.required = [...required, key]
        fixes.push(`${operation.operationId}: multipart field ${key} made required`)
      }
    }
  }
}

/**
 * Spec defect: `OrganizationInvitation.public_inviter_data` is required and not nullable, but an invitation made
 * without `inviter_user_id` (through the Backend API, say) has no inviter, and Clerk answers `null` there (Clerk's
 * Go SDK models it as a pointer). Failing to decode every such invitation would be worse than a looser type.
 */
const allowMissingInviter = (spec: Spec, fixes: Array<string>): void => {
  const properties = spec.components.schemas["OrganizationInvitation"]?.properties
  const property = properties?.["public_inviter_data"]
  if (properties === undefined || property === undefined) {
    throw new Error("OrganizationInvitation.public_inviter_data is gone: drop this fix")
  }
  properties["public_inviter_data"] = { allOf: [property], nullable: true }
  fixes.push("OrganizationInvitation.public_inviter_data: nullable")
}
