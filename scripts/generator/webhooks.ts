/**
 * The webhook events: Clerk's webhooks spec as `schemas/WebhookEvents.ts`, one schema per event type (a
 * literal `type`, the envelope, and its own `data`) and `WebhookEvent`, their union with `UnknownWebhookEvent`.
 *
 * The spec is OpenAPI 3.0 with no `paths`: its 45 events are under the non-standard `x-webhooks`, each a `post`
 * whose `operationId` is the event type and whose body is `allOf(WebhookEventPayload, {data: <payload>})`.
 *
 * Most of its schemas are copies of the Backend API's (`User`, `Organization`, the `verification_*` variants…).
 * A copy that is byte-identical to the Backend API schema of the same name, and whose references are all such
 * copies too, is that model of `schemas/Models.ts`, imported rather than emitted twice. The others are emitted
 * here, normalised (ir.ts) and printed (schemas.ts) like the models, with the response-side rules.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { parse } from "yaml"
import type { Api, Model } from "./api.js"
import { compare, orderModels } from "./api.js"
import { call, firstParagraph, raw } from "./code.js"
import { header } from "./header.js"
import type { Context, Field, Type } from "./ir.js"
import { discriminators, references, toType } from "./ir.js"
import { identifierOf } from "./naming.js"
import type { Options } from "./schemas.js"
import { declaration, declareSchema, imports, noUses } from "./schemas.js"
import type { SchemaObject, Spec } from "./spec.js"
import { dropUndefinedRequired, duplicateSchemaNames, originalSchemas, refName, schemaRef } from "./spec.js"

/** The number of event types the spec has; the generator fails when it finds another number. */
export const expectedEventCount = 45

interface MediaType {
  schema?: SchemaObject
  readonly example?: unknown
  readonly examples?: Readonly<Record<string, unknown>>
}

interface WebhookOperation {
  readonly operationId: string
  readonly description?: string
  readonly requestBody?: { readonly content: Record<string, MediaType> }
}

/** The webhooks spec, as far as the generator reads it. */
export interface WebhooksDocument {
  readonly "x-webhooks": Record<string, { readonly post?: WebhookOperation }>
  readonly components: { schemas: Record<string, SchemaObject> }
}

export interface LoadedWebhooks {
  readonly document: WebhooksDocument
  readonly fileName: string
  readonly fixes: ReadonlyArray<string>
  /**
   * Each component schema that no fix changed, as the file spells it: what is compared with the Backend API's.
   */
  readonly originals: ReadonlyMap<string, string>
}

/** The envelope every event body extends. */
const envelopeName = "WebhookEventPayload"

/** The document as the normaliser (ir.ts) reads a spec: only its component schemas matter. */
const asSpec = (document: WebhooksDocument): Spec => ({
  info: { title: "Clerk Webhook Events", version: "v1" },
  paths: {},
  components: { schemas: document.components.schemas, responses: {}, parameters: {} }
})

export const loadWebhooks = (file: string): LoadedWebhooks => {
  // The document is plain JSON-compatible YAML; its shape is checked where it is read.
  const document: WebhooksDocument = parse(fs.readFileSync(file, "utf8"))
  const originals = originalSchemas(document.components.schemas)
  const fixes: Array<string> = []
  wrapNullableRefs(document, fixes)
  hoistPublicOrganizationData(document, fixes)
  nameInlinePayloads(document, fixes)
  relaxToExamples(document, fixes)
  dropUndefinedRequired(asSpec(document), fixes)
  // A schema a fix changed is the webhooks spec's own, whatever the Backend API has.
  const fixed = originalSchemas(document.components.schemas)
  const unchanged = new Map([...originals].filter(([name, json]) => fixed.get(name) === json))
  return { document, fileName: path.basename(file), fixes: fixes.map((fix) => `webhooks: ${fix}`), originals: unchanged }
}

const isRecord = (node: unknown): node is Record<string, unknown> =>
  node !== null && typeof node === "object" && !Array.isArray(node)

/** Where a pointer is, for the log: the event or the component schema. */
const place = (at: string): string => {
  const [, section = "", first = "", second = ""] = at.split("/")
  return section === "components" ? second : first
}

/** Every schema-like object of the document (the fixes below rewrite in place). */
const walk = (node: unknown, visit: (record: Record<string, unknown>, at: string) => void, at = ""): void => {
  if (Array.isArray(node)) return node.forEach((item, i) => walk(item, visit, `${at}/${i}`))
  if (!isRecord(node)) return
  visit(node, at)
  for (const [key, value] of Object.entries(node)) walk(value, visit, `${at}/${key}`)
}

/**
 * Spec defect: `public_organization_data` (in the `organizationInvitation.*` payloads) is `nullable: true` next
 * to a `$ref`, where OpenAPI 3.0 ignores every sibling of `$ref`. What it means is plain: the `$ref` is wrapped
 * in a single-element `allOf`, which carries `nullable` as the Backend API spec does elsewhere.
 */
const wrapNullableRefs = (document: WebhooksDocument, fixes: Array<string>): void => {
  const wrapped: Array<string> = []
  walk(document, (record, at) => {
    const ref = record["$ref"]
    if (typeof ref !== "string" || record["nullable"] !== true) return
    delete record["$ref"]
    record["allOf"] = [{ $ref: ref }]
    wrapped.push(at)
  })
  if (wrapped.length > 0) fixes.push(`nullable next to $ref wrapped in allOf: ${wrapped.map(place).join(", ")}`)
}

/**
 * Spec defect: the `organizationInvitation.*` payloads put `public_organization_data` inside an object property
 * `data` (and `OrganizationInvitationAcceptedPayload` requires that `data`), while the spec's own examples have
 * no such `data`, and the Backend API (`OrganizationInvitationWithPublicOrganizationData`) and Clerk's own SDK
 * (`OrganizationInvitationJSON`) have `public_organization_data` on the invitation itself. It moves up there,
 * optional; a payload that still nests it decodes too (extra properties are ignored).
 */
const hoistPublicOrganizationData = (document: WebhooksDocument, fixes: Array<string>): void => {
  const hoisted: Array<string> = []
  walk(document, (record, at) => {
    const properties = record["properties"]
    if (!isRecord(properties)) return
    const data = properties["data"]
    if (!isRecord(data) || !isRecord(data["properties"])) return
    const nested = data["properties"]
    if (Object.keys(nested).join() !== "public_organization_data") return
    properties["public_organization_data"] = nested["public_organization_data"]
    delete properties["data"]
    const required = record["required"]
    if (Array.isArray(required)) record["required"] = required.filter((key) => key !== "data")
    hoisted.push(at)
  })
  if (hoisted.length > 0) fixes.push(`data.public_organization_data moved up: ${hoisted.map(place).join(", ")}`)
}

/** `organizationInvitation.created` → `OrganizationInvitationEventPayload`. */
const inlinePayloadName = (type: string): string => `${identifierOf(type.split(".")[0] ?? type)}EventPayload`

/**
 * An event whose `data` is an inline schema (`organizationInvitation.created` and `.revoked`: the invitation
 * with its organization) gets a named one, shared by the events of the same resource, so that it is emitted
 * once: `OrganizationInvitationEventPayload`.
 */
const nameInlinePayloads = (document: WebhooksDocument, fixes: Array<string>): void => {
  const schemas = document.components.schemas
  const named = new Map<string, string>()
  for (const [type, item] of sortedEntries(document["x-webhooks"])) {
    const data = dataProperty(type, item.post)
    if (data.schema.$ref !== undefined) continue
    const name = inlinePayloadName(type)
    const json = JSON.stringify(data.schema)
    const existing = named.get(name)
    if (existing === undefined && name in schemas) throw new Error(`Naming the data of ${type}: ${name} already exists`)
    if (existing !== undefined && existing !== json) throw new Error(`Two different inline payloads would be named ${name}`)
    named.set(name, json)
    schemas[name] = {
      ...data.schema,
      "x-effect-clerk-origin": `The \`data\` of the \`${type.split(".")[0] ?? type}.*\` events that spell it inline (named by the generator).`
    }
    data.part.properties = { ...data.part.properties, data: schemaRef(name) }
    fixes.push(`${type}: inline data named ${name}`)
  }
}

interface Relaxation {
  readonly schema: string
  /** An event whose example disagrees with the schema. */
  readonly example: string
  readonly optional?: ReadonlyArray<string>
  readonly nullable?: ReadonlyArray<string>
}

/**
 * Spec defect: the spec's own examples leave out properties its schemas require, or send `null` where they do
 * not allow it. The schemas are largely copies of the Backend API's and newer than the payloads the examples
 * show (Clerk's own SDK types lack most of these properties too), and a webhook that does not decode is a
 * webhook lost: the decoder takes both, each property below optional (or nullable) in the events. A schema
 * relaxed here is no longer the Backend API's, so it is emitted in WebhookEvents.ts (`WebhookRole`, …).
 */
const relaxations: ReadonlyArray<Relaxation> = [
  {
    schema: "OrganizationDomain",
    example: "organizationDomain.created",
    optional: ["affiliation_verification", "ownership_verification"]
  },
  { schema: "OrganizationDomainVerification", example: "organizationDomain.updated", optional: ["verified_at"] },
  { schema: "OrganizationInvitation", example: "organizationInvitation.created", optional: ["inviter_id", "public_inviter_data"] },
  { schema: "PaymentAttemptEventPayload", example: "paymentAttempt.created", optional: ["invoice_id"] },
  { schema: "BillingPayerEventPayload", example: "paymentAttempt.created", optional: ["organization_id", "organization_name"] },
  {
    schema: "BillingSubscriptionItem",
    example: "paymentAttempt.created",
    optional: ["object", "created_at", "updated_at", "interval"]
  },
  { schema: "Role", example: "role.updated", optional: ["is_creator_eligible"] },
  { schema: "DeletedObject", example: "role.deleted", nullable: ["slug"] },
  { schema: "SmsEventPayload", example: "sms.created", optional: ["created_at_ms"] },
  { schema: "Invitation", example: "waitlistEntry.updated", optional: ["public_metadata"] }
]

const relaxToExamples = (document: WebhooksDocument, fixes: Array<string>): void => {
  const changes = relaxations.flatMap((relaxation) => [
    ...(relaxation.optional ?? []).map((property) => ({ ...relaxation, property, to: "optional" as const })),
    ...(relaxation.nullable ?? []).map((property) => ({ ...relaxation, property, to: "nullable" as const }))
  ])
  for (const { example, property, schema: name, to } of changes) {
    const where = `Relaxing ${name}.${property}`
    const schema = document.components.schemas[name]
    const parts = schema === undefined ? [] : [schema, ...(schema.allOf ?? [])]
    const target = parts.find((part) => part.properties?.[property] !== undefined)?.properties?.[property]
    if (target === undefined) throw new Error(`${where}: no such property, drop it from relaxations`)
    if (to === "optional") {
      const requiring = parts.filter((part) => part.required?.includes(property) === true)
      if (requiring.length === 0) throw new Error(`${where}: it is not required any more, drop it from relaxations`)
      for (const part of requiring) part.required = (part.required ?? []).filter((key) => key !== property)
    } else {
      if (target.nullable === true) throw new Error(`${where}: it is nullable already, drop it from relaxations`)
      target.nullable = true
    }
    const why = to === "optional" ? "leaves it out" : "has `null`"
    const note = `${to === "optional" ? "Optional" : "Nullable"} here: the webhooks spec's \`${example}\` example ${why}.`
    const about = firstParagraph(target.description)
    target.description = about === "" ? note : `${about.replace(/[^.!?]$/, "$&.")} ${note}`
    fixes.push(`${name}.${property} made ${to}: the ${example} example ${why}`)
  }
}

const sortedEntries = <A>(record: Readonly<Record<string, A>>): ReadonlyArray<readonly [string, A]> =>
  Object.entries(record).sort(([a], [b]) => compare(a, b))

interface DataProperty {
  readonly schema: SchemaObject
  /** The `allOf` part that holds `data`. */
  readonly part: SchemaObject
  readonly required: boolean
}

/** The body of an event: `allOf(WebhookEventPayload, {properties: {data}})`, checked. */
const dataProperty = (type: string, operation: WebhookOperation | undefined): DataProperty => {
  if (operation === undefined) throw new Error(`${type}: an event that is not a post`)
  if (operation.operationId !== type) throw new Error(`${type}: operationId ${operation.operationId} is not the event type`)
  const body = operation.requestBody?.content["application/json"]?.schema
  const [envelope, part, ...rest] = body?.allOf ?? []
  if (body === undefined || envelope?.$ref === undefined || refName(envelope.$ref) !== envelopeName || part === undefined) {
    throw new Error(`${type}: the body is not allOf(${envelopeName}, {data})`)
  }
  const schema = part.properties?.["data"]
  if (schema === undefined || rest.length > 0 || Object.keys(part.properties ?? {}).length !== 1) {
    throw new Error(`${type}: the body is not allOf(${envelopeName}, {data})`)
  }
  // `required: [data]` sits in the part for most events, next to the `allOf` for a few: both mean the same.
  const required = [...(part.required ?? []), ...(body.required ?? [])].includes("data")
  return { schema, part, required }
}

/**
 * The names of the schemas that are the Backend API's: identical to the Backend API schema of the same name as
 * both files spell them, and referring only to such schemas. The rest are the webhooks spec's own.
 */
const sharedSchemas = (webhooks: ReadonlyMap<string, string>, bapi: ReadonlyMap<string, string>): Set<string> => {
  const shared = new Set([...webhooks].filter(([name, json]) => bapi.get(name) === json).map(([name]) => name))
  const refs = (json: string): ReadonlyArray<string> =>
    [...json.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1] ?? "")
  let changed = true
  while (changed) {
    changed = false
    for (const name of [...shared]) {
      if (refs(webhooks.get(name) ?? "").every((ref) => shared.has(ref))) continue
      shared.delete(name)
      changed = true
    }
  }
  return shared
}

export interface WebhookEventDef {
  /** `user.created`. */
  readonly type: string
  /** `UserCreatedEvent`. */
  readonly name: string
  readonly description?: string | undefined
  readonly data: Type
}

export interface WebhookEvents {
  /** Sorted by type. */
  readonly events: ReadonlyArray<WebhookEventDef>
  /** The webhooks spec's own schemas the events use, dependencies first. */
  readonly models: ReadonlyArray<Model>
  /** The envelope's fields, in the spec's order, `data` last; `type` is replaced per event. */
  readonly envelope: ReadonlyArray<Field>
  /** The inline `event_attributes` object, declared once. */
  readonly eventAttributes: Type
}

/** Names of the declarations that are not component schemas. */
export const names = {
  eventAttributes: "WebhookEventAttributes",
  eventType: "WebhookEventType",
  isEventType: "isWebhookEventType",
  knownEvent: "KnownWebhookEvent",
  isKnownEvent: "isKnownWebhookEvent",
  unknownType: "UnknownWebhookEventType",
  unknownEvent: "UnknownWebhookEvent",
  event: "WebhookEvent"
} as const

export const buildWebhooks = (loaded: LoadedWebhooks, api: Api, bapiOriginals: ReadonlyMap<string, string>): WebhookEvents => {
  const document = loaded.document
  const spec = asSpec(document)
  const shared = sharedSchemas(loaded.originals, bapiOriginals)
  const modelOfSpecName = new Map(api.models.map((model) => [model.specName, model.name]))
  const taken = new Set([...api.modelsByName.keys()])
  const ownName = (specName: string): string => {
    // A name Models.ts already has, for another shape, gets a prefix: the two are told apart at a glance.
    const name = identifierOf(specName)
    return taken.has(name) ? `Webhook${name}` : name
  }
  const modelName = (specName: string): string => {
    if (!shared.has(specName)) return ownName(specName)
    const name = modelOfSpecName.get(duplicateSchemaNames[specName] ?? specName)
    if (name === undefined) throw new Error(`${specName} is a Backend API schema without a model`)
    return name
  }
  const ctx: Context = { spec, mode: "response", discriminators: discriminators(spec), modelName }
  const origin = (specName: string, name: string): string | undefined => {
    if (!taken.has(identifierOf(specName))) return name !== specName ? `Spec name: \`${specName}\`.` : undefined
    const model = `\`Models.${modelOfSpecName.get(specName) ?? specName}\``
    if (relaxations.some((relaxation) => relaxation.schema === specName)) {
      return `The Backend API's \`${specName}\` (${model}), relaxed to agree with the webhooks spec's examples.`
    }
    if (loaded.originals.get(specName) === bapiOriginals.get(specName)) {
      return `The Backend API's \`${specName}\` (${model}), but for the webhooks spec's own schemas inside it.`
    }
    return `The webhooks spec's \`${specName}\`, which differs from the Backend API's (${model}).`
  }

  const byName = new Map<string, Model>()
  const declared = new Set<string>(Object.values(names))
  const claim = (name: string, what: string): void => {
    if (declared.has(name) || taken.has(name)) throw new Error(`${what}: the name ${name} is taken`)
    declared.add(name)
  }
  for (const [specName, schema] of sortedEntries(document.components.schemas)) {
    if (shared.has(specName)) continue
    const name = ownName(specName)
    claim(name, `Webhook schema ${specName}`)
    byName.set(name, {
      name,
      specName,
      type: toType(schema, { ...ctx, component: specName }),
      description: schema.description,
      origin: schema["x-effect-clerk-origin"] ?? origin(specName, name)
    })
  }

  const events = sortedEntries(document["x-webhooks"]).map(([type, item]): WebhookEventDef => {
    const data = dataProperty(type, item.post)
    if (!data.required) throw new Error(`${type}: data is not required`)
    const name = `${identifierOf(type)}Event`
    claim(name, `Event ${type}`)
    return { type, name, description: item.post?.description, data: toType(data.schema, ctx) }
  })
  if (events.length !== expectedEventCount) throw new Error(`Expected ${expectedEventCount} events, found ${events.length}`)

  const envelopeSchema = document.components.schemas[envelopeName]
  const envelopeType = envelopeSchema === undefined ? undefined : toType(envelopeSchema, ctx)
  if (envelopeType?._tag !== "Struct") throw new Error(`${envelopeName} is not an object`)
  const attributes = envelopeType.fields.find((field) => field.wire === "event_attributes")
  const wires = envelopeType.fields.map((field) => field.wire)
  if (attributes === undefined || !wires.includes("type") || wires.includes("data")) {
    throw new Error(`${envelopeName}: expected type and event_attributes, and no data`)
  }
  const envelope = envelopeType.fields.map((field): Field => ({
    ...field,
    type: field === attributes ? { _tag: "Ref", name: names.eventAttributes } : field.type
  }))

  // Only the schemas the events reach are emitted: `Session` and the envelope are merged into others.
  const roots = [...new Set(events.flatMap((event) => [...references(event.data)]))].filter((name) => byName.has(name))
  return {
    events,
    models: orderModels(byName, roots, taken),
    envelope,
    eventAttributes: attributes.type
  }
}

/** An envelope field for one event: undocumented (the envelope is documented once, on `UnknownWebhookEvent`). */
const bare = (field: Field): Field => ({ ...field, description: undefined })

const dataField = (type: Type): Field => ({ wire: "data", key: "data", required: true, type, deprecated: false })

export const webhookEventsFile = (webhooks: WebhookEvents, specFile: string): string => {
  const uses = noUses()
  const local = new Set<string>([
    ...webhooks.models.map((model) => model.name),
    ...webhooks.events.map((event) => event.name),
    ...Object.values(names)
  ])
  const options: Options = { mode: "response", modelPrefix: "Models.", uses, local }
  const withType = (type: Type): ReadonlyArray<Field> =>
    webhooks.envelope.map((field) => field.wire === "type" ? { ...field, type } : field)
  const literalTypes = webhooks.events.map((event) => event.type)

  const blocks: Array<string> = webhooks.models.map((model) =>
    declaration(model.name, model.type, options, [firstParagraph(model.description), model.origin ?? ""])
  )
  blocks.push(declaration(names.eventAttributes, webhooks.eventAttributes, options, [
    "`event_attributes`: where the action that caused the event came from (events Clerk raises itself have none)."
  ]))
  blocks.push(declaration(names.eventType, { _tag: "String", enum: literalTypes, closed: true }, options, [
    `The ${literalTypes.length} event types of the webhooks spec.`
  ]))
  blocks.push(
    `/** Whether a string is one of the ${literalTypes.length} event types of the webhooks spec. */\n` +
      `export const ${names.isEventType} = /*#__PURE__*/ Schema.is(${names.eventType})\n`
  )
  for (const event of webhooks.events) {
    const fields = [
      ...withType({ _tag: "String", enum: [event.type], closed: true }).map(bare),
      dataField(event.data)
    ]
    const about = event.description === undefined ? "" : ` ${firstParagraph(event.description).replace(/\.?$/, ".")}`
    blocks.push(declaration(event.name, { _tag: "Struct", fields }, options, [`\`${event.type}\`:${about}`]))
  }
  const known = webhooks.events.map((event) => event.name)
  const alternatives = (members: ReadonlyArray<string>): string => `\n${members.map((member) => `  | ${member}`).join("\n")}`
  blocks.push(declareSchema(
    names.knownEvent,
    call("Schema.Union", ...known.map(raw)),
    false,
    [`An event of one of the ${known.length} types of the webhooks spec: \`type\` narrows it to one event, and \`data\` with it.`],
    alternatives(known)
  ))
  blocks.push(declareSchema(
    names.unknownType,
    // Laid out by hand: the printer would hug the arrow and break inside it.
    raw(`Schema.String.pipe(\n  /*#__PURE__*/ Schema.filter((type) => !${names.isEventType}(type))\n)`),
    false,
    [[
      "The type of an event this file does not know: any string but the known ones, so that a known type whose",
      "payload does not decode fails rather than passing as an unknown event."
    ].join(" ")]
  ))
  blocks.push(declaration(
    names.unknownEvent,
    {
      _tag: "Struct",
      fields: [...withType({ _tag: "Ref", name: names.unknownType }), dataField({ _tag: "Record", value: { _tag: "Unknown" } })]
    },
    options,
    [[
      "An event of a type this file does not know (Clerk adds event types): the envelope, with `data` as a record,",
      "so that a verified webhook still reaches the application."
    ].join(" ")]
  ))
  blocks.push(declareSchema(
    names.event,
    // Flat, not a union of the two unions: Schema picks the member by the literal `type` in one lookup.
    call("Schema.Union", ...[...known, names.unknownEvent].map(raw)),
    false,
    [[
      "A webhook event: a `KnownWebhookEvent`, its `data` decoded by `type`, or an `UnknownWebhookEvent`.",
      "TypeScript cannot type a string that is none of the known types, so `type` alone narrows to the event",
      "and `UnknownWebhookEvent`; `isKnownWebhookEvent` first leaves the known events only:",
      "`if (isKnownWebhookEvent(event) && event.type === \"user.created\")` makes `event.data` a `User`."
    ].join(" ")],
    alternatives([names.knownEvent, names.unknownEvent])
  ))
  blocks.push(
    `/** Whether an event is of one of the ${known.length} types of the webhooks spec (\`type\` then narrows it to one). */\n` +
      `export const ${names.isKnownEvent} = (event: ${names.event}): event is ${names.knownEvent} =>\n` +
      `  ${names.isEventType}(event.type)\n`
  )

  return [
    header(
      [
        "The events of Clerk's webhooks: a schema per event type, with a literal `type` and its own `data`, and",
        "`WebhookEvent`, their union. Schemas the webhooks spec shares with the Backend API come from Models.ts."
      ],
      specFile
    ),
    imports(uses, uses.models ? [`import * as Models from "./Models.js"`] : []),
    "",
    blocks.join("\n")
  ].join("\n")
}
