/**
 * Request authentication (issue 5, item 2), networkless with the same RSA-2048 `jwtKey` on a production
 * instance: effect-clerk `ClerkAuth.authenticateRequest` vs `@clerk/backend`'s `authenticateRequest`, on a
 * web `Request`
 *
 * - with an `Authorization: Bearer` header (what an API route sees);
 * - with `__session` and `__client_uat` cookies (what a page load of a signed-in browser sends).
 *
 * New tokens: each call a different token (a pool of 2,048 requests, built before timing, larger than
 * ClerkAuth's 1,000-token memory); repeated: the same request every time. Both sides must answer
 * `signed-in` for every subject before anything is timed.
 *
 *   npx tsx bench/authenticate.ts
 */
import * as ManagedRuntime from "effect/ManagedRuntime"
import { ClerkAuth } from "../src/ClerkAuth.js"
import { type Comparison, compare, find, fmt, type Goal, goals, machine, ratio, report, times } from "./harness.js"
import { loadClerkBackend } from "./support/clerkBackend.js"
import { generateKey, PRODUCTION, signToken } from "./support/tokens.js"

const POOL = 2048
const API = `${PRODUCTION.origin}/api/me`

const NAMES = { ours: "effect-clerk ClerkAuth.authenticateRequest", theirs: "@clerk/backend authenticateRequest" } as const

type Carrier = "bearer" | "cookie"

const requestWith = (carrier: Carrier, token: string): Request => {
  const now = Math.floor(Date.now() / 1000)
  return new Request(API, {
    headers: carrier === "bearer"
      ? { authorization: `Bearer ${token}` }
      : { cookie: `__session=${token}; __client_uat=${now - 60}` }
  })
}

const main = async () => {
  const { createClerkClient } = await loadClerkBackend()
  const { privateKey, pem } = generateKey()
  const tokens = Array.from({ length: POOL }, (_, i) => signToken(privateKey, PRODUCTION, i))
  const requests = {
    bearer: tokens.map((t) => requestWith("bearer", t)),
    cookie: tokens.map((t) => requestWith("cookie", t))
  }

  const runtime = ManagedRuntime.make(
    ClerkAuth.layer({ jwtKey: pem, publishableKey: PRODUCTION.publishableKey, authorizedParties: [PRODUCTION.origin] })
  )
  const auth = await runtime.runPromise(ClerkAuth)
  const clerk = createClerkClient({
    secretKey: "sk_live_bench000000000000000000000000000000000",
    publishableKey: PRODUCTION.publishableKey,
    jwtKey: pem,
    // Nothing leaves the machine.
    telemetry: { disabled: true }
  })
  const ours = (request: Request) => runtime.runPromise(auth.authenticateRequest(request))
  const theirs = (request: Request) => clerk.authenticateRequest(request, { authorizedParties: [PRODUCTION.origin] })

  for (const carrier of ["bearer", "cookie"] as const) {
    const request = requests[carrier][0]
    if (request === undefined) throw new Error("no request")
    const [a, b] = await Promise.all([ours(request), theirs(request)])
    if (a.status !== "signed-in" || b.status !== "signed-in") {
      throw new Error(`${carrier}: not signed in (effect-clerk ${a.status}, @clerk/backend ${b.status} ${b.reason ?? ""})`)
    }
  }

  console.log(`## authenticateRequest, RS256, RSA-2048 jwtKey, production instance (${await machine()})\n`)
  const results: Array<[Carrier, string, Comparison]> = []
  for (const carrier of ["bearer", "cookie"] as const) {
    for (const [label, repeated] of [["new tokens", false], ["a repeated token", true]] as const) {
      const pool = requests[carrier]
      const next = () => {
        let i = 0
        return repeated ? () => pool[0]! : () => pool[i++ % POOL]!
      }
      const [mine, clerks] = [next(), next()]
      const c = await compare({
        title: `authenticateRequest, ${carrier === "bearer" ? "Authorization: Bearer" : "__session cookie"}, ${label}`,
        subjects: [
          { name: NAMES.ours, run: () => ours(mine()) },
          { name: NAMES.theirs, run: () => theirs(clerks()) }
        ],
        latency: true,
        rounds: 6,
        sampleMs: 100
      })
      console.log(report(c))
      results.push([carrier, label, c])
    }
  }
  await runtime.dispose()

  const list: Array<Goal> = results.map(([carrier, label, c]) => {
    const speedup = ratio(find(c, NAMES.theirs), find(c, NAMES.ours), "wall")
    return {
      goal: `${carrier}, ${label}: ≥ 2× @clerk/backend's throughput${carrier === "bearer" ? "" : " (not a goal of the issue, for reference)"}`,
      met: speedup.median >= 2,
      measured: `${times(speedup)} (${fmt(find(c, NAMES.ours).opsPerSec.median)} vs ${
        fmt(find(c, NAMES.theirs).opsPerSec.median)
      } ops/s)`
    }
  })
  console.log(goals(list))
}

await main()
