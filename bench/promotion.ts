/**
 * Why the stream's peak RSS is what it is: how many MB of dead pages V8's young-generation GC (the
 * scavenger) copies into the old generation, which only a full GC empties, when pages are handed over in
 * different ways. No network, and of the SDK only `handOver`: each line parses the same 100-user page (`JSON.parse` of
 * 287 KB, as `users.list` does) 600 times, one page per macrotask, and drops it; with `--users=500`, a
 * 500-user page (1.4 MB, the stream's page with `limit: 500`) 120 times.
 *
 * Each line runs in a fresh process under `--trace-gc-nvp`; the table sums V8's own `promoted=` figure over
 * the young-generation GCs of the loop. What a line adds over "plain async loop" is what that hand-over
 * keeps alive past a young GC (a full GC finds nothing of it: nothing is retained). The mechanism: a holder
 * already in the old generation (a span, a finished fiber, the platform's cached body) is given the page; the
 * young GC takes every old-to-young pointer as alive, dead holder or not (`src/internal/handover.ts`).
 *
 *   npx tsx bench/promotion.ts [--users=500] [part of a line's name…]   (about 30 s; not in `npm run bench`)
 */
import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { handOver } from "../src/internal/handover.js"
import { fmt, machine, table } from "./harness.js"
import { userListJson } from "./support/users.js"

// `--users=500` for pages of 500 users (the stream's page with `limit: 500`): 60,000 users either way.
const argv = process.argv.slice(2)
const USERS = Number(argv.find((a) => a.startsWith("--users="))?.slice("--users=".length) ?? 100)
const PAGES = Math.round(60_000 / USERS)
const PAGE = userListJson(USERS)
const URL_ = "http://127.0.0.1:9/v1/users"

/** The next page, parsed after a macrotask (as a page arrives from the network). */
const nextPage = (): Promise<Array<unknown>> =>
  new Promise((resolve) => setImmediate(() => resolve(JSON.parse(PAGE))))
const stubFetch: typeof globalThis.fetch = () => new Promise((resolve) => setImmediate(() => resolve(new Response(PAGE))))

const fetched = Effect.promise(() => stubFetch(URL_))
const withStub = Effect.provideService(FetchHttpClient.Fetch, stubFetch)

/** The page a text gives, any failure a defect (the stub does not fail). */
const parsed = <E, R>(text: Effect.Effect<string, E, R>): Effect.Effect<Array<unknown>, never, R> =>
  text.pipe(Effect.map((t): Array<unknown> => JSON.parse(t)), Effect.orDie)

const loopInEffect = (page: Effect.Effect<Array<unknown>>) =>
  Effect.runPromise(Effect.gen(function*() {
    let users = 0
    for (let i = 0; i < PAGES; i++) users += (yield* page).length
    return users
  }))

const SUBJECTS = {
  "plain async loop": async () => {
    let users = 0
    for (let i = 0; i < PAGES; i++) users += (await nextPage()).length
    return users
  },
  "one fiber: Effect.promise per page": () => loopInEffect(Effect.promise(nextPage)),
  "a root fiber per page: Effect.runPromise(Effect.promise(…)) (as an app calls the SDK, one call at a time)":
    async () => {
      let users = 0
      for (let i = 0; i < PAGES; i++) users += (await Effect.runPromise(Effect.promise(nextPage))).length
      return users
    },
  "page returned by a forked fiber (Effect.fork + Fiber.join)": () =>
    loopInEffect(Effect.flatMap(Effect.fork(Effect.promise(nextPage)), Fiber.join)),
  "page returned through Effect.timeout (it forks)": () =>
    loopInEffect(Effect.timeout(Effect.promise(nextPage), "1 minute").pipe(Effect.orDie)),
  "the same, the page handed over in a cell the receiver empties (handOver, as effect-clerk's timeout)": () =>
    loopInEffect(handOver(Effect.promise(nextPage), Effect.timeout("1 minute")).pipe(Effect.orDie)),
  "one fiber: fetch + Response.text() in Effect.promise, then JSON.parse": () =>
    loopInEffect(parsed(Effect.promise(() => stubFetch(URL_).then((r) => r.text())))),
  "one fiber: the platform's response (HttpClientResponse.fromWeb) and its text, then JSON.parse": () =>
    loopInEffect(parsed(Effect.flatMap(fetched, (r) => HttpClientResponse.fromWeb(HttpClientRequest.get(URL_), r).text))),
  "one fiber: the same web Response, its text() through Effect.tryPromise, then JSON.parse": () =>
    loopInEffect(parsed(Effect.flatMap(fetched, (r) => Effect.tryPromise({ try: () => r.text(), catch: (e) => e })))),
  "the same, its text() through Effect.tryPromise, Effect.cached and Effect.runSync (as the platform's text does)": () =>
    loopInEffect(
      parsed(Effect.flatMap(fetched, (r) => Effect.tryPromise({ try: () => r.text(), catch: (e) => e }).pipe(Effect.cached, Effect.runSync)))
    ),
  "one fiber: the platform's response, its arrayBuffer's bytes moved out and decoded (as effect-clerk reads a body)": () =>
    loopInEffect(
      parsed(
        Effect.flatMap(fetched, (r) =>
          Effect.map(
            HttpClientResponse.fromWeb(HttpClientRequest.get(URL_), r).arrayBuffer,
            (bytes) => new TextDecoder().decode(structuredClone(bytes, { transfer: [bytes] }))
          ))
      )
    ),
  "page returned through Effect.withSpan (the span keeps the exit it ends with)": () =>
    loopInEffect(Effect.withSpan(Effect.promise(nextPage), "page")),
  "the same, the page handed over in a cell (handOver, as effect-clerk's span)": () =>
    loopInEffect(handOver(Effect.promise(nextPage), Effect.withSpan("page"))),
  "one fiber: @effect/platform HttpClient built once, response.text, then JSON.parse": () => {
    // As effect-clerk uses it: one client, its span off.
    const client = Effect.runSync(Effect.provide(HttpClient.HttpClient, FetchHttpClient.layer)).pipe(
      HttpClient.withTracerDisabledWhen(() => true)
    )
    return loopInEffect(parsed(Effect.flatMap(client.get(URL_), (r) => r.text)).pipe(withStub))
  },
  "the same, with Effect.provide(FetchHttpClient.layer) for each page": () =>
    loopInEffect(
      parsed(Effect.flatMap(HttpClient.get(URL_), (r) => r.text)).pipe(Effect.provide(FetchHttpClient.layer), withStub)
    )
} as const
type Subject = keyof typeof SUBJECTS
const isSubject = (name: string | undefined): name is Subject => name !== undefined && Object.hasOwn(SUBJECTS, name)

const MARK = "promotion-bench-loop"

/** `--trace-gc-nvp` lines of young-generation GCs between the two marks: V8's `promoted=` bytes each. */
const promotedPerYoungGc = (output: string): Array<number> => {
  const lines = output.split("\n")
  const from = lines.indexOf(`${MARK} start`)
  const to = lines.indexOf(`${MARK} end`)
  return lines.slice(from + 1, to)
    .filter((line) => line.includes(" gc=s "))
    .map((line) => Number(/ promoted=(\d+)/.exec(line)?.[1] ?? NaN))
}

const args = argv.filter((a) => !a.startsWith("--users="))
if (args[0] === "--child") {
  const name = args[1]
  if (!isSubject(name)) throw new Error(`unknown subject ${name}`)
  await SUBJECTS[name]() // warm-up: compiled code and a grown young generation, as in a long walk
  console.log(`${MARK} start`)
  const users = await SUBJECTS[name]()
  console.log(`${MARK} end`)
  if (users !== PAGES * USERS) throw new Error(`${name} counted ${users} users`)
} else {
  const rows: Array<Array<string>> = []
  // Arguments pick lines by a part of their name.
  const names = Object.keys(SUBJECTS).filter((name) => args.length === 0 || args.some((a) => name.includes(a)))
  for (const name of names) {
    const result = spawnSync(
      process.execPath,
      [...process.execArgv, "--trace-gc-nvp", fileURLToPath(import.meta.url), "--child", name, `--users=${USERS}`],
      { encoding: "utf8", maxBuffer: 64 << 20 }
    )
    const promoted = promotedPerYoungGc(result.stdout)
    if (result.status !== 0 || promoted.length === 0 || promoted.some(Number.isNaN)) {
      console.error(`benchmark cannot run: ${name} failed\n${result.stderr}`)
      process.exit(1)
    }
    const totalMb = promoted.reduce((a, b) => a + b, 0) / 1024 / 1024
    rows.push([name, String(promoted.length), `${fmt(totalMb / promoted.length)} MB`, `${fmt(totalMb)} MB`])
  }
  console.log(`## Dead pages promoted by young-generation GCs (${await machine()})\n`)
  console.log(`${PAGES} pages of ${USERS} users (${fmt(PAGE.length / 1024)} KB of JSON each, ${fmt((PAGES * PAGE.length) / 1024 / 1024)} MB in all), one a macrotask.\n`)
  console.log(table(["hand-over", "young GCs", "promoted per young GC", "promoted in all"], rows))
}
