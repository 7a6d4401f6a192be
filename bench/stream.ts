/**
 * Streaming (issue 5, item 7): `users.listStream({ limit })` over 10,000, 30,000 and 100,000 users, for
 * each page size (500, Clerk's maximum and what the README passes; 100, the stream's default when no `limit`
 * is given), run to the end with `Stream.runCount`: time, time per user (linear in the count when it stays
 * flat), and peak RSS growth. Each run is a fresh process.
 *
 * What "growth" is measured against: the process after one warm-up page of the same size (so the code the
 * first page compiles and the connection it opens are not counted as streaming) and a full GC. The peak is
 * the kernel's high-water mark (`VmHWM`, reset through `/proc/self/clear_refs` once the baseline is taken),
 * so no peak between two samples is missed; where there is no `/proc` (not Linux), it falls back to
 * sampling `process.memoryUsage.rss()` every 2 ms and at every chunk.
 *
 * Two servers:
 * - the offline Clerk, seeded with the users, serving over 127.0.0.1 from a child process (the issue's
 *   setting): the time includes its answers, the memory is the client's alone;
 * - an in-memory `fetch` stub that builds each page on demand (full wire-format users, the `starting_after`
 *   cursor effect-clerk uses, and `offset`), whose own time (building and serialising pages) is measured
 *   and subtracted: the SDK's cost alone, and the same stub for `@clerk/backend`.
 *
 * For reference, `@clerk/backend` has no stream: the same walk is its `getUserList({ limit, offset })` in a
 * loop (two requests a page: list and count), keeping nothing. And two walks without any SDK over the offline
 * Clerk, the limits of the memory goal: `fetch` + `JSON.parse` + the generated decoder in a plain loop, and the
 * same loop with each page awaited through `Effect.runPromise(Effect.promise(…))`.
 *
 *   npx tsx bench/stream.ts [count…] [--page=500,100]   (10000 30000 100000 by default)
 */
import { spawnSync } from "node:child_process"
import { readFileSync, writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as Decoders from "../schemas/decoders/Models.js"
import { isFailure } from "../src/internal/decode.js"
import { Users } from "../services/Users.js"
import { fmt, type Goal, goals, machine, table } from "./harness.js"
import { loadClerkBackend } from "./support/clerkBackend.js"
import { usersRuntime } from "./support/effectClerk.js"
import { realFetch, reset, useFetch } from "./support/fetch.js"
import { startOfflineServer } from "./support/offlineServer.js"
import { countJson, SECRET_KEY, user, userId } from "./support/users.js"

/**
 * Page sizes, largest first: 500 is Clerk's maximum for `users.list` (and what the README passes); 100 is
 * what `…Stream` sends when given no `limit` (the largest every paged list accepts: API keys and M2M tokens
 * stop at 100).
 */
const PAGES = [500, 100] as const
const NOWHERE = "http://127.0.0.1:9"
const SUBJECTS = [
  "effect-clerk",
  "@clerk/backend",
  "effect-clerk, offline Clerk",
  "fetch loop, offline Clerk",
  "fetch loop in Effect.promise, offline Clerk"
] as const
type SubjectName = (typeof SUBJECTS)[number]

interface Run {
  readonly subject: SubjectName
  readonly page: number
  readonly users: number
  readonly count: number
  readonly ms: number
  readonly stubMs: number
  readonly peakRssGrowthMb: number
  /** How the peak was taken: the kernel's high-water mark, or samples. */
  readonly peakFrom: "VmHWM" | "samples"
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

/**
 * The kernel's peak RSS of this process since `reset` (Linux: `VmHWM` in `/proc/self/status`, reset by
 * writing 5 to `/proc/self/clear_refs`); `undefined` where that is not available.
 */
const highWaterMark = {
  reset: (): boolean => {
    try {
      writeFileSync("/proc/self/clear_refs", "5")
      return true
    } catch {
      return false
    }
  },
  read: (): number | undefined => {
    try {
      const kb = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"))?.[1]
      return kb === undefined ? undefined : Number(kb) * 1024
    } catch {
      return undefined
    }
  }
}

const child = async (subject: SubjectName, page: number, total: number): Promise<Run> => {
  const stub = pagingStub(total)
  const heap0 = heapAfterGc()
  let sampled = 0
  const sample = () => {
    sampled = Math.max(sampled, process.memoryUsage.rss())
  }
  let count = 0
  let rss0 = 0
  let t0 = 0
  let hwm = false
  // Called after the warm-up page: a full GC, then the baseline, then the kernel's peak is reset to it.
  const start = () => {
    heapAfterGc()
    stub.state.stubMs = 0
    rss0 = process.memoryUsage.rss()
    sampled = rss0
    hwm = highWaterMark.reset()
    t0 = performance.now()
  }
  const timer = setInterval(sample, 2)
  // effect-clerk's walk, the same against either server: `users.listStream` run to the end.
  const walk = async (apiUrl: string, fetch: typeof globalThis.fetch) => {
    const runtime = usersRuntime(apiUrl, fetch)
    try {
      const users = await runtime.runPromise(Users)
      await runtime.runPromise(users.list({ limit: page }))
      start()
      count = await runtime.runPromise(
        users.listStream({ limit: page }).pipe(
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
  // The limits, without the SDK: `fetch` + `text()` + `JSON.parse` + the generated decoder, page after page
  // with the `starting_after` cursor, in a plain async loop; and the same loop with each page's work inside
  // one `Effect.runPromise(Effect.promise(…))`, to see what running it under Effect's runtime alone does to
  // the peak.
  const rawWalk = async (apiUrl: string, inEffect: boolean) => {
    const headers = { authorization: `Bearer ${SECRET_KEY}`, accept: "application/json" }
    const fetchPage = async (after: string | undefined) => {
      const query = after === undefined ? "" : `&starting_after=${after}`
      const text = await (await realFetch(`${apiUrl}/users?limit=${page}${query}`, { headers })).text()
      const users = Decoders.UserList(JSON.parse(text))
      if (isFailure(users)) throw new Error(`a page did not decode: ${users.message}`)
      return users
    }
    const onePage = (after: string | undefined) =>
      inEffect ? Effect.runPromise(Effect.promise(() => fetchPage(after))) : fetchPage(after)
    await onePage(undefined)
    start()
    let after: string | undefined
    for (;;) {
      const users = await onePage(after)
      count += users.length
      sample()
      const last = users[users.length - 1]
      if (users.length < page || last === undefined) break
      after = last.id
    }
  }
  // The offline Clerk, seeded, serves over 127.0.0.1 from its own process: the client's memory is the
  // client's alone; the walk's time includes the offline Clerk answering (no stub time to subtract).
  const overOfflineClerk = async (walkIt: (apiUrl: string) => Promise<void>) => {
    const server = await startOfflineServer(total)
    try {
      await walkIt(`${server.origin}/v1`)
    } finally {
      await server.close()
    }
  }
  if (subject === "effect-clerk, offline Clerk") {
    await overOfflineClerk((apiUrl) => walk(apiUrl, realFetch))
  } else if (subject === "fetch loop, offline Clerk") {
    await overOfflineClerk((apiUrl) => rawWalk(apiUrl, false))
  } else if (subject === "fetch loop in Effect.promise, offline Clerk") {
    await overOfflineClerk((apiUrl) => rawWalk(apiUrl, true))
  } else if (subject === "effect-clerk") {
    await walk(`${NOWHERE}/v1`, stub.fetch)
  } else {
    const { createClerkClient } = await loadClerkBackend()
    const clerk = createClerkClient({ secretKey: SECRET_KEY, apiUrl: NOWHERE })
    useFetch(stub.fetch)
    await clerk.users.getUserList({ limit: page, offset: 0 })
    start()
    for (let offset = 0;; offset += page) {
      const list = await clerk.users.getUserList({ limit: page, offset })
      count += list.data.length
      sample()
      if (list.data.length < page) break
    }
    reset()
  }
  const ms = performance.now() - t0
  clearInterval(timer)
  sample()
  const peak = hwm ? highWaterMark.read() : undefined
  const mb = (bytes: number) => bytes / 1024 / 1024
  return {
    subject,
    page,
    users: total,
    count,
    ms,
    stubMs: stub.state.stubMs,
    peakRssGrowthMb: mb(Math.max(peak ?? 0, sampled) - rss0),
    peakFrom: peak === undefined ? "samples" : "VmHWM",
    retainedMb: mb(heapAfterGc() - heap0)
  }
}

// -----------------------------------------------------------------------------------------------------------
// The parent: one fresh process per run
// -----------------------------------------------------------------------------------------------------------

const parent = async (counts: ReadonlyArray<number>, pages: ReadonlyArray<number>) => {
  const runs: Array<Run> = []
  for (const page of pages) {
    for (const total of counts) {
      for (const subject of SUBJECTS) {
        const result = spawnSync(
          process.execPath,
          [
            ...process.execArgv,
            "--expose-gc",
            fileURLToPath(import.meta.url),
            "--child",
            subject,
            String(page),
            String(total)
          ],
          { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 1 << 20 }
        )
        const run: unknown = result.status === 0
          ? JSON.parse(result.stdout.trim().split("\n").pop() ?? "")
          : undefined
        if (!isRun(run)) {
          console.error(`benchmark cannot run: the ${subject} walk over ${total} users (limit ${page}) failed`)
          process.exit(1)
        }
        if (run.count !== total) {
          console.error(`${subject} counted ${run.count} of ${total} users`)
          process.exit(1)
        }
        runs.push(run)
      }
    }
  }
  const peakFrom = runs.every((r) => r.peakFrom === "VmHWM")
    ? "the kernel's high-water mark (VmHWM)"
    : "RSS samples every 2 ms and at every chunk"
  console.log(`## Streaming users to the end, by page size (${await machine()})\n`)
  console.log(
    `Peak RSS growth: ${peakFrom}, over the RSS after one warm-up page and a full GC. The stub runs build ` +
      `their pages in the measured process, so their memory includes the stub's; the offline Clerk's is ` +
      `the client's alone.\n`
  )
  const perUser = (r: Run) => ((r.ms - r.stubMs) * 1000) / r.users
  const label: Record<SubjectName, string> = {
    "effect-clerk, offline Clerk": "effect-clerk users.listStream, offline Clerk over 127.0.0.1",
    "effect-clerk": "effect-clerk users.listStream, in-memory stub",
    "@clerk/backend": "@clerk/backend getUserList + offset loop, in-memory stub",
    "fetch loop, offline Clerk": "no SDK: fetch + JSON.parse + generated decoder, cursor loop, offline Clerk",
    "fetch loop in Effect.promise, offline Clerk":
      "no SDK: the same loop, each page inside Effect.runPromise(Effect.promise(…)), offline Clerk"
  }
  console.log(table(
    [
      "walk",
      "limit",
      "users",
      "ms (stub time subtracted)",
      "µs/user",
      "stub ms",
      "peak RSS growth",
      "heap kept after GC"
    ],
    runs.map((r) => [
      label[r.subject],
      String(r.page),
      r.users.toLocaleString("en-US"),
      fmt(r.ms - r.stubMs),
      fmt(perUser(r)),
      r.subject.endsWith("offline Clerk") ? "–" : fmt(r.stubMs),
      `${fmt(r.peakRssGrowthMb)} MB`,
      `${fmt(r.retainedMb)} MB`
    ])
  ) + "\n")
  const list: Array<Goal> = []
  for (const page of pages) {
    for (const subject of ["effect-clerk, offline Clerk", "effect-clerk"] as const) {
      const ours = runs.filter((r) => r.subject === subject && r.page === page)
      const largest = ours[ours.length - 1]
      const smallest = ours[0]
      if (largest === undefined || smallest === undefined) continue
      const growth = perUser(largest) / perUser(smallest)
      list.push(
        {
          goal: `${label[subject]}, limit ${page}, ${largest.users.toLocaleString("en-US")} users: RSS growth under 64 MB`,
          met: largest.peakRssGrowthMb < 64,
          measured: `${fmt(largest.peakRssGrowthMb)} MB peak (${smallest.users.toLocaleString("en-US")} users: ${
            fmt(smallest.peakRssGrowthMb)
          } MB); ${fmt(largest.retainedMb)} MB of heap kept after GC`
        },
        {
          goal: `${label[subject]}, limit ${page}: time linear in the count (µs/user at the largest count within ` +
            `1.25× of the smallest)`,
          met: growth <= 1.25,
          measured: `${fmt(perUser(smallest))} → ${fmt(perUser(largest))} µs/user (${fmt(growth)}×)`
        }
      )
    }
  }
  console.log(goals(list))
}

const args = process.argv.slice(2)
if (args[0] === "--child") {
  const subject = SUBJECTS.find((s) => s === args[1])
  if (subject === undefined) throw new Error(`unknown subject ${args[1]}`)
  console.log(JSON.stringify(await child(subject, Number(args[2]), Number(args[3]))))
} else {
  const pageArg = args.find((a) => a.startsWith("--page="))
  const pages = pageArg === undefined ? PAGES : pageArg.slice("--page=".length).split(",").map(Number)
  const countArgs = args.filter((a) => !a.startsWith("--"))
  const counts = countArgs.length > 0 ? countArgs.map(Number) : [10_000, 30_000, 100_000]
  if ([...pages, ...counts].some((n) => !Number.isInteger(n) || n < 1) || pages.some((n) => n > 500)) {
    console.error("usage: npx tsx bench/stream.ts [count…] [--page=500,100] (page sizes 1–500)")
    process.exit(1)
  }
  await parent(counts, pages)
}
