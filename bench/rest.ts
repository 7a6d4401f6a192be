/**
 * REST (issue 5, item 3): `users.list({ limit: 100 })` and `users.get`, effect-clerk vs `@clerk/backend`
 * 3.25.0 vs raw `fetch` + `JSON.parse`,
 *
 * - `stub`: against an in-memory `fetch` that answers pre-serialised JSON: the SDKs' own cost;
 * - `http`: against a `node:http` server on 127.0.0.1 (a child process, so the CPU measured is the
 *   client's), one call at a time (p50/p99) and 16 in flight.
 *
 * Like with like: `@clerk/backend`'s `getUserList` sends two requests (the page and `/users/count`) and
 * effect-clerk's `users.list` one. So the list is compared twice: one request each (`users.list` vs the
 * request function `getUserList` itself calls for the page), and two each (`users.list` + `users.count`,
 * concurrently, vs `getUserList`). The stub and the server answer `/users/count` too.
 *
 *   npx tsx bench/rest.ts [stub|http]        (both by default)
 */
import * as Effect from "effect/Effect"
import { Users } from "../services/Users.js"
import {
  type Comparison,
  compare,
  find,
  fmt,
  goals,
  machine,
  ratio,
  report,
  type Subject,
  times
} from "./harness.js"
import { type ClerkBackendClient, loadClerkBackend, usersRequest } from "./support/clerkBackend.js"
import { usersRuntime } from "./support/effectClerk.js"
import { realFetch, reset, stubFetch, useFetch } from "./support/fetch.js"
import { startServer } from "./support/server.js"
import { bodies, checkWired, firstId, SECRET_KEY, userId } from "./support/users.js"

const PAGE = 100
const ID = userId(0)
const HEADERS = {
  authorization: `Bearer ${SECRET_KEY}`,
  "clerk-api-version": "2026-05-12",
  "user-agent": "bench",
  accept: "application/json"
}
// The stubs never send anything; should a stub not be wired, the request fails on a closed local port
// instead of reaching Clerk.
const NOWHERE = "http://127.0.0.1:9"

const NAMES = {
  ours: "effect-clerk",
  theirs: "@clerk/backend",
  raw: "fetch + JSON.parse"
} as const

interface Target {
  /** `fetch` for effect-clerk and for the raw baseline. */
  readonly fetch: typeof globalThis.fetch
  /** For `@clerk/backend`: the stub its rounds switch to, or none (the real `fetch`). */
  readonly theirFetch: typeof globalThis.fetch | undefined
  /** The origin, without `/v1`. */
  readonly origin: string
}

const setUp = async (target: Target, clerk: ClerkBackendClient) => {
  const runtime = usersRuntime(`${target.origin}/v1`, target.fetch)
  const users = await runtime.runPromise(Users)
  const request = usersRequest(clerk)
  const theirs = target.theirFetch
  const around = theirs === undefined ? {} : { enter: () => useFetch(theirs), exit: reset }
  const raw = (path: string) => () =>
    target.fetch(`${target.origin}/v1${path}`, { headers: HEADERS }).then((r) => r.text()).then(JSON.parse)
  const listPath = `/users?limit=${PAGE}`

  const list: ReadonlyArray<Subject> = [
    { name: NAMES.ours, run: () => runtime.runPromise(users.list({ limit: PAGE })) },
    { name: NAMES.theirs, run: () => request({ method: "GET", path: "/users", queryParams: { limit: PAGE } }), ...around },
    { name: NAMES.raw, run: raw(listPath) }
  ]
  const listAndCount: ReadonlyArray<Subject> = [
    {
      name: NAMES.ours,
      run: () =>
        runtime.runPromise(
          Effect.all([users.list({ limit: PAGE }), users.count({})], { concurrency: "unbounded" })
        )
    },
    { name: NAMES.theirs, run: () => clerk.users.getUserList({ limit: PAGE }), ...around },
    { name: NAMES.raw, run: () => Promise.all([raw(listPath)(), raw("/users/count")()]) }
  ]
  const get: ReadonlyArray<Subject> = [
    { name: NAMES.ours, run: () => runtime.runPromise(users.get({ userId: ID })) },
    { name: NAMES.theirs, run: () => clerk.users.getUser(ID), ...around },
    { name: NAMES.raw, run: raw(`/users/${ID}`) }
  ]
  await checkWired(list, ID)
  await checkWired(get, ID)
  const count = await listAndCount[0]?.run()
  if (firstId(count) !== ID) throw new Error("effect-clerk list + count is not wired")
  await checkWired(listAndCount.slice(1), ID)
  return { list, listAndCount, get, dispose: () => runtime.dispose() }
}

const cpuGoal = (c: Comparison, label: string) => {
  const r = ratio(find(c, NAMES.ours), find(c, NAMES.theirs), "cpu")
  return {
    goal: `${label}, in-memory stub: effect-clerk CPU per call ≤ @clerk/backend's`,
    met: r.median <= 1,
    measured: `${fmt(find(c, NAMES.ours).cpuUsPerOp.median)} vs ${
      fmt(find(c, NAMES.theirs).cpuUsPerOp.median)
    } µs/call; effect-clerk ÷ @clerk/backend ${times(r)}`
  }
}

const runStub = async (clerk: (apiUrl: string) => ClerkBackendClient) => {
  const stub = stubFetch(bodies(PAGE))
  const s = await setUp({ fetch: stub, theirFetch: stub, origin: NOWHERE }, clerk(NOWHERE))
  try {
    const list = await compare({ title: `REST, in-memory fetch: users.list({ limit: ${PAGE} }), one request each`, subjects: s.list })
    console.log(report(list))
    const listAndCount = await compare({
      title: `REST, in-memory fetch: list ${PAGE} + count, two requests each (ours: users.list ‖ users.count; theirs: getUserList)`,
      subjects: s.listAndCount
    })
    console.log(report(listAndCount))
    const get = await compare({ title: "REST, in-memory fetch: users.get / getUser", subjects: s.get, rounds: 6, sampleMs: 100 })
    console.log(report(get))
    return [
      cpuGoal(list, `users.list({ limit: ${PAGE} }) (one request each)`),
      cpuGoal(listAndCount, `users.list + users.count vs getUserList`),
      cpuGoal(get, "users.get vs getUser (not a goal of the issue, for reference)")
    ]
  } finally {
    await s.dispose()
  }
}

const runHttp = async (clerk: (apiUrl: string) => ClerkBackendClient) => {
  const server = await startServer(PAGE).catch((error: unknown) => {
    console.error(`benchmark cannot run: the local server did not start: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  })
  const s = await setUp({ fetch: realFetch, theirFetch: undefined, origin: server.origin }, clerk(server.origin))
  try {
    for (const [label, subjects] of [
      [`users.list({ limit: ${PAGE} }), one request each`, s.list],
      ["users.get / getUser", s.get]
    ] as const) {
      console.log(report(await compare({ title: `REST, node:http on 127.0.0.1: ${label}`, subjects, latency: true, rounds: 6 })))
      console.log(report(await compare({ title: `REST, node:http on 127.0.0.1: ${label}`, subjects, concurrency: 16, rounds: 5 })))
    }
  } finally {
    await s.dispose()
    await server.close()
  }
}

const main = async () => {
  const which = process.argv[2]
  if (which !== undefined && which !== "stub" && which !== "http") {
    console.error("usage: npx tsx bench/rest.ts [stub|http]")
    process.exit(2)
  }
  const { createClerkClient } = await loadClerkBackend()
  const clerk = (apiUrl: string) => createClerkClient({ secretKey: SECRET_KEY, apiUrl })
  console.log(`## REST (${await machine()})\n`)
  console.log(
    `Users: ${PAGE} full wire-format users per page (email verified through Google, phone, Google account, metadata), ` +
      `${fmt(bodies(PAGE).list.length / 1024)} KB of JSON; one user ${fmt(bodies(PAGE).one.length / 1024)} KB. ` +
      "Ratios are per round, subject ÷ effect-clerk: below 1 is faster / cheaper than effect-clerk.\n"
  )
  const results = which === "http" ? [] : await runStub(clerk)
  if (which !== "stub") await runHttp(clerk)
  if (results.length > 0) console.log(goals(results))
}

await main()
