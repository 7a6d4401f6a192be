/**
 * Keeps the offline Clerk's table of the spec's operations (src/testing/internal/specRoutes.ts) in step with
 * the spec. It is written by this test: `npx vitest run test/testing/spec-routes.test.ts -u` after a spec change.
 */
import { describe, expect, it } from "@effect/vitest"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { parse } from "yaml"

const SPEC = fileURLToPath(new URL("../../../shared/clerk-openapi/bapi-2026-05-12.yml", import.meta.url))
const METHODS = ["get", "post", "put", "patch", "delete"] as const

const render = (spec: { readonly paths: Record<string, Record<string, { readonly operationId?: string }>> }) => {
  const lines: Array<string> = []
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const method of METHODS) {
      const operationId = item[method]?.operationId
      if (operationId !== undefined) lines.push(`  [${JSON.stringify(method.toUpperCase())}, ${JSON.stringify(path)}, ${JSON.stringify(operationId)}]`)
    }
  }
  return [
    "/**",
    " * Every operation of the Backend API spec (bapi-2026-05-12.yml): method, route template without `/v1`, and",
    " * operationId. Written by test/testing/spec-routes.test.ts from the spec; refresh it with",
    " * `npx vitest run test/testing/spec-routes.test.ts -u`. Do not edit by hand.",
    " */",
    "export const specRoutes: ReadonlyArray<readonly [method: string, path: string, operationId: string]> = [",
    lines.join(",\n"),
    "]",
    ""
  ].join("\n")
}

const SERVICES = fileURLToPath(new URL("../../services/", import.meta.url))

/** The SDK's name of each operation, read from the generated services (`operationId: "GetUser",\n  name: "users.get"`). */
const renderNames = () => {
  const pairs: Array<readonly [string, string]> = []
  for (const file of readdirSync(SERVICES).filter((f) => f.endsWith(".ts")).sort()) {
    const text = readFileSync(SERVICES + file, "utf8")
    for (const match of text.matchAll(/operationId: "(\w+)",\s*name: "([\w.]+)"/g)) {
      const [, operationId = "", name = ""] = match
      pairs.push([operationId, name])
    }
  }
  pairs.sort(([a], [b]) => a.localeCompare(b))
  return {
    count: pairs.length,
    text: [
      "/**",
      " * The SDK's name of every operation (`GetUserList` → `users.list`), so faults can be scripted the way an",
      " * application calls the API. Written by test/testing/spec-routes.test.ts from the generated services; refresh",
      " * it with `npx vitest run test/testing/spec-routes.test.ts -u`. Do not edit by hand.",
      " */",
      "export const operationNames: Readonly<Record<string, string>> = {",
      pairs.map(([operationId, name]) => `  ${operationId}: ${JSON.stringify(name)}`).join(",\n"),
      "}",
      ""
    ].join("\n")
  }
}

describe("the SDK's operation names", () => {
  it("match the generated services", async () => {
    const names = renderNames()
    expect(names.count).toBe(249)
    await expect(names.text).toMatchFileSnapshot("../../src/testing/internal/operationNames.ts")
  })
})

describe.skipIf(!existsSync(SPEC))("the spec's route table", () => {
  it("matches the spec", async () => {
    const spec = parse(readFileSync(SPEC, "utf8"))
    const text = render(spec)
    expect(text.split("\n").filter((line) => line.startsWith("  [")).length).toBe(249)
    await expect(text).toMatchFileSnapshot("../../src/testing/internal/specRoutes.ts")
  })
})
