/**
 * The generator: reads Clerk's Backend API spec and writes the SDK's services, schemas and generated test data,
 * and reads Clerk's webhooks spec and writes the webhook events (schemas/WebhookEvents.ts).
 *
 *   npm run generate                               writes the files
 *   npm run generate:check                         exits 1 when the files on disk differ from a fresh run
 *   tsx scripts/generate.ts --spec <file>          reads another copy of the Backend API spec
 *   tsx scripts/generate.ts --webhooks-spec <file> reads another copy of the webhooks spec
 *
 * The specs are read from ../shared/clerk-openapi/bapi-2026-05-12.yml and webhooks-2025-04-15.yml (relative to
 * the project root) unless `--spec` / `CLERK_OPENAPI_SPEC` or `--webhooks-spec` / `CLERK_WEBHOOKS_SPEC` say
 * otherwise.
 */
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { build } from "./generator/api.js"
import { casesFile, contractFile } from "./generator/cases.js"
import { modelDecodersFile, responseDecodersFile } from "./generator/decoders.js"
import { serviceEncodersFile } from "./generator/encoders.js"
import type { OutputFile } from "./generator/files.js"
import { operationNamesFile, specRoutesFile } from "./generator/offline.js"
import { check, write } from "./generator/files.js"
import { modelsFile, schemasIndexFile, serviceSchemasFile } from "./generator/schemas.js"
import { serviceFile, servicesIndexFile } from "./generator/services.js"
import { load } from "./generator/spec.js"
import { buildWebhooks, loadWebhooks, webhookEventsFile } from "./generator/webhooks.js"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")

const option = (name: string): string | undefined => {
  const index = process.argv.indexOf(name)
  return index === -1 ? undefined : process.argv[index + 1]
}

const specPath = path.resolve(
  root,
  option("--spec") ?? process.env["CLERK_OPENAPI_SPEC"] ?? "../shared/clerk-openapi/bapi-2026-05-12.yml"
)

const webhooksSpecPath = path.resolve(
  root,
  option("--webhooks-spec") ?? process.env["CLERK_WEBHOOKS_SPEC"] ?? "../shared/clerk-openapi/webhooks-2025-04-15.yml"
)

export const generate = (
  file: string,
  webhooksFile: string
): { files: ReadonlyArray<OutputFile>; fixes: ReadonlyArray<string> } => {
  const { spec, fileName, fixes, originals } = load(file)
  const api = build(spec)
  const loadedWebhooks = loadWebhooks(webhooksFile)
  const webhooks = buildWebhooks(loadedWebhooks, api, originals)
  const files: Array<OutputFile> = [
    { path: "schemas/Models.ts", text: modelsFile(api, fileName) },
    {
      path: "schemas/WebhookEvents.ts",
      text: webhookEventsFile(webhooks, `${loadedWebhooks.fileName} (shared models: ${fileName})`)
    },
    { path: "schemas/index.ts", text: schemasIndexFile(api, fileName) },
    { path: "schemas/decoders/Models.ts", text: modelDecodersFile(api, fileName) },
    { path: "schemas/decoders/Responses.ts", text: responseDecodersFile(api, fileName) },
    { path: "services/index.ts", text: servicesIndexFile(api, fileName) },
    { path: "src/testing/internal/operationNames.ts", text: operationNamesFile(api, fileName) },
    { path: "src/testing/internal/specRoutes.ts", text: specRoutesFile(spec, fileName) },
    { path: "test/generated/cases.ts", text: casesFile(api, fileName) },
    { path: "test/generated/contract.ts", text: contractFile(api, fileName) }
  ]
  for (const service of api.services) {
    files.push({ path: `schemas/${service.name}.ts`, text: serviceSchemasFile(service, fileName) })
    files.push({ path: `services/${service.name}.ts`, text: serviceFile(service, fileName) })
    files.push({ path: `schemas/encoders/${service.name}.ts`, text: serviceEncodersFile(service, fileName) })
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  return { files, fixes: [...fixes, ...loadedWebhooks.fixes] }
}

const main = (): void => {
  const started = Date.now()
  const { files, fixes } = generate(specPath, webhooksSpecPath)
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`
  if (process.argv.includes("--check")) {
    const differences = check(root, files)
    if (differences.length > 0) {
      for (const d of differences) console.error(`${d.kind}: ${d.path}`)
      console.error(`${differences.length} generated file(s) out of date: run npm run generate`)
      process.exit(1)
    }
    console.log(`${files.length} generated files up to date (${elapsed()})`)
    return
  }
  if (process.argv.includes("--verbose")) for (const fix of fixes) console.log(`fix: ${fix}`)
  const result = write(root, files)
  for (const file of result.removed) console.log(`removed ${file}`)
  for (const file of result.foreign) console.warn(`left alone (not generated): ${file}`)
  console.log(
    `${result.written} written, ${result.unchanged} unchanged, from ${path.basename(specPath)} and ${path.basename(webhooksSpecPath)} (${elapsed()})`
  )
}

main()
