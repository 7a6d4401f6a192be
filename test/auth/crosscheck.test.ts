/**
 * The same tokens through our `verifyToken` and `@clerk/backend`'s, with the same `jwtKey` (an RSA-2048
 * PEM: Clerk's PEM path handles no other size) and options: the verdicts agree, reason for reason, except
 * in the rows marked `clerk:`, where ours is stricter (or, for key sizes, wider) by design, each saying why.
 */
import { verifyToken as clerkVerifyToken } from "@clerk/backend"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import { ClerkAuth } from "../../src/ClerkAuth.js"
import * as F from "./fixtures.js"

const key = await F.generateKey(2048)
const stranger = await F.generateKey(2048)
const wide = await F.generateKey(3072)

type Verdict = "ok" | string

interface Row {
  readonly name: string
  readonly token: (now: number) => Promise<string> | string
  readonly authorizedParties?: ReadonlyArray<string>
  readonly audience?: ReadonlyArray<string>
  readonly key?: F.TestKey
  /** Both verdicts. */
  readonly expected: Verdict
  /** Where `@clerk/backend` differs by design: its verdict, and why ours is what it is. */
  readonly clerk?: { readonly verdict: Verdict; readonly why: string }
}

// Claims relative to the real clock, since @clerk/backend reads Date.now(); our TestClock is set to it.
const claims = (now: number, overrides: Record<string, unknown> = {}) =>
  F.claims({ iat: now - 5, nbf: now - 10, exp: now + 60, ...overrides })
const signed = (now: number, overrides: Record<string, unknown> = {}, options: F.SignOptions = {}, k = key) =>
  F.sign(k, claims(now, overrides), options)

const parties = [F.ORIGIN]

const rows: ReadonlyArray<Row> = [
  { name: "a valid v2 token", token: (now) => signed(now), authorizedParties: parties, expected: "ok" },
  {
    name: "a valid v1 token with an organization",
    token: (now) => signed(now, { v: undefined, org_id: "org_1", org_role: "org:admin", org_permissions: [] }),
    expected: "ok"
  },
  { name: "no typ header", token: (now) => signed(now, {}, { header: { typ: undefined } }), expected: "ok" },
  { name: "the session category", token: (now) => signed(now, {}, { header: { cat: "cl_B7d4PD111AAA" } }), expected: "ok" },
  { name: "expired 10 minutes ago", token: (now) => signed(now, { exp: now - 600 }), expected: "token-expired" },
  { name: "expired 2 s ago (within the skew)", token: (now) => signed(now, { exp: now - 2 }), expected: "ok" },
  { name: "expired 30 s ago (past the skew)", token: (now) => signed(now, { exp: now - 30 }), expected: "token-expired" },
  { name: "nbf a minute ahead", token: (now) => signed(now, { nbf: now + 60 }), expected: "token-not-active-yet" },
  { name: "iat a minute ahead", token: (now) => signed(now, { iat: now + 60 }), expected: "token-iat-in-the-future" },
  {
    name: "azp of another origin",
    token: (now) => signed(now, { azp: "https://evil.example" }),
    authorizedParties: parties,
    expected: "token-invalid-authorized-parties"
  },
  {
    name: "no azp, with authorizedParties",
    token: (now) => signed(now, { azp: undefined }),
    authorizedParties: parties,
    expected: "token-invalid-authorized-parties"
  },
  { name: "no azp, without authorizedParties", token: (now) => signed(now, { azp: undefined }), expected: "ok" },
  {
    name: "aud not in audience",
    token: (now) => signed(now, { aud: "api://other" }),
    audience: ["api://mine"],
    expected: "token-verification-failed"
  },
  { name: "aud in audience", token: (now) => signed(now, { aud: ["api://mine"] }), audience: ["api://mine"], expected: "ok" },
  { name: "alg none", token: (now) => F.rawToken({ alg: "none", typ: "JWT" }, claims(now)), expected: "token-invalid-algorithm" },
  {
    name: "HS256 signed with the public key as the secret",
    token: (now) => F.hs256WithPublicKey(key.pem, claims(now)),
    expected: "token-invalid-algorithm"
  },
  {
    name: "a payload swapped under a valid signature",
    token: async (now) => {
      const [h, , s] = (await signed(now)).split(".")
      return `${h}.${F.base64url(JSON.stringify(claims(now, { sub: "user_admin" })))}.${s}`
    },
    expected: "token-invalid-signature"
  },
  { name: "signed by another key", token: (now) => signed(now, {}, {}, stranger), expected: "token-invalid-signature" },
  { name: "two parts", token: async (now) => (await signed(now)).split(".").slice(0, 2).join("."), expected: "token-invalid" },
  {
    name: "a header that is not JSON",
    token: async (now) => `${F.base64url("{alg:RS256")}.${(await signed(now)).split(".").slice(1).join(".")}`,
    expected: "token-invalid"
  },
  { name: "typ at+jwt", token: (now) => signed(now, {}, { header: { typ: "at+jwt" } }), expected: "token-invalid" },
  { name: "no sub", token: (now) => signed(now, { sub: undefined }), expected: "token-verification-failed" },
  { name: "no exp", token: (now) => signed(now, { exp: undefined }), expected: "token-verification-failed" },
  { name: "nbf null", token: (now) => signed(now, { nbf: null }), expected: "token-verification-failed" },
  {
    name: "the M2M category",
    token: (now) => signed(now, {}, { header: { cat: "cl_B7d4PD333AAA" } }),
    expected: "token-invalid"
  },
  // Stricter by design.
  {
    name: "iss of another Clerk instance",
    token: (now) => signed(now, { iss: "https://other-instance-7.clerk.accounts.dev" }),
    expected: "token-invalid-issuer",
    clerk: { verdict: "ok", why: "issuer pinning: Clerk checks iss only when `issuer` is passed" }
  },
  {
    name: "no iss",
    token: (now) => signed(now, { iss: undefined }),
    expected: "token-invalid-issuer",
    clerk: { verdict: "ok", why: "issuer pinning" }
  },
  {
    name: "the JWT-template category",
    token: (now) => signed(now, {}, { header: { cat: "cl_B7d4PD222AAA" } }),
    expected: "token-invalid",
    clerk: {
      verdict: "ok",
      why: "Clerk's verifyToken refuses only the M2M category (authenticateRequest refuses templates later); " +
        "we refuse every non-session category in verifyToken itself"
    }
  },
  {
    name: "a validly signed 20 KB token",
    token: (now) => signed(now, { pad: "x".repeat(20_000) }),
    expected: "token-invalid",
    clerk: { verdict: "ok", why: "tokens over 16 KB are refused before decoding" }
  },
  {
    name: "an `o` claim of the wrong shape",
    token: (now) => signed(now, { o: { id: "org_1", per: 7 } }),
    expected: "token-verification-failed",
    clerk: { verdict: "ok", why: "claims are decoded by a Schema; Clerk's verifyToken does not read `o`" }
  },
  // Wider by design.
  {
    name: "RS512 with a PEM jwtKey",
    token: (now) => signed(now, {}, { alg: "RS512" }),
    expected: "ok",
    clerk: {
      verdict: "token-verification-failed",
      why: "Clerk's jwtKey path labels the key RS256, so WebCrypto refuses it for RS384/RS512 although both are on " +
        "its allow-list; a PEM carries no algorithm, and we import it for all three"
    }
  },
  {
    name: "an RSA-3072 key",
    key: wide,
    token: (now) => signed(now, {}, {}, wide),
    expected: "ok",
    clerk: {
      verdict: "token-invalid-signature",
      why: "Clerk's jwtKey path cuts a fixed 2048-bit prefix off the PEM (a wrong modulus for any other size); " +
        "we import any RSA key of 2048 bits or more"
    }
  }
]

const clerkVerdict = (token: string, row: Row): Promise<Verdict> =>
  clerkVerifyToken(token, {
    jwtKey: (row.key ?? key).pem,
    ...(row.authorizedParties === undefined ? {} : { authorizedParties: [...row.authorizedParties] }),
    ...(row.audience === undefined ? {} : { audience: [...row.audience] })
  }).then(
    () => "ok",
    (error: unknown) =>
      typeof error === "object" && error !== null && "reason" in error && typeof error.reason === "string"
        ? error.reason
        : `thrown: ${String(error)}`
  )

describe("cross-check with @clerk/backend's verifyToken", () => {
  it("has at least 20 rows, and says why for each difference", () => {
    expect(rows.length).toBeGreaterThanOrEqual(20)
    expect(rows.filter((row) => row.clerk === undefined).length).toBeGreaterThanOrEqual(20)
    for (const row of rows) if (row.clerk !== undefined) expect(row.clerk.why.length).toBeGreaterThan(10)
  })

  for (const row of rows) {
    it.effect(row.name, () =>
      Effect.gen(function*() {
        const nowMs = Date.now()
        yield* TestClock.setTime(nowMs)
        const token = yield* Effect.promise(async () => row.token(Math.floor(nowMs / 1000)))
        const layer = Layer.orDie(ClerkAuth.layer({
          jwtKey: (row.key ?? key).pem,
          publishableKey: F.PUBLISHABLE_KEY,
          ...(row.authorizedParties === undefined ? {} : { authorizedParties: row.authorizedParties }),
          ...(row.audience === undefined ? {} : { audience: row.audience })
        }))
        const ours = yield* ClerkAuth.verifyToken(token).pipe(
          Effect.as("ok"),
          Effect.catchTag("ClerkTokenError", (error) => Effect.succeed(error.reason)),
          Effect.provide(layer)
        )
        const theirs = yield* Effect.promise(() => clerkVerdict(token, row))
        expect({ ours, theirs }).toEqual({ ours: row.expected, theirs: row.clerk?.verdict ?? row.expected })
      }))
  }
})
