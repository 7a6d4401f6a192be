/**
 * The offline Clerk's tables of the spec's operations (src/testing/internal/): every route with its
 * operationId, in the spec's order (the router names an operation it does not implement in its 501 from
 * it), and the SDK's name of every operation (so faults can be scripted the way an application calls the API).
 */
import type { Api } from "./api.js"
import { header } from "./header.js"
import type { HttpMethod, Spec } from "./spec.js"

const METHODS: ReadonlyArray<HttpMethod> = ["get", "post", "put", "patch", "delete"]

export const specRoutesFile = (spec: Spec, specFile: string): string => {
  const lines: Array<string> = []
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const method of METHODS) {
      const operationId = item[method]?.operationId
      if (operationId !== undefined) {
        lines.push(`  [${JSON.stringify(method.toUpperCase())}, ${JSON.stringify(path)}, ${JSON.stringify(operationId)}]`)
      }
    }
  }
  return [
    header(["Every operation of the Backend API spec: method, route template without `/v1`, and operationId, in", "the spec's order."], specFile),
    "export const specRoutes: ReadonlyArray<readonly [method: string, path: string, operationId: string]> = [",
    lines.join(",\n"),
    "]",
    ""
  ].join("\n")
}

export const operationNamesFile = (api: Api, specFile: string): string => {
  const pairs = api.services.flatMap((service) =>
    service.operations.map((operation) => [operation.operationId, `${service.group}.${operation.method}`] as const)
  )
  pairs.sort(([a], [b]) => a.localeCompare(b))
  return [
    header(["The SDK's name of every operation (`GetUserList` → `users.list`), so faults can be scripted the way an", "application calls the API."], specFile),
    "export const operationNames: Readonly<Record<string, string>> = {",
    pairs.map(([operationId, name]) => `  ${operationId}: ${JSON.stringify(name)}`).join(",\n"),
    "}",
    ""
  ].join("\n")
}
