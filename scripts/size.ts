/**
 * `npm run size`: the gzip size of an esbuild-minified program that uses only `Users.get`, beside the
 * bare Effect floor (Effect + HttpClient + one Schema, no SDK), and a check that no other service's code is
 * in the bundle. Exits 1 when another service leaks in.
 */
import { readdirSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { bundle } from "./bundle.js"

const root = fileURLToPath(new URL("..", import.meta.url))

const bundleProgram = (entry: string) => bundle(`${root}scripts/size/${entry}`)

/** The SDK names of every operation of every service but `Users`, as they appear in the bundle. */
const otherOperationNames = (): Array<string> =>
  readdirSync(`${root}services`)
    .filter((file) => file.endsWith(".ts") && file !== "Users.ts" && file !== "index.ts")
    .flatMap((file) => [...readFileSync(`${root}services/${file}`, "utf8").matchAll(/name: "([a-zA-Z0-9]+\.[a-zA-Z0-9]+)"/g)])
    .map((match) => match[1] ?? "")

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`

const sdk = await bundleProgram("users-get.ts")
const floor = await bundleProgram("floor.ts")
const leaked = otherOperationNames().filter((name) => sdk.text.includes(`"${name}"`))

console.log("program                              minified     gzip")
console.log(`Users.get through effect-clerk    ${kb(sdk.min).padStart(11)} ${kb(sdk.gzip).padStart(9)}`)
console.log(`bare Effect floor (no SDK)        ${kb(floor.min).padStart(11)} ${kb(floor.gzip).padStart(9)}`)
console.log(`the SDK's own bytes               ${kb(sdk.min - floor.min).padStart(11)} ${kb(sdk.gzip - floor.gzip).padStart(9)}`)
const usersOperations = [...sdk.text.matchAll(/"users\.[a-zA-Z]+"/g)].length
console.log(`Users operations in the bundle: ${usersOperations}; other services' operations: ${leaked.length}`)
if (leaked.length > 0) {
  console.error(`other services leaked into the bundle: ${leaked.slice(0, 10).join(", ")}`)
  process.exit(1)
}
