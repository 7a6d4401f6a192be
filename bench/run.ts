/**
 * `npm run bench`: every benchmark, each in a fresh process (so one's JIT state, heap and servers never
 * touch the next), one after the other.
 *
 *   npm run bench                      all of them (about 4 minutes on a 2-core machine)
 *   npm run bench -- rest              one of them
 *   npm run bench -- rest stub decode  arguments after a name go to that benchmark
 *   npm run bench -- profile           the CPU breakdown of a REST call (not part of the full run)
 *   npm run bench -- promotion         what each hand-over of a page promotes into V8's old generation (idem)
 *   npm run bench -- effect4           Effect 3's runtime under a REST call against Effect 4.1's (idem)
 *
 * Exits non-zero when any benchmark could not run.
 */
import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { machine } from "./harness.js"

const BENCHMARKS = {
  verify: "token verification: ClerkAuth.verifyToken vs @clerk/backend verifyToken vs jose / WebCrypto / node:crypto",
  authenticate: "authenticateRequest (bearer header, __session cookie) vs @clerk/backend's",
  rest: "users.list / users.get vs @clerk/backend and raw fetch, in-memory stub and node:http on 127.0.0.1",
  decode: "µs per User: Schema decode vs JSON.parse vs @clerk/backend User.fromJSON",
  bundle: "esbuild + gzip sizes vs @clerk/backend and the bare Effect floor",
  coldstart: "await import() of the bundled package in fresh node processes vs @clerk/backend",
  stream: "users.listStream over 10,000 to 100,000 users: time and peak RSS",
  profile: "where a REST call's CPU goes (splits and a V8 CPU profile); not in the full run",
  promotion: "dead pages V8's young-generation GC promotes, by hand-over (fork, timeout, platform text); not in the full run",
  effect4: "the runtime under a REST call in Effect 3 (what effect-clerk uses) vs Effect 4.1; not in the full run"
} as const
type Name = keyof typeof BENCHMARKS

const isName = (arg: string): arg is Name => Object.hasOwn(BENCHMARKS, arg)
const DEFAULT: ReadonlyArray<Name> = ["verify", "authenticate", "rest", "decode", "bundle", "coldstart", "stream"]

const plan = (args: ReadonlyArray<string>): Array<{ readonly name: Name; readonly args: Array<string> }> => {
  if (args.length === 0) return DEFAULT.map((name) => ({ name, args: [] }))
  const steps: Array<{ readonly name: Name; readonly args: Array<string> }> = []
  for (const arg of args) {
    if (isName(arg)) steps.push({ name: arg, args: [] })
    else if (steps.length > 0) steps[steps.length - 1]?.args.push(arg)
    else {
      console.error(`unknown benchmark "${arg}"; one of:\n${Object.entries(BENCHMARKS).map(([n, d]) => `  ${n.padEnd(10)} ${d}`).join("\n")}`)
      process.exit(2)
    }
  }
  return steps
}

const steps = plan(process.argv.slice(2))
console.log(`# effect-clerk benchmarks — ${await machine()}\n`)
const failed: Array<Name> = []
const start = performance.now()
for (const step of steps) {
  const t0 = performance.now()
  const file = fileURLToPath(new URL(`./${step.name}.ts`, import.meta.url))
  const result = spawnSync(process.execPath, [...process.execArgv, file, ...step.args], { stdio: "inherit" })
  if (result.status !== 0) failed.push(step.name)
  console.log(`(${step.name}: ${((performance.now() - t0) / 1000).toFixed(1)} s${result.status === 0 ? "" : ", FAILED"})\n`)
}
console.log(`all done in ${((performance.now() - start) / 1000).toFixed(1)} s`)
if (failed.length > 0) {
  console.error(`could not run: ${failed.join(", ")}`)
  process.exit(1)
}
