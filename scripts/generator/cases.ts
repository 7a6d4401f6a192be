/**
 * Test-case emission: `test/generated/cases.ts` (every operation called once against a recording fake, with the
 * request the spec's wire names imply) and `test/generated/contract.ts` (every operation called with input a
 * validating mock server accepts).
 */
import type { Api, Operation, Service } from "./api.js"
import type { Expr } from "./code.js"
import { arrow, impureCall, literal, object, print, raw, str } from "./code.js"
import { header } from "./header.js"
import type { Type } from "./ir.js"
import type { Style } from "./samples.js"
import { responseBody, sampleCall } from "./samples.js"

const callExpr = (service: Service, operation: Operation, style: Style): { call: Expr; sample: ReturnType<typeof sampleCall> } => {
  const sample = sampleCall(operation, style)
  const args = sample.input === undefined ? [] : [sample.input]
  const call = impureCall("Effect.flatMap", raw(service.name), arrow("(s)", impureCall(`s.${operation.method}`, ...args)))
  return { call, sample }
}

const serviceImports = (api: Api): string => {
  const names = api.services.map((service) => service.name)
  return `import {\n${["type AllServicesContext", ...names].map((name) => `  ${name}`).join(",\n")}\n} from "../../services/index.js"`
}

/** An inline success body (a page, say) holds its items like a model body does. */
const bodiesOf = (type: Type, ref: (name: string) => Expr): Expr => responseBody(type, ref, true)

const allOperations = (api: Api): ReadonlyArray<{ service: Service; operation: Operation }> =>
  api.services.flatMap((service) => service.operations.map((operation) => ({ service, operation })))

/**
 * One response body per model, shared by the cases (in the models' dependency order, so each constant is
 * declared before the bodies that use it).
 */
const modelBodies = (api: Api) => {
  const used = new Set<string>()
  const ref = (name: string): Expr => {
    used.add(name)
    return raw(`${name}Body`)
  }
  const declarations = (): string => {
    const bodies = new Map<string, Expr>()
    // Bodies refer to further models: expand until nothing new turns up.
    let pending = [...used]
    while (pending.length > 0) {
      for (const name of pending) {
        const model = api.modelsByName.get(name)
        if (model === undefined) throw new Error(`Unknown model ${name}`)
        bodies.set(name, responseBody(model.type, ref, true))
      }
      pending = [...used].filter((name) => !bodies.has(name))
    }
    return api.models
      .filter((model) => bodies.has(model.name))
      .map((model) => {
        const head = `const ${model.name}Body = `
        return `${head}${print(bodies.get(model.name) ?? raw("undefined"), 0, head.length)}`
      })
      .join("\n")
  }
  return { ref, declarations }
}

export const casesFile = (api: Api, specFile: string): string => {
  const bodies = modelBodies(api)
  const cases = allOperations(api).map(({ service, operation }) => {
    const { call, sample } = callExpr(service, operation, "full")
    const success = operation.success
    const responseBody: Expr = success._tag === "Json"
      ? bodiesOf(success.type, bodies.ref)
      : success._tag === "Text"
      ? literal("<!DOCTYPE html><html></html>")
      : literal(undefined)
    return object([
      { key: "name", value: str(`${service.group}.${operation.method}`) },
      { key: "operationId", value: str(operation.operationId) },
      { key: "call", value: call },
      {
        key: "request",
        value: object([
          { key: "method", value: str(operation.httpMethod) },
          { key: "path", value: str(sample.path) },
          { key: "query", value: literal(sample.query) },
          { key: "body", value: literal(sample.body) }
        ])
      },
      { key: "response", value: object([{ key: "status", value: raw(String(success.status)) }, { key: "body", value: responseBody }]) }
    ], true)
  })
  return [
    header(
      [
        "Every operation, called once with every field filled in, and the request the runtime must make for it:",
        "the expected path, query and body are computed from the spec's wire names. The response is the smallest",
        "body that decodes (a string for the HTML of `GetPublicInterstitial`, `undefined` for 202/204)."
      ],
      specFile
    ),
    `import * as Effect from "effect/Effect"`,
    serviceImports(api),
    "",
    "/** Every service, as the requirement of a case's `call`. */",
    "export type AllServicesUnion = AllServicesContext",
    "",
    "/** Response bodies, one per model. */",
    bodies.declarations(),
    "",
    "export interface Case {",
    "  /** The SDK name: `users.get`. */",
    "  readonly name: string",
    "  readonly operationId: string",
    "  readonly call: Effect.Effect<unknown, unknown, AllServicesUnion>",
    "  readonly request: {",
    "    readonly method: string",
    "    /** The encoded path, without the base URL: `/users/user%20id%3A1%2Fx`. */",
    "    readonly path: string",
    "    /** Decoded query pairs, in order: repeated keys for arrays, one comma-joined value for `explode: false`. */",
    "    readonly query: ReadonlyArray<readonly [string, string]>",
    "    /** The JSON body on the wire (snake_case, nulls kept); `\"multipart\"` for uploads; `undefined` for none. */",
    "    readonly body: unknown",
    "  }",
    "  readonly response: { readonly status: number; readonly body: unknown }",
    "}",
    "",
    `export const cases: ReadonlyArray<Case> = ${print({ _tag: "Array", items: cases }, 0, 40)}`,
    ""
  ].join("\n")
}

export const contractFile = (api: Api, specFile: string): string => {
  const cases = allOperations(api).map(({ service, operation }) => {
    const { call } = callExpr(service, operation, "contract")
    return object([
      { key: "name", value: str(`${service.group}.${operation.method}`) },
      { key: "operationId", value: str(operation.operationId) },
      { key: "call", value: call },
      { key: "jsonSuccess", value: raw(String(operation.success._tag === "Json")) },
      { key: "errorStatuses", value: raw(`[${operation.errors.join(", ")}]`) }
    ], true)
  })
  return [
    header(
      [
        "Every operation, called with input that a validating mock server (Prism) accepts: plain path values,",
        "required fields only, plus `limit`. `errorStatuses` are the documented statuses with an error class."
      ],
      specFile
    ),
    `import * as Effect from "effect/Effect"`,
    serviceImports(api).replace("  type AllServicesContext,\n", ""),
    `import type { AllServicesUnion } from "./cases.js"`,
    "",
    "export interface ContractCase {",
    "  readonly name: string",
    "  readonly operationId: string",
    "  readonly call: Effect.Effect<unknown, unknown, AllServicesUnion>",
    "  /** The success has a JSON body (not 202/204, not the interstitial's HTML). */",
    "  readonly jsonSuccess: boolean",
    "  readonly errorStatuses: ReadonlyArray<number>",
    "}",
    "",
    `export const contractCases: ReadonlyArray<ContractCase> = ${print({ _tag: "Array", items: cases }, 0, 60)}`,
    ""
  ].join("\n")
}
