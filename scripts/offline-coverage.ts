/**
 * `npm run offline:coverage`: the Backend API operations the offline Clerk implements, one per line, then
 * `N/249 operations`. `--missing` lists the ones it does not implement instead.
 */
import { allOperations, implementedOperations } from "../src/testing/OfflineClerk.js"

const implemented = implementedOperations()
const all = allOperations()
const missing = process.argv.includes("--missing")
const listed = missing ? all.filter((operationId) => !implemented.includes(operationId)) : implemented

for (const operationId of listed) console.log(operationId)
console.log(`${implemented.length}/${all.length} operations`)
