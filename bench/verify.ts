/**
 * Token verification (issue 5, item 1), networkless, with the same RSA-2048 key as a PEM `jwtKey`:
 *
 * - effect-clerk `ClerkAuth.verifyToken` (a `ManagedRuntime` built once, `runPromise` per token; it also
 *   pins the issuer and checks `azp`);
 * - `@clerk/backend` `verifyToken(token, { jwtKey, authorizedParties })`;
 * - the limits: `jose.jwtVerify` with a pre-imported key (signature + claims), a bare
 *   `crypto.subtle.verify` and a bare `node:crypto` `verify` (signature only; the token split and decoded).
 *
 * New tokens: every operation verifies a different token, from a pool of 2,048 cycled in order, larger than
 * ClerkAuth's 1,000-token memory, so none is ever remembered. Repeated: the same token every time. Each
 * one at a time and 16 in flight.
 *
 *   npx tsx bench/verify.ts
 */
import * as nodeCrypto from "node:crypto"
import * as Effect from "effect/Effect"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as jose from "jose"
import { ClerkAuth } from "../src/ClerkAuth.js"
import { type Comparison, compare, find, fmt, type Goal, goals, machine, ratio, report, type Subject, times } from "./harness.js"
import { loadClerkBackend } from "./support/clerkBackend.js"
import { DEVELOPMENT, generateKey, signToken } from "./support/tokens.js"

const { publishableKey: PUBLISHABLE_KEY, issuer: ISSUER, origin: ORIGIN } = DEVELOPMENT
const POOL = 2048

const NAMES = {
  ours: "effect-clerk ClerkAuth.verifyToken",
  theirs: "@clerk/backend verifyToken",
  jose: "jose.jwtVerify (key pre-imported)",
  subtle: "crypto.subtle.verify (bare signature)",
  node: "node:crypto verify (bare signature)"
} as const

/** The signed part and the signature of a token, as the bare limits need them. */
const split = (token: string): { readonly data: Uint8Array<ArrayBuffer>; readonly signature: Uint8Array<ArrayBuffer> } => {
  const last = token.lastIndexOf(".")
  return {
    data: new Uint8Array(Buffer.from(token.slice(0, last))),
    signature: new Uint8Array(Buffer.from(token.slice(last + 1), "base64url"))
  }
}

const main = async () => {
  const { verifyToken } = await loadClerkBackend()
  const { publicKey, privateKey, pem } = generateKey()
  const tokens = Array.from({ length: POOL }, (_, i) => signToken(privateKey, DEVELOPMENT, i))
  const joseKey = await jose.importSPKI(pem, "RS256")
  const subtleKey = await crypto.subtle.importKey(
    "spki",
    new Uint8Array(publicKey.export({ format: "der", type: "spki" })),
    { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
    false,
    ["verify"]
  )
  const runtime = ManagedRuntime.make(
    ClerkAuth.layer({ jwtKey: pem, publishableKey: PUBLISHABLE_KEY, authorizedParties: [ORIGIN] })
  )
  const auth = await runtime.runPromise(ClerkAuth)

  const verifiers = (concurrency: number) => ({
    ours: (t: string) => runtime.runPromise(auth.verifyToken(t)),
    theirs: (t: string) => verifyToken(t, { jwtKey: pem, authorizedParties: [ORIGIN] }),
    jose: (t: string) => jose.jwtVerify(t, joseKey, { algorithms: ["RS256"], issuer: ISSUER }),
    subtle: (t: string) => {
      const { data, signature } = split(t)
      return crypto.subtle.verify("RSASSA-PKCS1-v1_5", subtleKey, signature, data)
    },
    // One at a time, the synchronous call is the floor; in flight, the callback form spreads over the
    // thread pool like WebCrypto does.
    node: concurrency === 1
      ? (t: string) => {
        const { data, signature } = split(t)
        return nodeCrypto.verify("RSA-SHA256", data, publicKey, signature)
      }
      : (t: string) => {
        const { data, signature } = split(t)
        return new Promise<boolean>((resolve, reject) =>
          nodeCrypto.verify("RSA-SHA256", data, publicKey, signature, (error, ok) => error ? reject(error) : resolve(ok))
        )
      }
  })

  // Every contender accepts every token before anything is timed.
  const check = verifiers(16)
  for (const [name, verify] of Object.entries(check)) {
    const ok: unknown = await verify(tokens[0] ?? "")
    if (ok === false) throw new Error(`${name} rejected a valid token`)
  }
  const claims = await runtime.runPromise(Effect.either(auth.verifyToken(tokens[1] ?? "")))
  if (claims._tag === "Left") throw new Error(`ClerkAuth rejected a valid token: ${claims.left.reason}`)

  const subjects = (concurrency: number, repeated: boolean): ReadonlyArray<Subject> => {
    const v = verifiers(concurrency)
    const next = () => {
      let i = 0
      return repeated ? () => tokens[0] ?? "" : () => tokens[i++ % POOL] ?? ""
    }
    return (Object.keys(NAMES) as Array<keyof typeof NAMES>).map((key) => {
      const token = next()
      const verify = v[key]
      return { name: NAMES[key], run: () => verify(token()) }
    })
  }

  console.log(`## Token verification, RS256, RSA-2048 jwtKey (${await machine()})\n`)
  const results: Array<[string, number, Comparison]> = []
  for (const [label, repeated] of [["new tokens", false], ["a repeated token", true]] as const) {
    for (const concurrency of [1, 16]) {
      const c = await compare({
        title: `verifyToken, ${label}`,
        subjects: subjects(concurrency, repeated),
        concurrency,
        latency: concurrency === 1,
        rounds: 6,
        sampleMs: 100
      })
      console.log(report(c))
      results.push([label, concurrency, c])
    }
  }
  await runtime.dispose()

  const list: Array<Goal> = []
  for (const [label, concurrency, c] of results) {
    const ours = find(c, NAMES.ours)
    const speedup = 1 / ratio(ours, find(c, NAMES.theirs), "wall").median
    const at = concurrency === 1 ? "one at a time" : `${concurrency} in flight`
    if (label === "new tokens") {
      const vsJose = ratio(ours, find(c, NAMES.jose), "wall")
      list.push({
        goal: `new token, ${at}: ≥ 1.8× @clerk/backend's throughput`,
        met: speedup >= 1.8,
        measured: `${fmt(speedup)}× (${fmt(ours.opsPerSec.median)} vs ${fmt(find(c, NAMES.theirs).opsPerSec.median)} ops/s)`
      })
      list.push({
        goal: `new token, ${at}: within 1.3× of bare jose.jwtVerify`,
        met: vsJose.median <= 1.3,
        measured: `time per token ${times(vsJose)} jose's`
      })
    } else {
      list.push({
        goal: `repeated token, ${at}: ≥ 20× @clerk/backend's throughput`,
        met: speedup >= 20,
        measured: `${fmt(speedup)}× (${fmt(ours.opsPerSec.median)} vs ${fmt(find(c, NAMES.theirs).opsPerSec.median)} ops/s)`
      })
    }
  }
  console.log(goals(list))
}

await main()
