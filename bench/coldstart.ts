/**
 * Cold start (issue 5, item 6): `await import(…)` of each package in a fresh `node` process.
 *
 * Importing the TypeScript sources through tsx would time the transpiler, so each entry is bundled first
 * with esbuild (ESM, `--platform=node`, minified, every dependency inside: what a deployed function loads),
 * for effect-clerk and `@clerk/backend` alike. Then fresh processes are spawned in alternating order, each
 * timing its own `await import()` with `performance.now()`; the parent times the whole process too.
 *
 *   npx tsx bench/coldstart.ts [runs]      (15 by default)
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { fmt, goals, machine, requireDev, stats, table } from "./harness.js"

const root = fileURLToPath(new URL("..", import.meta.url))
const RUNS = Number(process.argv[2] ?? 15)

const PROGRAMS = [
  { name: "node, empty module (the floor)", entry: "import-nothing" },
  { name: "Effect floor (Effect, Layer, a Schema, the fetch HttpClient; no SDK)", entry: "import-effect-floor" },
  // Not what effect-clerk builds on (DESIGN.md pins Effect 3): the floor an Effect 4 port would start from.
  { name: "Effect 4.1.0 floor (the same imports in Effect 4; not used by effect-clerk)", entry: "import-effect4-floor" },
  { name: "effect-clerk (package entry)", entry: "import-effect-clerk" },
  { name: "effect-clerk, Users only (ClerkClient + services/Users + FetchHttpClient)", entry: "import-effect-clerk-users" },
  { name: "@clerk/backend (package entry)", entry: "import-clerk-backend" }
] as const

const esbuild = await requireDev("esbuild", () => import("esbuild"))

const isTiming = (value: unknown): value is { readonly importMs: number } =>
  typeof value === "object" && value !== null && "importMs" in value && typeof value.importMs === "number"

const main = async () => {
  const dir = mkdtempSync(join(tmpdir(), "effect-clerk-coldstart-"))
  try {
    const built = await Promise.all(PROGRAMS.map(async (p) => {
      const out = join(dir, `${p.entry}.mjs`)
      await esbuild.build({
        entryPoints: [`${root}bench/programs/${p.entry}.ts`],
        bundle: true,
        minify: true,
        format: "esm",
        platform: "node",
        outfile: out,
        logLevel: "silent"
      })
      const runner = join(dir, `${p.entry}.run.mjs`)
      writeFileSync(
        runner,
        `const t0 = performance.now()\nawait import(${JSON.stringify(`./${p.entry}.mjs`)})\n` +
          `process.stdout.write(JSON.stringify({ importMs: performance.now() - t0 }))\n`
      )
      return { ...p, runner, bytes: statSync(out).size, importMs: [] as Array<number>, processMs: [] as Array<number> }
    }))
    // One unmeasured run each to warm the file cache.
    for (const b of built) spawnSync(process.execPath, [b.runner])
    for (let run = 0; run < RUNS; run++) {
      for (let i = 0; i < built.length; i++) {
        const b = built[(i + run) % built.length]
        if (b === undefined) continue
        const t0 = performance.now()
        const child = spawnSync(process.execPath, [b.runner], { encoding: "utf8" })
        const processMs = performance.now() - t0
        const timing: unknown = child.status === 0 ? JSON.parse(child.stdout) : undefined
        if (!isTiming(timing)) throw new Error(`${b.name} failed: ${child.stderr}`)
        b.importMs.push(timing.importMs)
        b.processMs.push(processMs)
      }
    }
    console.log(`## Cold start (${await machine()}), ${RUNS} fresh processes each, alternating\n`)
    const ref = built.find((b) => b.entry === "import-clerk-backend")
    const refImport = stats(ref?.importMs ?? []).median
    console.log(table(
      ["bundle", "size", "await import() ms (median)", "min–max", "whole process ms", "import vs @clerk/backend"],
      built.map((b) => {
        const i = stats(b.importMs)
        const p = stats(b.processMs)
        return [
          b.name,
          `${fmt(b.bytes / 1024)} KB`,
          fmt(i.median),
          `${fmt(i.min)}–${fmt(i.max)}`,
          fmt(p.median),
          `${fmt(i.median / refImport)}×`
        ]
      })
    ) + "\n")
    const ours = stats(built.find((b) => b.entry === "import-effect-clerk")?.importMs ?? []).median
    const users = stats(built.find((b) => b.entry === "import-effect-clerk-users")?.importMs ?? []).median
    const floor = stats(built.find((b) => b.entry === "import-effect-floor")?.importMs ?? []).median
    const floor4 = stats(built.find((b) => b.entry === "import-effect4-floor")?.importMs ?? []).median
    console.log(goals([{
      goal: "cold import no slower than @clerk/backend's",
      met: ours <= refImport,
      measured: `${fmt(ours)} ms vs ${fmt(refImport)} ms (${fmt(ours / refImport)}×); Users only: ${fmt(users)} ms; ` +
        `the Effect floor alone: ${fmt(floor)} ms (${fmt(floor / refImport)}×); under Effect 4.1.0 ${fmt(floor4)} ms ` +
        `(${fmt(floor4 / refImport)}×)`
    }]))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
