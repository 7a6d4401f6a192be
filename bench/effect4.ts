/**
 * What Effect 4 would change under the REST goal (not part of the full run): the same exchange with the
 * in-memory stub through the runtime effect-clerk builds on (Effect 3.22.4 + `@effect/platform` 0.97.2,
 * which DESIGN.md pins) and through Effect 4.1.0 (dev dependency `effect4`, an npm alias), in one process,
 * alternating, beside `@clerk/backend` (one request) and the bare floor.
 *
 * Each Effect line is what any Effect SDK pays before its own pipeline: `runtime.runPromise` of the
 * platform's `HttpClient.get`, the body read as text and parsed, under a per-call `Effect.timeout` (as
 * effect-clerk's attempt has one), with the client's tracing off (as effect-clerk sets it). The `+ decoder`
 * lines add effect-clerk's generated decoder, which does not depend on Effect: with it, the Effect 4 line is
 * the floor of an Effect 4 port that validates every field. The effect-clerk line is the SDK as it ships.
 *
 *   npx tsx bench/effect4.ts            users.list({ limit: 100 }) and users.get
 *   npm run bench -- effect4
 */
import * as Effect from "effect/Effect"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Decoders from "../schemas/decoders/Models.js"
import { Users } from "../services/Users.js"
import { compare, findByPrefix, fmt, machine, report, requireDev, type Subject, table } from "./harness.js"
import { loadClerkBackend, usersRequest } from "./support/clerkBackend.js"
import { usersRuntime } from "./support/effectClerk.js"
import { reset, stubFetch, useFetch } from "./support/fetch.js"
import { bodies, checkWired, SECRET_KEY, userId } from "./support/users.js"

const ORIGIN = "http://127.0.0.1:9"
const PAGE = 100
const ID = userId(0)
const TIMEOUT = 30_000

const effect4 = await requireDev("effect4 (npm:effect@4.1.0)", () => import("./support/effect4.js"))

const main = async () => {
  const b = bodies(PAGE)
  const stub = stubFetch(b)
  const runtime = usersRuntime(`${ORIGIN}/v1`, stub)
  const [users, http] = await runtime.runPromise(Effect.all([Users, HttpClient.HttpClient]))
  const untraced = http.pipe(HttpClient.withTracerPropagation(false), HttpClient.withTracerDisabledWhen(() => true))
  const four = await effect4.client(stub)
  const { createClerkClient } = await loadClerkBackend()
  const request = usersRequest(createClerkClient({ secretKey: SECRET_KEY, apiUrl: ORIGIN }))

  /** One call compared: the subjects, each checked before timing, then the table and the summary. */
  const measure = async (
    title: string,
    path: string,
    decoder: (input: unknown) => unknown,
    ours: Effect.Effect<unknown, unknown>,
    clerk: () => Promise<unknown>,
    sampleMs: number
  ) => {
    const url = `${ORIGIN}/v1${path}`
    const three = (decode: (json: unknown) => unknown) =>
      Effect.timeout(Effect.map(Effect.flatMap(untraced.get(url), (r) => r.text), (text) => decode(JSON.parse(text))), TIMEOUT)
    const threeParsed = three((json) => json)
    const threeDecoded = three(decoder)
    const subjects: ReadonlyArray<Subject> = [
      { name: "fetch + text + JSON.parse, no SDK", run: () => stub(url).then((r) => r.text()).then(JSON.parse) },
      { name: "@clerk/backend (one request)", run: clerk, enter: () => useFetch(stub), exit: reset },
      { name: "Effect 3 + platform 0.97: HttpClient + JSON.parse, timeout", run: () => runtime.runPromise(threeParsed) },
      { name: "Effect 4.1: the same", run: four.get(url, (json) => json, TIMEOUT) },
      { name: "Effect 3 + platform 0.97, + decoder", run: () => runtime.runPromise(threeDecoded) },
      { name: "Effect 4.1, + decoder", run: four.get(url, decoder, TIMEOUT) },
      { name: "effect-clerk (Effect 3)", run: () => runtime.runPromise(ours) }
    ]
    await checkWired(subjects, ID)
    const c = await compare({ title: `${title}, in-memory fetch`, subjects, rounds: 8, sampleMs })
    console.log(report(c, "@clerk/backend (one request)"))
    const cpu = (prefix: string) => findByPrefix(c, prefix).cpuUsPerOp.median
    const theirs = cpu("@clerk/backend")
    const row = (name: string, prefix: string) => [name, fmt(cpu(prefix)), `${fmt(cpu(prefix) / theirs)}×`]
    console.log(table([`${title}: CPU µs a call`, "µs", "÷ @clerk/backend"], [
      row("no SDK: fetch + text + JSON.parse", "fetch "),
      row("Effect 3 + platform, parsed", "Effect 3 + platform 0.97: "),
      row("Effect 4.1, parsed", "Effect 4.1: "),
      row("Effect 3 + platform, every field validated", "Effect 3 + platform 0.97, + "),
      row("Effect 4.1, every field validated", "Effect 4.1, + "),
      row("effect-clerk as it ships", "effect-clerk"),
      ["@clerk/backend", fmt(theirs), "1"]
    ]) + "\n")
  }

  console.log(`## What Effect 4 would change: the runtime under a REST call (${await machine()})\n`)
  await measure(
    `users.list({ limit: ${PAGE} })`,
    `/users?limit=${PAGE}`,
    Decoders.UserList,
    users.list({ limit: PAGE }),
    () => request({ method: "GET", path: "/users", queryParams: { limit: PAGE } }),
    150
  )
  await measure(
    "users.get",
    `/users/${ID}`,
    Decoders.User,
    users.get({ userId: ID }),
    () => request({ method: "GET", path: `/users/${ID}` }),
    80
  )
  await four.dispose()
  await runtime.dispose()
}

await main()
