/**
 * Where a REST call's CPU goes (the profile behind the REST goal): the same call against the in-memory
 * stub, built up layer by layer, so that each difference is one part's cost.
 *
 *   1. `fetch` + `text()` + `JSON.parse`                                 the floor
 *   1v. the same + the generated decoder, no Effect                      the floor with every field validated
 *   1r. 1v inside one `runtime.runPromise(Effect.promise(…))`            what one root fiber adds
 *   2. `@effect/platform` `HttpClient` + `text` + `JSON.parse`          + the platform's client (2b: without
 *                                                                       its span, as effect-clerk uses it)
 *   3. effect-clerk's client, the same operation decoding `Schema.Unknown`  + effect-clerk's pipeline
 *   4. as 3, under `Clerk.withoutRetries`                                  (what the retry wrapper costs)
 *   5. effect-clerk `users.get` / `users.list`                             + Schema decoding
 *   6. the Schema decode alone, `Effect.runSync(decodeUnknown(…))` of the parsed JSON
 *
 * and then what each wrapper the client puts around an attempt costs on its own.
 *
 *   npx tsx bench/profile.ts            the splits for users.get and users.list({ limit: 100 })
 *   npx tsx bench/profile.ts cpu list   a V8 CPU profile of users.list in a loop (the inspector's profiler,
 *                                       what `--cpu-prof` writes), summarised by area and by function;
 *                                       `cpu get` for users.get
 */
import { Session } from "node:inspector/promises"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Decoders from "../schemas/decoders/Models.js"
import * as Models from "../schemas/Models.js"
import * as Encoders from "../schemas/encoders/Users.js"
import { Users } from "../services/Users.js"
import * as Clerk from "../src/Clerk.js"
import { ClerkClient } from "../src/ClerkClient.js"
import { type ClerkError, ClerkRequestError } from "../src/ClerkError.js"
import * as Operation from "../src/internal/operation.js"
import * as Request from "../src/internal/request.js"
import * as RetrySchedule from "../src/internal/retry.js"
import { type Comparison, compare, find, findByPrefix, fmt, machine, report, type Subject, table } from "./harness.js"
import { loadClerkBackend, usersRequest } from "./support/clerkBackend.js"
import { usersRuntime } from "./support/effectClerk.js"
import { reset, stubFetch, useFetch } from "./support/fetch.js"
import { bodies, SECRET_KEY, userId } from "./support/users.js"

const PAGE = 100
const ID = userId(0)
const ORIGIN = "http://127.0.0.1:9"
const HEADERS = { authorization: `Bearer ${SECRET_KEY}`, accept: "application/json" }

// `users.get` and `users.list` as the generator declares them, but with a success that decodes nothing:
// the difference to the real ones is the Schema decode inside the SDK's pipeline.
const GetUserUndecoded = Operation.make({
  operationId: "GetUser",
  name: "users.get",
  method: "GET",
  path: "/users/{user_id}",
  input: Encoders.GetUserParams,
  success: Operation.json(Schema.Unknown),
  errors: [400, 401, 404]
})
const GetUserListUndecoded = Operation.make({
  operationId: "GetUserList",
  name: "users.list",
  method: "GET",
  path: "/users",
  input: Encoders.GetUserListParams,
  queryParams: ["limit", "offset", "order_by"],
  success: Operation.json(Schema.Unknown),
  errors: [400, 401, 422]
})

const splits = async () => {
  const b = bodies(PAGE)
  const stub = stubFetch(b)
  const runtime = usersRuntime(`${ORIGIN}/v1`, stub)
  const [users, client, http] = await runtime.runPromise(Effect.all([Users, ClerkClient, HttpClient.HttpClient]))
  const { createClerkClient } = await loadClerkBackend()
  const request = usersRequest(createClerkClient({ secretKey: SECRET_KEY, apiUrl: ORIGIN }))
  const theirs = { enter: () => useFetch(stub), exit: reset }
  const untraced = http.pipe(HttpClient.withTracerPropagation(false), HttpClient.withTracerDisabledWhen(() => true))
  const decodeList = Schema.decodeUnknown(Models.UserList)
  const decodeUser = Schema.decodeUnknown(Models.User)
  const listJson: unknown = JSON.parse(b.list)
  const userJson: unknown = JSON.parse(b.one)

  const steps = (
    path: string,
    undecoded: Effect.Effect<unknown, unknown>,
    full: Effect.Effect<unknown, unknown>,
    decodeOnly: () => unknown,
    decoder: (input: unknown) => unknown,
    clerk: () => Promise<unknown>
  ): ReadonlyArray<Subject> => {
    const parsed = () => stub(`${ORIGIN}/v1${path}`, { headers: HEADERS }).then((r) => r.text()).then(JSON.parse)
    const validated = () => parsed().then(decoder)
    return [
      { name: "1 fetch + JSON.parse", run: parsed },
      // What validating every field costs with no Effect at all: the floor under the REST goal.
      { name: "1v the same + the generated decoder, no Effect", run: validated },
      // The same work delivered through one root fiber, as any Effect program's `runPromise` delivers it.
      { name: "1r the same in one runtime.runPromise(Effect.promise(…))", run: () => runtime.runPromise(Effect.promise(validated)) },
      {
        name: "2 platform HttpClient + JSON.parse",
        run: () =>
          runtime.runPromise(Effect.map(Effect.flatMap(http.get(`${ORIGIN}/v1${path}`), (r) => r.text), JSON.parse))
      },
      {
        // effect-clerk turns the platform's span off; this is the platform floor it builds on.
        name: "2b the same, platform span off",
        run: () =>
          runtime.runPromise(
            Effect.map(Effect.flatMap(untraced.get(`${ORIGIN}/v1${path}`), (r) => r.text), JSON.parse)
          )
      },
      { name: "3 effect-clerk, no decoding", run: () => runtime.runPromise(undecoded) },
      { name: "4 effect-clerk, no decoding, withoutRetries", run: () => runtime.runPromise(Clerk.withoutRetries(undecoded)) },
      { name: "5 effect-clerk (full)", run: () => runtime.runPromise(full) },
      { name: "6 Schema decode alone", run: decodeOnly },
      { name: "@clerk/backend", run: clerk, ...theirs }
    ]
  }

  const breakdown = (c: Comparison) => {
    const cpu = (prefix: string) => findByPrefix(c, prefix).cpuUsPerOp.median
    const full = cpu("5 ")
    const row = (part: string, us: number) => [part, fmt(us), `${fmt((100 * us) / full)}%`]
    return table(["effect-clerk CPU per call, by part", "µs", "share"], [
      row("fetch + Response + JSON.parse (the floor, 1)", cpu("1 ")),
      row("   validating every field, generated decoder, no Effect (1v − 1)", cpu("1v ") - cpu("1 ")),
      row("   one root fiber delivering that result (1r − 1v)", cpu("1r ") - cpu("1v ")),
      row("@effect/platform HttpClient, span off, over the floor (2b − 1)", cpu("2b ") - cpu("1 ")),
      row("   (the platform's own span, which effect-clerk turns off: 2 − 2b)", cpu("2 ") - cpu("2b ")),
      row("effect-clerk pipeline over the span-less platform (3 − 2b)", cpu("3 ") - cpu("2b ")),
      row("   of which the retry wrapper (3 − 4)", cpu("3 ") - cpu("4 ")),
      row("Schema decoding inside the call (5 − 3)", full - cpu("3 ")),
      row("   Schema decode measured alone (6)", cpu("6 ")),
      row("total (5)", full),
      ["@clerk/backend, same call", fmt(cpu("@clerk")), `${fmt((100 * cpu("@clerk")) / full)}%`],
      ["the floor with every field validated (1v) ÷ @clerk/backend", `${fmt(cpu("1v ") / cpu("@clerk"))}×`, ""]
    ]) + "\n"
  }

  console.log(`## Profile: where a call's CPU goes (${await machine()})\n`)
  const get = await compare({
    title: "users.get, in-memory fetch, built up part by part",
    subjects: steps(
      `/users/${ID}`,
      client.execute(GetUserUndecoded, { userId: ID }),
      users.get({ userId: ID }),
      () => Effect.runSync(decodeUser(userJson)),
      Decoders.User,
      () => request({ method: "GET", path: `/users/${ID}` })
    ),
    rounds: 6,
    sampleMs: 80
  })
  console.log(report(get, "5 effect-clerk (full)"))
  console.log(breakdown(get))
  const list = await compare({
    title: `users.list({ limit: ${PAGE} }), in-memory fetch, built up part by part`,
    subjects: steps(
      `/users?limit=${PAGE}`,
      client.execute(GetUserListUndecoded, { limit: PAGE }),
      users.list({ limit: PAGE }),
      () => Effect.runSync(decodeList(listJson)),
      Decoders.UserList,
      () => request({ method: "GET", path: "/users", queryParams: { limit: PAGE } })
    ),
    rounds: 6,
    sampleMs: 150
  })
  console.log(report(list, "5 effect-clerk (full)"))
  console.log(breakdown(list))
  await runtime.dispose()
}

/**
 * The pieces `src/internal/client.ts` wraps around every attempt, each around an already-resolved promise,
 * so that their own cost shows: the timeout, the retry driver with the default policy's `Schedule`, the
 * operation's span, and the request build (the input's generated encoder).
 */
const pieces = async () => {
  const runtime = usersRuntime(`${ORIGIN}/v1`, stubFetch(bodies(1)))
  const resolved: Effect.Effect<number, ClerkError> = Effect.promise(() => Promise.resolve(1))
  const timeout = Effect.timeoutFail(resolved, {
    duration: "30 seconds",
    onTimeout: () => new ClerkRequestError({ operation: "x", route: "x", reason: "Timeout", description: "x" })
  })
  const schedule = RetrySchedule.schedule({}, "GET")
  const retried = schedule === undefined ? resolved : Effect.retry(resolved, schedule)
  // client.ts builds the Schedule inside each call (the policy can be overridden per call).
  const retriedFresh = Effect.suspend(() => {
    const fresh = RetrySchedule.schedule({}, "GET")
    return fresh === undefined ? resolved : Effect.retry(resolved, fresh)
  })
  const spanned = Effect.withSpan(resolved, "clerk.users.get", {
    kind: "client",
    attributes: { "clerk.operation_id": "GetUser", "clerk.route": "GET /users/{user_id}" }
  })
  const built = Effect.zipRight(Request.build(GetUserUndecoded, { userId: ID }), resolved)
  const c = await compare({
    title: "What each wrapper of an attempt costs, around an already-resolved promise (runtime.runPromise each)",
    subjects: [
      { name: "Effect.void", run: () => runtime.runPromise(Effect.void) },
      { name: "Effect.promise (resolved)", run: () => runtime.runPromise(resolved) },
      { name: "+ Effect.timeoutFail(30 s)", run: () => runtime.runPromise(timeout) },
      { name: "+ Effect.retry(default policy's Schedule)", run: () => runtime.runPromise(retried) },
      { name: "+ the same, Schedule built per call", run: () => runtime.runPromise(retriedFresh) },
      { name: "+ Effect.withSpan", run: () => runtime.runPromise(spanned) },
      { name: "+ Request.build (input encode, path, query)", run: () => runtime.runPromise(built) }
    ],
    rounds: 5,
    sampleMs: 60
  })
  console.log(report(c, "Effect.promise (resolved)"))
  const base = find(c, "Effect.promise (resolved)").cpuUsPerOp.median
  console.log(table(
    ["wrapper", "CPU µs it adds per call"],
    c.results.slice(2).map((r) => [r.name.slice(2), fmt(r.cpuUsPerOp.median - base)])
  ) + "\n")
  await runtime.dispose()
}

// -----------------------------------------------------------------------------------------------------------
// CPU profile
// -----------------------------------------------------------------------------------------------------------

type Profile = import("node:inspector").Profiler.Profile
type ProfileNode = import("node:inspector").Profiler.ProfileNode

const AREAS: ReadonlyArray<readonly [string, RegExp]> = [
  ["Schema decoding (effect ParseResult, SchemaAST, Schema)", /effect\/dist\/esm\/(ParseResult|SchemaAST|Schema)\.js/],
  ["tracing (spans, stack traces)", /effect\/dist\/esm\/internal\/(tracer|core-effect)\.js|Tracer\.js/],
  ["Effect runtime (fibers, core, scheduler, context)", /effect\/dist\/esm\//],
  ["@effect/platform (HttpClient, Headers, UrlParams)", /@effect\/platform\//],
  ["effect-clerk src/, services/, schemas/", /\/work\/main\/(src|services|schemas)\//],
  ["Node fetch, Response, web streams, JSON", /node:internal\/(deps\/undici|webstreams|encoding|worker|abort_controller|buffer)|^$/],
  ["the benchmark loop", /\/bench\//]
]

const area = (node: ProfileNode): string => {
  const { functionName, url } = node.callFrame
  if (functionName === "(garbage collector)") return "garbage collection"
  if (functionName === "(idle)" || functionName === "(program)") return "idle / V8 (program)"
  if (url === "" && functionName === "parse") return "Node fetch, Response, web streams, JSON"
  for (const [name, pattern] of AREAS) if (pattern.test(url)) return name
  return "other (module loading, Node internals)"
}

const short = (url: string): string => url.replace(/.*node_modules\//, "").replace(/.*\/work\/main\//, "")

const summarise = (profile: Profile): string => {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]))
  const areas = new Map<string, number>()
  const functions = new Map<string, number>()
  let total = 0
  profile.samples?.forEach((id, i) => {
    const node = nodes.get(id)
    const dt = profile.timeDeltas?.[i] ?? 0
    if (node === undefined) return
    total += dt
    const a = area(node)
    areas.set(a, (areas.get(a) ?? 0) + dt)
    const { columnNumber, functionName, lineNumber, url } = node.callFrame
    const key = `${functionName || "(anonymous)"} ${short(url)}${url === "" ? "" : `:${lineNumber + 1}:${columnNumber + 1}`}`
    functions.set(key, (functions.get(key) ?? 0) + dt)
  })
  const top = (m: Map<string, number>, n: number) =>
    [...m].sort((x, y) => y[1] - x[1]).slice(0, n).map(([k, v]) => [k, `${((100 * v) / total).toFixed(1)}%`])
  return table(["area", "self time"], top(areas, 12)) + "\n\n" + table(["function (self time)", "share"], top(functions, 25)) + "\n"
}

/**
 * Profiles about three seconds of calls after a second of warm-up, in this process through the inspector
 * (so module loading and JIT warm-up stay out of it), and summarises the profile.
 */
const cpuProfile = async (which: "get" | "list") => {
  const runtime = usersRuntime(`${ORIGIN}/v1`, stubFetch(bodies(PAGE)))
  const users = await runtime.runPromise(Users)
  const call: Effect.Effect<unknown, unknown> = which === "get" ? users.get({ userId: ID }) : users.list({ limit: PAGE })
  const loop = async (ms: number) => {
    let calls = 0
    const t0 = performance.now()
    while (performance.now() - t0 < ms) {
      await runtime.runPromise(call)
      calls++
    }
    return calls
  }
  await loop(1_000)
  const session = new Session()
  session.connect()
  try {
    await session.post("Profiler.enable")
    await session.post("Profiler.setSamplingInterval", { interval: 100 })
    await session.post("Profiler.start")
    const calls = await loop(3_000)
    const { profile } = await session.post("Profiler.stop")
    console.log(
      `### CPU profile: users.${which}${which === "list" ? `({ limit: ${PAGE} })` : ""}, in-memory fetch, ${calls} calls\n`
    )
    console.log(summarise(profile))
  } finally {
    session.disconnect()
    await runtime.dispose()
  }
}

const [mode, which] = process.argv.slice(2)
const target = which === "get" ? "get" : "list"
if (mode === "cpu") await cpuProfile(target)
else if (mode === undefined) {
  await splits()
  await pieces()
}
else {
  console.error("usage: npx tsx bench/profile.ts [cpu [get|list]]")
  process.exit(2)
}
