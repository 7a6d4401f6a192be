/**
 * Service emission: `services/<Service>.ts` (one `Effect.Service` per resource group, one method per operation,
 * a `…Stream` twin per paged list) and `services/index.ts`.
 */
import type { Api, Operation, Paging, Service } from "./api.js"
import type { Entry, Expr } from "./code.js"
import { array, arrow, call, firstParagraph, impureCall, jsDoc, object, print, raw, str } from "./code.js"
import { header } from "./header.js"
import { hasInlineResponse, paramsName, responseName } from "./schemas.js"

const operationDeclaration = (service: Service, operation: Operation): string => {
  const success = operation.success
  const successExpr: Expr = success._tag === "Void"
    ? raw("Operation.noContent")
    : success._tag === "Text"
    ? raw("Operation.text")
    : call(
      // The generated decoder, not the Schema: the same value, far faster, and the Schema's code stays out of
      // the bundle (test/decoders.test.ts proves each decoder equal to its Schema).
      "Operation.decoded",
      raw(hasInlineResponse(operation) ? `ResponseDecoders.${responseName(operation)}` : `Decoders.${refName(success.type)}`)
    )
  const entries: Array<Entry> = [
    { key: "operationId", value: str(operation.operationId) },
    { key: "name", value: str(`${service.group}.${operation.method}`) },
    { key: "method", value: str(operation.httpMethod) },
    { key: "path", value: str(operation.path) },
    // The generated encoder, not the Schema: the same wire value and failure (test/encoders.test.ts), and the
    // request Schemas stay out of the bundle and unbuilt on import; they remain the method's parameter types.
    { key: "input", value: raw(`Encoders.${paramsName(operation)}`) },
    // What the route implies is left to `Operation.make`'s defaults (src/internal/operation.ts): the path
    // parameters are always the path's (`api.ts` reads them with the same `pathParamsOf`).
    ...(operation.queryParams.length > 0 ? [{ key: "queryParams", value: strings(operation.queryParams) }] : []),
    ...(operation.commaJoined.length > 0 ? [{ key: "commaJoined", value: strings(operation.commaJoined) }] : []),
    ...(operation.body !== "none" ? [{ key: "body", value: str(operation.body) }] : []),
    ...(operation.bodyKey !== undefined ? [{ key: "bodyKey", value: str(operation.bodyKey) }] : []),
    { key: "success", value: successExpr },
    { key: "errors", value: raw(`[${operation.errors.join(", ")}]`) },
    ...(operation.paging !== undefined ? [{ key: "paging", value: pagingExpr(operation.paging) }] : [])
  ]
  const head = `const ${operation.name} = `
  return `${head}${print(call("Operation.make", object(entries, true)), 0, head.length)}\n`
}

/** Where the items of a page are, its total, and the cursor of an item, as functions of the decoded page. */
const pagingExpr = (paging: Paging): Expr =>
  object([
    {
      key: "items",
      value: raw(paging.items === "array" ? "(page) => page" : `(page) => page.${paging.items}`)
    },
    ...(paging.total ? [{ key: "total", value: raw("(page) => page.totalCount") }] : []),
    ...(paging.cursor ? [{ key: "cursor", value: raw("(item) => item.id") }] : [])
  ], true)

const refName = (type: { readonly _tag: string; readonly name?: string }): string => {
  if (type.name === undefined) throw new Error("expected a model reference")
  return type.name
}

const strings = (values: ReadonlyArray<string>): Expr => array(values.map(str))

/** Every input field is optional: the method's parameter defaults to `{}`. */
const allOptional = (operation: Operation, except: ReadonlySet<string> = new Set()): boolean =>
  operation.fields.every((field) => !field.required || except.has(field.key))

const streamOmitted: ReadonlySet<string> = new Set(["offset", "startingAfter"])

const methodDoc = (operation: Operation, summary: string): ReadonlyArray<string> => {
  const paragraph = firstParagraph(operation.description)
  return [
    summary,
    paragraph === summary ? "" : paragraph,
    `${operation.deprecated ? "@deprecated\n" : ""}@see operationId \`${operation.operationId}\` — \`${operation.httpMethod} ${operation.path}\``
  ]
}

const streamSummary = (operation: Operation): string =>
  `${operation.summary}, as a stream: every item, page after page, fetched lazily (\`limit\` is the page size).` +
  (operation.paging?.cursor === true
    ? " It pages with the `starting_after` cursor, which stays fast however deep it goes."
    : "")

const methodEntries = (operation: Operation): ReadonlyArray<Entry> => {
  const params = paramsName(operation)
  const noInput = operation.fields.length === 0
  const executeParam = noInput ? "()" : `(params: S.${params}${allOptional(operation) ? " = {}" : ""})`
  const entries: Array<Entry> = [{
    key: operation.method,
    value: arrow(executeParam, impureCall("client.execute", raw(operation.name), raw(noInput ? "{}" : "params"))),
    doc: methodDoc(operation, operation.summary)
  }]
  if (operation.paging !== undefined) {
    const optional = allOptional(operation, streamOmitted)
    entries.push({
      key: `${operation.method}Stream`,
      value: arrow(
        `(params: StreamInput<S.${params}>${optional ? " = {}" : ""})`,
        impureCall("client.stream", raw(operation.name), raw("params"))
      ),
      doc: methodDoc(operation, streamSummary(operation))
    })
  }
  return entries
}

const usesModels = (service: Service): boolean =>
  service.operations.some((operation) => operation.success._tag === "Json" && !hasInlineResponse(operation))

const usesInlineResponses = (service: Service): boolean =>
  service.operations.some((operation) => operation.success._tag === "Json" && hasInlineResponse(operation))

export const serviceFile = (service: Service, specFile: string): string => {
  const paged = service.operations.some((operation) => operation.paging !== undefined)
  const importLines = [
    `import * as Effect from "effect/Effect"`,
    `import { ClerkClient${paged ? ", type StreamInput" : ""} } from "../src/ClerkClient.js"`,
    `import * as Operation from "../src/internal/operation.js"`,
    `import * as Registry from "../src/internal/registry.js"`,
    ...(usesModels(service) ? [`import * as Decoders from "../schemas/decoders/Models.js"`] : []),
    ...(usesInlineResponses(service) ? [`import * as ResponseDecoders from "../schemas/decoders/Responses.js"`] : []),
    `import * as Encoders from "../schemas/encoders/${service.name}.js"`,
    // Types only: the Schemas name the methods' parameters, and the encoders do the work.
    ...(service.operations.some((operation) => operation.fields.length > 0)
      ? [`import type * as S from "../schemas/${service.name}.js"`]
      : [])
  ]
  const taken = new Set([
    "Effect",
    "ClerkClient",
    "StreamInput",
    "Operation",
    "Registry",
    "Models",
    "Decoders",
    "ResponseDecoders",
    "Encoders",
    "S",
    service.name
  ])
  for (const operation of service.operations) {
    if (taken.has(operation.name)) throw new Error(`${operation.name} collides with a name of ${service.name}.ts`)
  }
  const declarations = service.operations.map((operation) => operationDeclaration(service, operation))
  const members = object(service.operations.flatMap(methodEntries), true)
  const effect = call("Effect.map", raw("ClerkClient"), arrow("(client)", members))
  const definition = call(
    `Effect.Service<${service.name}>()`,
    str(`effect-clerk/${service.name}`),
    object([{ key: "accessors", value: raw("true") }, { key: "effect", value: effect }], true)
  )
  const head = `export class ${service.name} extends `
  const description = firstParagraph(service.description)
  const classDoc = jsDoc([description === "" ? service.name : `${service.name}: ${description}`], 0)
  return [
    header([`The ${service.name} service: one method per operation of the \`${service.group}\` group.`], specFile),
    importLines.join("\n"),
    "",
    declarations.join("\n"),
    `${classDoc}${head}${print(definition, 0, head.length)} {}`,
    "",
    "// What `ClerkLive` provides is what is loaded: see src/internal/registry.ts.",
    `Registry.registerService(${service.name}.Default)`,
    ""
  ].join("\n")
}

export const servicesIndexFile = (api: Api, specFile: string): string => {
  const names = api.services.map((service) => service.name)
  const union = names.map((name) => `  | ${name}`).join("\n")
  return [
    header(["Every service of the Backend API, and one layer that provides them all."], specFile),
    `import type * as Layer from "effect/Layer"`,
    `import type { ClerkClient } from "../src/ClerkClient.js"`,
    `import * as Registry from "../src/internal/registry.js"`,
    ...names.map((name) => `import { ${name} } from "./${name}.js"`),
    "",
    `export {\n${names.map((name) => `  ${name}`).join(",\n")}\n}`,
    "",
    "/** Every service: what `AllServices` provides. */",
    `export type AllServicesContext =\n${union}`,
    "",
    "/**",
    " * Every service, built on the `ClerkClient` in context: each registers its layer when its module loads, so",
    " * that a bundle keeps only the services the program names (src/internal/registry.ts).",
    " */",
    "export const AllServices: Layer.Layer<AllServicesContext, never, ClerkClient> =",
    "  /*#__PURE__*/ Registry.loadedServices<AllServicesContext>()",
    ""
  ].join("\n")
}
