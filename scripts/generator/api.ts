/**
 * The API as the emitters see it: the models in dependency order, and the services with their operations, each
 * operation with its input fields, success, documented errors and paging.
 */
import { ErrorByStatus } from "../../src/ClerkError.js"
import { pathParamsOf } from "../../src/internal/operation.js"
import type { Field, Type } from "./ir.js"
import { discriminators, references, toType } from "./ir.js"
import type { Context } from "./ir.js"
import {
  camelCase,
  coreNames,
  identifierOf,
  methodName,
  modelNamer,
  operationName,
  prohibitedMethodNames,
  serviceName
} from "./naming.js"
import type { HttpMethod, OperationObject, ParameterObject, SchemaObject, Spec } from "./spec.js"
import { httpMethods, resolveParameter, resolveResponse } from "./spec.js"

/** The number of operations the spec has; the generator fails when it finds another number. */
export const expectedOperationCount = 249

export interface Model {
  readonly name: string
  readonly specName: string
  readonly type: Type
  readonly description?: string | undefined
  /** Where the model comes from when its name is not the spec's. */
  readonly origin?: string | undefined
}

export interface InputField extends Field {
  readonly origin: "path" | "query" | "body"
}

export type Success =
  | { readonly _tag: "Json"; readonly type: Type; readonly status: number }
  | { readonly _tag: "Void"; readonly status: number }
  | { readonly _tag: "Text"; readonly status: number }

export interface Paging {
  /** Where a page's items are: the page itself, or its `data` / `m2m_tokens` property. */
  readonly items: "array" | "data" | "m2mTokens"
  /** The page carries `total_count`. */
  readonly total: boolean
  /** The list also pages by `starting_after` (the `id` of the last item). */
  readonly cursor: boolean
}

export interface Operation {
  readonly operationId: string
  /** PascalCase operationId: the name of its constant and schemas. */
  readonly name: string
  readonly group: string
  readonly method: string
  readonly httpMethod: Uppercase<HttpMethod>
  readonly path: string
  readonly summary: string
  readonly description?: string | undefined
  readonly deprecated: boolean
  readonly tags: ReadonlyArray<string>
  readonly fields: ReadonlyArray<InputField>
  readonly queryParams: ReadonlyArray<string>
  readonly commaJoined: ReadonlyArray<string>
  readonly body: "none" | "json" | "multipart"
  readonly bodyKey?: string | undefined
  /** Sets of body fields (wire names) of which one must be present (`domain` or `domains`). */
  readonly bodyAlternatives: ReadonlyArray<ReadonlyArray<string>>
  readonly success: Success
  /** Documented error statuses that have a class of their own, sorted. */
  readonly errors: ReadonlyArray<number>
  readonly paging?: Paging | undefined
}

export interface Service {
  readonly group: string
  /** The class name: `Users`. */
  readonly name: string
  readonly description?: string | undefined
  /** Sorted by method name. */
  readonly operations: ReadonlyArray<Operation>
}

export interface Api {
  /** Dependencies first. */
  readonly models: ReadonlyArray<Model>
  readonly modelsByName: ReadonlyMap<string, Model>
  /** Sorted by name. */
  readonly services: ReadonlyArray<Service>
}

const knownStatuses: ReadonlySet<number> = new Set(Object.keys(ErrorByStatus).map(Number))

/**
 * Top-level array bodies go under a named key (the input is always one object).
 */
const arrayBodyKeys: Readonly<Record<string, string>> = {
  CreateBulkInvitations: "invitations",
  CreateOrganizationInvitationBulk: "invitations",
  CreateBulkWaitlistEntries: "entries"
}

/**
 * Spec quirk: `paginated=true` switches the bare-array lists (`GetClientList`, `GetSessionList`, …) to a
 * `{data, total_count}` envelope that the spec does not document, so the decoder would reject the answer. The
 * SDK never sends it: the documented shape is what every list returns, and the `…Stream` methods page.
 */
const droppedQueryParams: ReadonlySet<string> = new Set(["paginated"])

export const build = (spec: Spec): Api => {
  const discriminated = discriminators(spec)
  const serviceNames = Object.values(spec.paths).flatMap((item) =>
    httpMethods.flatMap((method) => {
      const operation = item[method]
      return operation === undefined ? [] : [serviceName(methodName(operation).group)]
    })
  )
  const modelName = modelNamer(new Set([...serviceNames, ...coreNames()]))
  const responseCtx: Context = { spec, mode: "response", discriminators: discriminated, modelName }
  const requestCtx: Context = { spec, mode: "request", discriminators: discriminated, modelName }
  const models = buildModels(spec, responseCtx)
  const modelsByName = new Map(models.map((m) => [m.name, m]))
  const operations: Array<Operation> = []
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const method of httpMethods) {
      const operation = item[method]
      if (operation !== undefined) {
        operations.push(buildOperation(spec, path, method, operation, requestCtx, responseCtx, modelsByName))
      }
    }
  }
  return { models, modelsByName, services: buildServices(spec, operations) }
}

const buildModels = (spec: Spec, ctx: Context): ReadonlyArray<Model> => {
  const byName = new Map<string, Model>()
  for (const [specName, schema] of Object.entries(spec.components.schemas)) {
    const name = ctx.modelName(specName)
    const existing = byName.get(name)
    if (existing !== undefined) throw new Error(`Schemas ${existing.specName} and ${specName} are both named ${name}`)
    byName.set(name, {
      name,
      specName,
      type: toType(schema, { ...ctx, component: specName }),
      description: schema.description,
      origin: schema["x-effect-clerk-origin"] ?? (
        name !== identifierOf(specName)
          ? `Spec name: \`${specName}\` (renamed: \`${identifierOf(specName)}\` is taken by a service or by the error module).`
          : name !== specName
          ? `Spec name: \`${specName}\`.`
          : undefined
      )
    })
  }
  return orderModels(byName, [...byName.keys()])
}

/**
 * Depth-first from `roots`, sorted: every model comes after the models it refers to, and only the models the
 * roots reach are kept. A reference to an `external` name (a model of another file) is not followed.
 */
export const orderModels = (
  byName: ReadonlyMap<string, Model>,
  roots: Iterable<string>,
  external: ReadonlySet<string> = new Set()
): ReadonlyArray<Model> => {
  const ordered: Array<Model> = []
  const state = new Map<string, "visiting" | "done">()
  const visit = (name: string, from: string): void => {
    if (external.has(name)) return
    const model = byName.get(name)
    if (model === undefined) throw new Error(`${from} refers to an unknown schema ${name}`)
    const seen = state.get(name)
    if (seen === "done") return
    if (seen === "visiting") throw new Error(`Schema cycle through ${name}: the generator expects a DAG`)
    state.set(name, "visiting")
    for (const dependency of [...references(model.type)].sort()) visit(dependency, name)
    state.set(name, "done")
    ordered.push(model)
  }
  for (const name of [...roots].sort()) visit(name, name)
  return ordered
}

const buildOperation = (
  spec: Spec,
  path: string,
  httpMethod: HttpMethod,
  operation: OperationObject,
  requestCtx: Context,
  responseCtx: Context,
  models: ReadonlyMap<string, Model>
): Operation => {
  const { group, method } = methodName(operation)
  const name = operationName(operation.operationId)
  const parameters = (operation.parameters ?? []).map((p) => resolveParameter(spec, p))
  for (const parameter of parameters) {
    if (parameter.in !== "path" && parameter.in !== "query") {
      throw new Error(`${operation.operationId}: ${parameter.in} parameters are not supported`)
    }
  }
  const pathParameters = pathParamsOf(path).map((param) => {
    const found = parameters.find((p) => p.in === "path" && p.name === param)
    if (found === undefined) throw new Error(`${operation.operationId}: path parameter ${param} is not declared`)
    return found
  })
  const queryParameters = dropDuplicateKeys(
    operation.operationId,
    parameters.filter((p) => p.in === "query" && !droppedQueryParams.has(p.name))
  )
  const paramField = (parameter: ParameterObject, origin: "path" | "query"): InputField => ({
    wire: parameter.name,
    key: camelCase(parameter.name),
    required: origin === "path" || parameter.required === true,
    type: toType(parameter.schema, requestCtx),
    description: parameter.description,
    deprecated: parameter.deprecated === true,
    origin
  })
  const paramFields = [
    ...pathParameters.map((p) => paramField(p, "path")),
    ...queryParameters.map((p) => paramField(p, "query"))
  ]
  const { fields: bodyFields, body, bodyKey, alternatives } = buildBody(operation, paramFields, requestCtx)
  const fields = [...paramFields, ...bodyFields]
  const success = buildSuccess(spec, operation, responseCtx)
  const statuses = Object.keys(operation.responses).filter((s) => !s.startsWith("2")).map(Number)
  const errors = statuses.filter((s) => knownStatuses.has(s)).sort((a, b) => a - b)
  const queryNames = queryParameters.map((p) => p.name)
  const paging = queryNames.includes("offset")
    ? { ...pageShape(operation.operationId, success, models), cursor: queryNames.includes("starting_after") }
    : undefined
  return {
    operationId: operation.operationId,
    name,
    group,
    method,
    httpMethod: upper(httpMethod),
    path,
    summary: operation.summary ?? operation.operationId,
    description: operation.description,
    deprecated: operation.deprecated === true,
    tags: operation.tags ?? [],
    fields,
    queryParams: queryNames,
    commaJoined: queryParameters.filter((p) => p.explode === false).map((p) => p.name),
    body,
    bodyKey,
    bodyAlternatives: alternatives ?? [],
    success,
    errors,
    paging
  }
}

const upper = (method: HttpMethod): Uppercase<HttpMethod> => {
  switch (method) {
    case "get":
      return "GET"
    case "post":
      return "POST"
    case "put":
      return "PUT"
    case "patch":
      return "PATCH"
    case "delete":
      return "DELETE"
  }
}

/**
 * Spec quirk: `GetPublicInterstitial` takes both `frontendApi` (deprecated) and `frontend_api`, which are the
 * same key in camelCase. When two parameters collide, the deprecated one is left out.
 */
const dropDuplicateKeys = (
  operationId: string,
  parameters: ReadonlyArray<ParameterObject>
): ReadonlyArray<ParameterObject> =>
  parameters.filter((parameter) => {
    const twins = parameters.filter((p) => camelCase(p.name) === camelCase(parameter.name))
    if (twins.length === 1) return true
    const kept = twins.filter((p) => p.deprecated !== true)
    if (kept.length !== 1) throw new Error(`${operationId}: parameters ${twins.map((p) => p.name).join(", ")} collide`)
    return parameter.deprecated !== true
  })

const buildBody = (
  operation: OperationObject,
  params: ReadonlyArray<InputField>,
  ctx: Context
): {
  fields: ReadonlyArray<InputField>
  body: Operation["body"]
  bodyKey?: string | undefined
  alternatives?: ReadonlyArray<ReadonlyArray<string>> | undefined
} => {
  const requestBody = operation.requestBody
  if (requestBody === undefined) return { fields: [], body: "none" }
  const contentTypes = Object.keys(requestBody.content)
  const [contentType] = contentTypes
  if (contentTypes.length !== 1 || (contentType !== "application/json" && contentType !== "multipart/form-data")) {
    throw new Error(`${operation.operationId}: unsupported request body ${contentTypes.join(", ")}`)
  }
  const body = contentType === "application/json" ? "json" : "multipart"
  const schema: SchemaObject | undefined = requestBody.content[contentType]?.schema
  if (schema === undefined) throw new Error(`${operation.operationId}: request body without schema`)
  const type = toType(schema, ctx)
  const under = (key: string): { fields: ReadonlyArray<InputField>; body: Operation["body"]; bodyKey: string } => ({
    fields: [{
      wire: key,
      key,
      required: requestBody.required === true || hasRequired(type),
      type,
      description: undefined,
      deprecated: false,
      origin: "body"
    }],
    body,
    bodyKey: key
  })
  if (type._tag === "Array") {
    const key = arrayBodyKeys[operation.operationId]
    if (key === undefined) throw new Error(`${operation.operationId}: array body needs a key in arrayBodyKeys`)
    return under(key)
  }
  if (type._tag !== "Struct") throw new Error(`${operation.operationId}: request body is a ${type._tag}`)
  const paramKeys = new Set(params.map((p) => p.key))
  // A body field named like a path or query parameter: the whole body goes under `body`.
  if (type.fields.some((f) => paramKeys.has(f.key))) return under("body")
  return { fields: type.fields.map((f) => ({ ...f, origin: "body" })), body, alternatives: type.alternatives }
}

const hasRequired = (type: Type): boolean =>
  type._tag === "Array" ? (type.minItems ?? 0) > 0 : type._tag === "Struct" && type.fields.some((f) => f.required)

const buildSuccess = (spec: Spec, operation: OperationObject, ctx: Context): Success => {
  const successes = Object.keys(operation.responses).filter((s) => s.startsWith("2"))
  const [code] = successes
  if (successes.length !== 1 || code === undefined) {
    throw new Error(`${operation.operationId}: expected one 2xx response, found ${successes.join(", ")}`)
  }
  const status = Number(code)
  const response = resolveResponse(spec, operation.responses[code] ?? {})
  const content = response.content ?? {}
  const contentTypes = Object.keys(content)
  if (status === 202 || status === 204) {
    if (contentTypes.length > 0) throw new Error(`${operation.operationId}: ${status} with a body`)
    return { _tag: "Void", status }
  }
  // `GetPublicInterstitial` answers an HTML page that the spec leaves undescribed.
  if (contentTypes.length === 0) return { _tag: "Text", status }
  const schema = content["application/json"]?.schema
  if (contentTypes.length !== 1 || schema === undefined) {
    throw new Error(`${operation.operationId}: unsupported success content ${contentTypes.join(", ")}`)
  }
  return { _tag: "Json", type: toType(schema, ctx), status }
}

const pageShape = (
  operationId: string,
  success: Success,
  models: ReadonlyMap<string, Model>
): Pick<Paging, "items" | "total"> => {
  if (success._tag !== "Json") throw new Error(`${operationId}: a paged operation without a JSON body`)
  let type = success.type
  while (type._tag === "Ref") {
    const model = models.get(type.name)
    if (model === undefined) throw new Error(`${operationId}: unknown model ${type.name}`)
    type = model.type
  }
  if (type._tag === "Array") return { items: "array", total: false }
  if (type._tag === "Struct") {
    const wires = type.fields.filter((f) => f.required).map((f) => f.wire)
    const total = wires.includes("total_count")
    if (wires.includes("data")) return { items: "data", total }
    if (wires.includes("m2m_tokens")) return { items: "m2mTokens", total }
  }
  throw new Error(`${operationId}: cannot tell where the items of a page are`)
}

const buildServices = (spec: Spec, operations: ReadonlyArray<Operation>): ReadonlyArray<Service> => {
  if (operations.length !== expectedOperationCount) {
    throw new Error(`Expected ${expectedOperationCount} operations, found ${operations.length}`)
  }
  const byGroup = new Map<string, Array<Operation>>()
  for (const operation of operations) {
    const list = byGroup.get(operation.group) ?? []
    list.push(operation)
    byGroup.set(operation.group, list)
  }
  const tagDescriptions = new Map((spec.tags ?? []).map((t) => [t.name, t.description]))
  const services = [...byGroup.entries()].map(([group, list]): Service => {
    const members = new Set<string>()
    for (const operation of list) {
      const names = operation.paging === undefined ? [operation.method] : [operation.method, `${operation.method}Stream`]
      for (const member of names) {
        if (members.has(member)) throw new Error(`Two methods named ${group}.${member}`)
        if (prohibitedMethodNames.has(member)) throw new Error(`${group}.${member}: a name Effect.Service forbids`)
        members.add(member)
      }
    }
    // The service's tag: the first tag most of its operations carry.
    const counts = new Map<string, number>()
    for (const operation of list) {
      const [tag] = operation.tags
      if (tag !== undefined) counts.set(tag, (counts.get(tag) ?? 0) + 1)
    }
    const tag = [...counts.entries()].sort((a, b) => b[1] - a[1] || compare(a[0], b[0]))[0]?.[0]
    return {
      group,
      name: serviceName(group),
      description: tag === undefined ? undefined : tagDescriptions.get(tag),
      operations: [...list].sort((a, b) => compare(a.method, b.method))
    }
  })
  const names = new Set<string>()
  for (const service of services) {
    if (names.has(service.name)) throw new Error(`Two services named ${service.name}`)
    names.add(service.name)
  }
  const total = services.reduce((n, s) => n + s.operations.length, 0)
  if (total !== expectedOperationCount) throw new Error(`Expected ${expectedOperationCount} methods, found ${total}`)
  return services.sort((a, b) => compare(a.name, b.name))
}

/** Locale-independent ordering, so the output is the same on every machine. */
export const compare = (a: string, b: string): number => a < b ? -1 : a > b ? 1 : 0
