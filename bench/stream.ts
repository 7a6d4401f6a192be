/**
 * Streaming (issue 5, item 7): `users.listStream({ limit: 500 })` over 10,000, 30,000 and 100,000 users,
 * run to the end with `Stream.runCount`: time, time per user (linear in the count when it stays flat), and
 * peak RSS growth over the process's RSS before the stream started. Each run is a fresh process.
 *
 * Two servers:
 * - the offline Clerk, seeded with the users, serving over 127.0.0.1 from a child process (the issue's
 *   setting): the time includes its answers, the memory is the client's alone;
 * - an in-memory `fetch` stub that builds each page on demand (full wire-format users, the `starting_after`
 *   cursor effect-clerk uses, and `offset`), whose own time (building and serialising pages) is measured
 *   and subtracted: the SDK's cost alone, and the same stub for `@clerk/backend`.
 *
 * For reference, `@clerk/backend` has no stream: the same walk is its `getUserList({ limit: 500, offset })`
 * in a loop (two requests a page: list and count), keeping nothing.
 *
 *   npx tsx bench/stream.ts [count…]        (10000 30000 100000 by default)
 */
import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import * as Stream from "effect/Stream"
import { Users } from "../services/Users.js"
import { fmt, type Goal, goals, machine, table } from "./harness.js"
import { loadClerkBackend } from "./support/clerkBackend.js"
import { usersRuntime } from "./support/effectClerk.js"
import { realFetch, reset, useFetch } from "./support/fetch.js"
import { startOfflineServer } from "./support/offlineServer.js"
import { countJson, SECRET_KEY, user, userId } from "./support/users.js"

const PAGE = 500
const NOWHERE = "http://127.0.0.1:9"
const SUBJECTS = ["effect-clerk", "@clerk/backend", "effect-clerk, offline Clerk"] as const
type SubjectName = (typeof SUBJECTS)[number]

interface Run {
  readonly subject: SubjectName
  readonly users: number
  readonly count: number
  readonly ms: number
  readonly stubMs: number
  readonly peakRssGrowthMb: number
  /** Heap still in use after the walk and a full GC, over the heap before it: what the walk kept. */
  readonly retainedMb: number
}

const isRun = (value: unknown): value is Run =>
  typeof value === "object" && value !== null && "ms" in value && "peakRssGrowthMb" in value

// -----------------------------------------------------------------------------------------------------------
// The child: one walk over `total` users
// -----------------------------------------------------------------------------------------------------------

const indexOf = (id: string): number => Number(id.slice(userId(0).length - 22))

/** Pages of `total` users, built when asked for; `stubMs` is the time spent building them. */
const pagingStub = (total: number) => {
  const state = { stubMs: 0 }
  const fetch: typeof globalThis.fetch = (input) => {
    const t0 = performance.now()
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url)
    let body: string
    if (url.pathname.endsWith("/users/count")) {
      body = countJson(total)
    } else {
      const limit = Number(url.searchParams.get("limit") ?? 10)
      const after = url.searchParams.get("starting_after")
      const start = after === null ? Number(url.searchParams.get("offset") ?? 0) : indexOf(after) + 1
      const end = Math.min(total, start + limit)
      body = JSON.stringify(Array.from({ length: Math.max(0, end - start) }, (_, k) => user(start + k)))
    }
    const response = new Response(body, { status: 200, headers: { "content-type": "application/json" } })
    state.stubMs += performance.now() - t0
    return Promise.resolve(response)
  }
  return { fetch, state }
}

const heapAfterGc = (): number => {
  const gc: unknown = Reflect.get(globalThis, "gc")
  if (typeof gc === "function") gc()
  return process.memoryUsage().heapUsed
}

const child = async (subject: SubjectName, total: number): Promise<Run> => {
  const stub = pagingStub(total)
  const heap0 = heapAfterGc()
  let peak = 0
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage.rss())
  }
  const timer = setInterval(sample, 2)
  let count = 0
  let rss0 = 0
  let t0 = 0
  // effect-clerk's walk, the same against either server: `users.listStream` run to the end.
  const walk = async (apiUrl: string, fetch: typeof globalThis.fetch) => {
    const runtime = usersRuntime(apiUrl, fetch)
    try {
      const users = await runtime.runPromise(Users)
      rss0 = process.memoryUsage.rss()
      t0 = performance.now()
      count = await runtime.runPromise(
        users.listStream({ limit: PAGE }).pipe(
          Stream.mapChunks((chunk) => {
            sample()
            return chunk
          }),
          Stream.runCount
        )
      )
    } finally {
      await runtime.dispose()
    }
  }
  if (subject === "effect-clerk, offline Clerk") {
    // The offline Clerk, seeded, serves over 127.0.0.1 from its own process: the client's memory is the
    // client's alone; the walk's time includes the offline Clerk answering (no stub time to subtract).
    const server = await startOfflineServer(total)
    try {
      await walk(`${server.origin}/v1`, realFetch)
    } finally {
      await server.close()
    }
  } else if (subject === "effect-clerk") {
    await walk(`${NOWHERE}/v1`, stub.fetch)
  } else {
    const { createClerkClient } = await loadClerkBackend()
    const clerk = createClerkClient({ secretKey: SECRET_KEY, apiUrl: NOWHERE })
    useFetch(stub.fetch)
    rss0 = process.memoryUsage.rss()
    t0 = performance.now()
    for (let offset = 0;; offset += PAGE) {
      const page = await clerk.users.getUserList({ limit: PAGE, offset })
      count += page.data.length
      sample()
      if (page.data.length < PAGE) break
    }
    reset()
  }
  const ms = performance.now() - t0
  clearInterval(timer)
  sample()
  const mb = (bytes: number) => bytes / 1024 / 1024
  return {
    subject,
    users: total,
    count,
    ms,
    stubMs: stub.state.stubMs,
    peakRssGrowthMb: mb(peak - rss0),
    retainedMb: mb(heapAfterGc() - heap0)
  }
}

// -----------------------------------------------------------------------------------------------------------
// The parent: one fresh process per run
// -----------------------------------------------------------------------------------------------------------

const parent = async (counts: ReadonlyArray<number>) => {
  const runs: Array<Run> = []
  for (const total of counts) {
    for (const subject of SUBJECTS) {
      const result = spawnSync(
        process.execPath,
        [...process.execArgv, "--expose-gc", fileURLToPath(import.meta.url), "--child", subject, String(total)],
        { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 1 << 20 }
      )
      const run: unknown = result.status === 0 ? JSON.parse(result.stdout.trim().split("\n").pop() ?? "") : undefined
      if (!isRun(run)) {
        console.error(`benchmark cannot run: the ${subject} walk over ${total} users failed`)
        process.exit(1)
      }
      if (run.count !== total) {
        console.error(`${subject} counted ${run.count} of ${total} users`)
        process.exit(1)
      }
      runs.push(run)
    }
  }
  console.log(`## Streaming ${PAGE}-user pages to the end (${await machine()})\n`)
  const perUser = (r: Run) => ((r.ms - r.stubMs) * 1000) / r.users
  const label: Record<SubjectName, string> = {
    "effect-clerk, offline Clerk": "effect-clerk users.listStream, offline Clerk over 127.0.0.1",
    "effect-clerk": "effect-clerk users.listStream, in-memory stub",
    "@clerk/backend": "@clerk/backend getUserList + offset loop, in-memory stub"
  }
  console.log(table(
    ["walk", "users", "ms (stub time subtracted)", "µs/user", "stub ms", "peak RSS growth", "heap kept after GC"],
    runs.map((r) => [
      label[r.subject],
      r.users.toLocaleString("en-US"),
      fmt(r.ms - r.stubMs),
      fmt(perUser(r)),
      r.subject === "effect-clerk, offline Clerk" ? "–" : fmt(r.stubMs),
      `${fmt(r.peakRssGrowthMb)} MB`,
      `${fmt(r.retainedMb)} MB`
    ])
  ) + "\n")
  const list: Array<Goal> = []
  for (const subject of ["effect-clerk, offline Clerk", "effect-clerk"] as const) {
    const ours = runs.filter((r) => r.subject === subject)
    const largest = ours[ours.length - 1]
    const smallest = ours[0]
    if (largest === undefined || smallest === undefined) continue
    const growth = perUser(largest) / perUser(smallest)
    list.push(
      {
        goal: `${label[subject]}, ${largest.users.toLocaleString("en-US")} users: RSS growth under 64 MB`,
        met: largest.peakRssGrowthMb < 64,
        measured: `${fmt(largest.peakRssGrowthMb)} MB peak (${smallest.users.toLocaleString("en-US")} users: ${
          fmt(smallest.peakRssGrowthMb)
        } MB); ${fmt(largest.retainedMb)} MB of heap kept after GC: garbage headroom, not retention`
      },
      {
        goal: `${label[subject]}: time linear in the count (µs/user at the largest count within 1.25× of the smallest)`,
        met: growth <= 1.25,
        measured: `${fmt(perUser(smallest))} → ${fmt(perUser(largest))} µs/user (${fmt(growth)}×)`
      }
    )
  }
  console.log(goals(list))
}

const args = process.argv.slice(2)
if (args[0] === "--child") {
  const subject = SUBJECTS.find((s) => s === args[1])
  if (subject === undefined) throw new Error(`unknown subject ${args[1]}`)
  console.log(JSON.stringify(await child(subject, Number(args[2]))))
} else {
  const counts = args.length > 0 ? args.map(Number) : [10_000, 30_000, 100_000]
  await parent(counts)
}
