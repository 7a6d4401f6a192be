/**
 * Every generated service method carries JSDoc with the operation's summary from the spec and its
 * operationId, so an editor's hover says what a method does and where it comes from.
 */
import { describe, expect, it } from "@effect/vitest"
import { readdirSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { parse } from "yaml"
import { SPEC, specAvailable } from "./support/prism.js"

const servicesDir = fileURLToPath(new URL("../services/", import.meta.url))

/** Each method of a service file: its JSDoc and the operation constant it executes. */
const methods = (source: string) =>
  [...source.matchAll(/\/\*\*\n((?:\s*\*.*\n)+?)\s*\*\/\n\s*(\w+): \([^)]*\)(?::[^=]+)? =>\s*client\.(execute|stream)\((\w+),/g)]
    .map(([, doc = "", method = "", kind = "", constant = ""]) => ({ doc, method, kind, constant }))

describe.runIf(specAvailable())("generated JSDoc", () => {
  const spec: { paths: Record<string, Record<string, { operationId?: string; summary?: string }>> } = parse(
    readFileSync(SPEC, "utf8")
  )
  const summaries = new Map<string, string>()
  for (const item of Object.values(spec.paths)) {
    for (const operation of Object.values(item)) {
      if (operation.operationId !== undefined) summaries.set(operation.operationId, operation.summary ?? "")
    }
  }
  const files = readdirSync(servicesDir).filter((file) => file.endsWith(".ts") && file !== "index.ts")
  const all = files.flatMap((file) => {
    const source = readFileSync(servicesDir + file, "utf8")
    const ids = new Map([...source.matchAll(/const (\w+) = \/\*#__PURE__\*\/ Operation\.make\(\{\n\s*operationId: "(\w+)"/g)].map(([, constant = "", id = ""]) => [constant, id]))
    return methods(source).map((m) => ({ ...m, file, operationId: ids.get(m.constant) }))
  })

  it("finds one documented method per operation, plus the stream twins", () => {
    const executed = new Set(all.filter((m) => m.kind === "execute").map((m) => m.operationId))
    expect(executed.size).toBe(249)
    expect(all.filter((m) => m.kind === "stream").length).toBeGreaterThanOrEqual(37)
  })

  it("each method's JSDoc has its summary and its operationId", () => {
    const missing = all.filter((m) => {
      const summary = summaries.get(m.operationId ?? "") ?? "\u0000"
      return !m.doc.includes(`operationId \`${m.operationId}\``) || !m.doc.replace(/\n\s*\* ?/g, " ").includes(summary)
    })
    expect(missing.map((m) => `${m.file}: ${m.method}`)).toEqual([])
  })
})
