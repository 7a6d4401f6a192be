/**
 * The same requests (same key, same cookies and headers) through our `authenticateRequest` and
 * `@clerk/backend`'s: the same status and reason, the same handshake redirect (the whole `Location`), the
 * same cookies set and the same debug headers, except in the rows marked `clerk:`, where ours differs by design and
 * says why. Clerk runs networkless here: a `jwtKey`, and no row that would make it call the Backend API
 * (no `__refresh` cookie, no handshake nonce).
 */
import { createClerkClient } from "@clerk/backend"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import { type AuthenticateRequestOptions, ClerkAuth } from "../../src/ClerkAuth.js"
import * as F from "./fixtures.js"
import * as R from "./requestFixtures.js"

const key = await F.generateKey(2048)

interface Outcome {
  readonly status: string
  readonly reason: string | null
  /** For a handshake: the whole redirect, byte for byte. */
  readonly location?: string
  /** The names of the cookies set (the redirect counter, refreshed sessions). */
  readonly cookies: ReadonlyArray<string>
  readonly debug: { readonly status: string | null; readonly reason: string | null }
}

const outcome = (
  state: { readonly status: string; readonly reason: string | null; readonly headers: Headers }
): Outcome => {
  const location = state.headers.get("location")
  return {
    status: state.status,
    reason: state.reason,
    ...(location === null ? {} : { location }),
    cookies: state.headers.getSetCookie().map((c) => c.split("=")[0] ?? "").sort(),
    debug: { status: state.headers.get("x-clerk-auth-status"), reason: state.headers.get("x-clerk-auth-reason") }
  }
}

interface Row {
  readonly name: string
  readonly publishableKey?: string
  readonly request: (now: number) => Promise<() => Request>
  readonly options?: AuthenticateRequestOptions & { readonly authorizedParties?: ReadonlyArray<string> }
  /** Where `@clerk/backend` differs by design: its status/reason, and why ours is what it is. */
  readonly clerk?: { readonly status: string; readonly reason: string | null; readonly why: string }
}

const claims = (now: number, overrides: Record<string, unknown> = {}) =>
  F.claims({ iat: now - 5, nbf: now - 10, exp: now + 60, ...overrides })
const token = (now: number, overrides: Record<string, unknown> = {}, options: F.SignOptions = {}) =>
  F.sign(key, claims(now, overrides), options)
const prodToken = (now: number, overrides: Record<string, unknown> = {}, options: F.SignOptions = {}) =>
  F.sign(key, claims(now, { iss: R.PROD_ISSUER, ...overrides }), options)

const req = (url: string, headers: Record<string, string>, init: RequestInit = {}) => () =>
  new Request(url, { ...init, headers })

const rows: ReadonlyArray<Row> = [
  {
    name: "a valid bearer token",
    request: async (now) => req(R.API, { authorization: `Bearer ${await token(now)}` })
  },
  {
    name: "nothing, on a development instance (no dev browser)",
    request: async () => req(R.API, {})
  },
  {
    name: "nothing, on a development instance, a page load",
    request: async () => req(R.PAGE, R.DOCUMENT)
  },
  {
    name: "nothing, on a production instance",
    publishableKey: R.PROD_PUBLISHABLE_KEY,
    request: async () => req(R.PROD_API, {})
  },
  {
    name: "an expired bearer token, from fetch",
    request: async (now) => req(R.API, { authorization: `Bearer ${await token(now, { exp: now - 120 })}` })
  },
  {
    name: "an expired bearer token, a page load",
    request: async (now) =>
      req(R.PAGE, { ...R.DOCUMENT, authorization: `Bearer ${await token(now, { exp: now - 120 })}` })
  },
  {
    name: "an expired bearer token, a POST",
    request: async (now) =>
      req(R.API, { authorization: `Bearer ${await token(now, { exp: now - 120 })}` }, { method: "POST" })
  },
  {
    name: "a bearer token with nbf ahead, a page load",
    request: async (now) => req(R.PAGE, { ...R.DOCUMENT, authorization: `Bearer ${await token(now, { nbf: now + 600 })}` })
  },
  {
    name: "a forged signature",
    request: async (now) => {
      const [h, , s] = (await token(now)).split(".")
      return req(R.API, { authorization: `Bearer ${h}.${F.base64url(JSON.stringify(claims(now, { sub: "user_x" })))}.${s}` })
    }
  },
  {
    name: "not a JWT",
    request: async () => req(R.API, { authorization: "Bearer not-a-jwt" })
  },
  {
    name: "an unauthorized party",
    options: { authorizedParties: ["https://elsewhere.example"] },
    request: async (now) => req(R.API, { authorization: `Bearer ${await token(now)}` })
  },
  {
    name: "an M2M-category token as a session token",
    request: async (now) => req(R.API, { authorization: `Bearer ${await token(now, {}, { header: { cat: "cl_B7d4PD333AAA" } })}` })
  },
  {
    name: "a JWT-template token as a session token",
    request: async (now) => req(R.API, { authorization: `Bearer ${await token(now, {}, { header: { cat: "cl_B7d4PD222AAA" } })}` })
  },
  {
    name: "an M2M JWT (sub mch_) as a session token",
    request: async (now) => req(R.API, { authorization: `Bearer ${await token(now, { sub: "mch_1" })}` })
  },
  {
    name: "an OAuth JWT (typ at+jwt) as a session token",
    request: async (now) => req(R.API, { authorization: `Bearer ${await token(now, {}, { header: { typ: "at+jwt" } })}` })
  },
  {
    name: "acceptsToken a list without the token's type",
    options: { acceptsToken: ["api_key", "m2m_token"] },
    request: async (now) => req(R.API, { authorization: `Bearer ${await token(now)}` })
  },
  {
    name: "acceptsToken api_key with a session token",
    options: { acceptsToken: "api_key" },
    request: async (now) => req(R.API, { authorization: `Bearer ${await token(now)}` })
  },
  {
    name: "acceptsToken m2m_token with no header",
    options: { acceptsToken: "m2m_token" },
    request: async () => req(R.API, {})
  },
  {
    name: "acceptsToken any with a session token",
    options: { acceptsToken: "any" },
    request: async (now) => req(R.API, { authorization: `Bearer ${await token(now)}` })
  },
  {
    name: "session and uat cookies (production)",
    publishableKey: R.PROD_PUBLISHABLE_KEY,
    request: async (now) => req(R.PROD_API, { cookie: `__session=${await prodToken(now)}; __client_uat=${now - 60}` })
  },
  {
    name: "a session cookie without uat, a page load (production)",
    publishableKey: R.PROD_PUBLISHABLE_KEY,
    request: async (now) => req(R.PROD_PAGE, { ...R.DOCUMENT, cookie: `__session=${await prodToken(now)}` })
  },
  {
    name: "a uat without session, from fetch (production)",
    publishableKey: R.PROD_PUBLISHABLE_KEY,
    request: async (now) => req(R.PROD_API, { cookie: `__client_uat=${now}` })
  },
  {
    name: "a session issued before the uat, a page load (production)",
    publishableKey: R.PROD_PUBLISHABLE_KEY,
    request: async (now) =>
      req(R.PROD_PAGE, { ...R.DOCUMENT, cookie: `__session=${await prodToken(now, { iat: now - 30 })}; __client_uat=${now}` })
  },
  {
    name: "an expired session cookie, a page load, the redirect counter at 1 (production)",
    publishableKey: R.PROD_PUBLISHABLE_KEY,
    request: async (now) =>
      req(R.PROD_PAGE, {
        ...R.DOCUMENT,
        cookie: `__session=${await prodToken(now, { exp: now - 120, iat: now - 200 })}; __client_uat=${now - 300}; __clerk_redirect_count=1`
      })
  },
  {
    name: "an expired session cookie, a page load, the redirect counter at 3 (production)",
    publishableKey: R.PROD_PUBLISHABLE_KEY,
    request: async (now) =>
      req(R.PROD_PAGE, {
        ...R.DOCUMENT,
        cookie: `__session=${await prodToken(now, { exp: now - 120, iat: now - 200 })}; __client_uat=${now - 300}; __clerk_redirect_count=3`
      })
  },
  {
    name: "a page load from a satellite's origin (production primary)",
    publishableKey: R.PROD_PUBLISHABLE_KEY,
    request: async (now) =>
      req(R.PROD_PAGE, {
        ...R.DOCUMENT,
        referer: "https://satellite.example.org/x",
        cookie: `__session=${await prodToken(now)}; __client_uat=${now - 60}`
      })
  },
  {
    name: "a page load from the Account Portal (production primary)",
    publishableKey: R.PROD_PUBLISHABLE_KEY,
    request: async (now) =>
      req(R.PROD_PAGE, {
        ...R.DOCUMENT,
        referer: "https://accounts.example.com/sign-in",
        cookie: `__session=${await prodToken(now)}; __client_uat=${now - 60}`
      })
  },
  {
    name: "an organization page for another organization (production)",
    publishableKey: R.PROD_PUBLISHABLE_KEY,
    options: { organizationSyncOptions: { organizationPatterns: ["/orgs/:slug", "/orgs/:slug/(.*)"] } },
    request: async (now) =>
      req(`${R.PROD_ORIGIN}/orgs/acme/settings`, {
        ...R.DOCUMENT,
        cookie: `__session=${await prodToken(now, { o: { id: "org_1", slg: "other", rol: "admin" } })}; __client_uat=${now - 60}`
      })
  },
  {
    name: "a personal-account page with an organization active (production)",
    publishableKey: R.PROD_PUBLISHABLE_KEY,
    options: { organizationSyncOptions: { personalAccountPatterns: ["/me", "/me/(.*)"] } },
    request: async (now) =>
      req(`${R.PROD_ORIGIN}/me`, {
        ...R.DOCUMENT,
        cookie: `__session=${await prodToken(now, { o: { id: "org_1", slg: "acme", rol: "admin" } })}; __client_uat=${now - 60}`
      })
  },
  {
    name: "suffixed cookies of this instance beside another instance's plain ones (production)",
    publishableKey: R.PROD_PUBLISHABLE_KEY,
    request: async (now) => {
      const suffix = R.suffixOf(R.PROD_PUBLISHABLE_KEY)
      const other = await prodToken(now, { iss: "https://clerk.other.example" })
      return req(R.PROD_API, {
        cookie: `__session=${other}; __client_uat=${now}; __session_${suffix}=${await prodToken(now)}; __client_uat_${suffix}=${now - 60}`
      })
    }
  },
  {
    name: "a development page load with a dev browser in the query",
    request: async () => req(`${R.PAGE}?__clerk_db_jwt=dvb_1`, R.DOCUMENT)
  },
  {
    name: "a development primary asked to answer a satellite's sync",
    request: async () =>
      req(`${R.PAGE}?__clerk_redirect_url=${encodeURIComponent("https://satellite.example.org/x")}`, {
        ...R.DOCUMENT,
        cookie: "__clerk_db_jwt=dvb_1"
      })
  },
  {
    name: "a token from another Clerk instance (bearer)",
    request: async (now) => req(R.API, { authorization: `Bearer ${await token(now, { iss: "https://other-7.clerk.accounts.dev" })}` }),
    clerk: {
      status: "signed-in",
      reason: null,
      why: "issuer pinning: Clerk checks no issuer unless asked; ours refuses another instance's tokens"
    }
  }
]

const clerkState = async (row: Row, request: Request) => {
  const clerk = createClerkClient({
    secretKey: "sk_test_fake0000000000000000000000000000000000",
    publishableKey: row.publishableKey ?? F.PUBLISHABLE_KEY,
    jwtKey: key.pem,
    // Nothing leaves the machine: Clerk's SDK would otherwise report usage of development instances.
    telemetry: { disabled: true }
  })
  const { authorizedParties, acceptsToken, organizationSyncOptions } = row.options ?? {}
  return clerk.authenticateRequest(request, {
    ...(authorizedParties === undefined ? {} : { authorizedParties: [...authorizedParties] }),
    ...(acceptsToken === undefined
      ? {}
      : { acceptsToken: typeof acceptsToken === "string" ? acceptsToken : [...acceptsToken] }),
    ...(organizationSyncOptions === undefined
      ? {}
      : {
        organizationSyncOptions: {
          ...(organizationSyncOptions.organizationPatterns === undefined
            ? {}
            : { organizationPatterns: [...organizationSyncOptions.organizationPatterns] }),
          ...(organizationSyncOptions.personalAccountPatterns === undefined
            ? {}
            : { personalAccountPatterns: [...organizationSyncOptions.personalAccountPatterns] })
        }
      })
  })
}

describe("cross-check with @clerk/backend's authenticateRequest", () => {
  it("covers at least 30 requests, and says why for each difference", () => {
    expect(rows.length).toBeGreaterThanOrEqual(30)
    for (const row of rows) if (row.clerk !== undefined) expect(row.clerk.why.length).toBeGreaterThan(10)
  })

  for (const row of rows) {
    it.effect(row.name, () =>
      Effect.gen(function*() {
        const nowMs = Date.now()
        yield* TestClock.setTime(nowMs)
        const make = yield* Effect.promise(() => row.request(Math.floor(nowMs / 1000)))
        const layer = Layer.orDie(ClerkAuth.layer({
          jwtKey: key.pem,
          publishableKey: row.publishableKey ?? F.PUBLISHABLE_KEY,
          ...(row.options?.authorizedParties === undefined ? {} : { authorizedParties: row.options.authorizedParties })
        }))
        const ours = outcome(yield* ClerkAuth.authenticateRequest(make(), row.options).pipe(Effect.provide(layer)))
        const theirs = outcome(yield* Effect.promise(() => clerkState(row, make())))
        if (process.env["SHOW_OUTCOMES"]) console.log(row.name, JSON.stringify(ours))
        if (row.clerk === undefined) {
          expect(ours).toEqual(theirs)
        } else {
          expect({ status: theirs.status, reason: theirs.reason }).toEqual({
            status: row.clerk.status,
            reason: row.clerk.reason
          })
          expect(ours.status).not.toBe(theirs.status)
        }
      }))
  }
})
