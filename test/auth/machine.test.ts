/**
 * Machine tokens: M2M and OAuth JWTs verified locally with the instance's keys; opaque `mt_`, `oat_` and
 * `ak_` through a `MachineTokenVerifier`, both a plain fake and the live one over the recording fake
 * `HttpClient` (`Clerk.layer`); the unknown prefix; and every `acceptsToken` combination of Clerk's routing.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import {
  type AcceptsToken,
  type ApiKey,
  ClerkAuth,
  type M2MToken,
  MachineTokenVerifier,
  make as makeAuth,
  type OAuthToken,
  type Options,
  type RequestState
} from "../../src/ClerkAuth.js"
import * as Clerk from "../../src/Clerk.js"
import * as ClerkAuthLive from "../../src/ClerkAuthLive.js"
import { clerkErrors, json, makeFake } from "../support/fake.js"
import * as F from "./fixtures.js"
import * as R from "./requestFixtures.js"

const key = await F.generateKey(2048)
const stranger = await F.generateKey(2048)

const m2mData: M2MToken = {
  id: "mt_id_1",
  subject: "mch_1",
  scopes: ["mch_2"],
  claims: { region: "eu" },
  revoked: false,
  revocationReason: null,
  expired: false,
  expiration: null,
  createdAt: 1,
  updatedAt: 2
}
const oauthData: OAuthToken = {
  id: "oat_id_1",
  clientId: "client_1",
  subject: "user_1",
  scopes: ["email"],
  revoked: false,
  revocationReason: null,
  expired: false,
  expiration: null,
  createdAt: 1,
  updatedAt: 2
}
const apiKeyData: ApiKey = {
  id: "ak_id_1",
  type: "api_key",
  name: "ci",
  subject: "org_1",
  description: null,
  claims: null,
  scopes: ["read"],
  revoked: false,
  revocationReason: null,
  expired: false,
  expiration: null,
  createdBy: null,
  lastUsedAt: null,
  createdAt: 1,
  updatedAt: 2
}

/** A MachineTokenVerifier that knows one token of each kind and counts its calls. */
const fakeVerifier = () => {
  const calls: Array<string> = []
  const layer = Layer.succeed(MachineTokenVerifier, {
    verifyM2MToken: (token) => {
      calls.push(`m2m ${token}`)
      return Effect.succeed(m2mData)
    },
    verifyOAuthToken: (token) => {
      calls.push(`oauth ${token}`)
      return Effect.succeed(oauthData)
    },
    verifyApiKey: (secret) => {
      calls.push(`api_key ${secret}`)
      return Effect.succeed(apiKeyData)
    }
  })
  return { calls, layer }
}

const authLayer = (options: Omit<Options, "jwtKey"> = {}, verifier?: Layer.Layer<MachineTokenVerifier>) => {
  const auth = Layer.orDie(ClerkAuth.layer({ publishableKey: F.PUBLISHABLE_KEY, ...options, jwtKey: key.pem }))
  return verifier === undefined ? auth : Layer.provide(auth, verifier)
}

const authenticate = (layer: Layer.Layer<ClerkAuth>, token: string, acceptsToken?: AcceptsToken) =>
  Effect.zipRight(
    F.setNow(F.NOW),
    ClerkAuth.authenticateRequest(
      new Request(R.API, { headers: { authorization: `Bearer ${token}` } }),
      acceptsToken === undefined ? {} : { acceptsToken }
    ).pipe(Effect.provide(layer))
  )

const verifyMachine = (layer: Layer.Layer<ClerkAuth>, token: string, audience?: ReadonlyArray<string>) =>
  Effect.zipRight(
    F.setNow(F.NOW),
    ClerkAuth.verifyMachineToken(token, audience === undefined ? {} : { audience }).pipe(Effect.provide(layer))
  )

const m2mJwt = (overrides: Record<string, unknown> = {}, options: F.SignOptions = {}, k = key) =>
  Effect.promise(() =>
    F.sign(k, {
      sub: "mch_1",
      jti: "mt_jwt_1",
      iat: F.NOW - 5,
      exp: F.NOW + 3600,
      scopes: "mch_2 mch_3",
      region: "eu",
      ...overrides
    }, { header: { cat: "cl_B7d4PD333AAA", ...options.header } })
  )

const oauthJwt = (overrides: Record<string, unknown> = {}, k = key) =>
  Effect.promise(() =>
    F.sign(k, {
      sub: "user_1",
      jti: "oat_jwt_1",
      client_id: "client_1",
      iat: F.NOW - 5,
      exp: F.NOW + 3600,
      scope: "email profile",
      ...overrides
    }, { header: { typ: "at+jwt" } })
  )

const expectState = (state: RequestState, status: RequestState["status"], reason: string | null) =>
  expect({ status: state.status, reason: state.reason }).toEqual({ status, reason })

describe("JWT machine tokens, verified locally", () => {
  it.effect("an M2M JWT (sub mch_…): signed in as m2m_token, with Clerk's M2MToken shape", () =>
    Effect.gen(function*() {
      const token = yield* m2mJwt()
      const state = yield* authenticate(authLayer(), token, "m2m_token")
      expectState(state, "signed-in", null)
      if (state._tag !== "SignedIn" || state.tokenType !== "m2m_token") return expect.fail("not an M2M state")
      expect(state.machineToken).toEqual({
        tokenType: "m2m_token",
        data: {
          id: "mt_jwt_1",
          subject: "mch_1",
          scopes: ["mch_2", "mch_3"],
          claims: { scopes: "mch_2 mch_3", region: "eu" },
          revoked: false,
          revocationReason: null,
          expired: false,
          expiration: (F.NOW + 3600) * 1000,
          createdAt: (F.NOW - 5) * 1000,
          updatedAt: (F.NOW - 5) * 1000
        }
      })
      expect(state.toAuth()).toMatchObject({ tokenType: "m2m_token", isAuthenticated: true, machineId: "mch_1" })
      expect(state.toAuth().has({ permission: "org:x:y" })).toBe(false)
    }))

  it.effect("an OAuth JWT (typ at+jwt): signed in as oauth_token; scopes from `scope`", () =>
    Effect.gen(function*() {
      const state = yield* authenticate(authLayer(), yield* oauthJwt(), "oauth_token")
      expectState(state, "signed-in", null)
      if (state._tag !== "SignedIn" || state.tokenType !== "oauth_token") return expect.fail("not an OAuth state")
      expect(state.toAuth()).toMatchObject({ userId: "user_1", clientId: "client_1", scopes: ["email", "profile"] })
    }))

  it.effect("an OAuth audience: checked after the signature, with Clerk's rules", () =>
    Effect.gen(function*() {
      const layer = authLayer()
      expect((yield* verifyMachine(layer, yield* oauthJwt({ aud: "api://mine" }), ["api://mine"])).tokenType).toBe("oauth_token")
      const wrong = yield* Effect.flip(verifyMachine(layer, yield* oauthJwt({ aud: "api://other" }), ["api://mine"]))
      expect({ code: wrong.code, tokenType: wrong.tokenType }).toEqual({ code: "token-verification-failed", tokenType: "oauth_token" })
      const none = yield* Effect.flip(verifyMachine(layer, yield* oauthJwt(), ["api://mine"]))
      expect(none.code).toBe("token-verification-failed")
    }))

  it.effect("an M2M JWT of another category: token-invalid; expired or forged: token-verification-failed", () =>
    Effect.gen(function*() {
      const layer = authLayer()
      const template = yield* Effect.flip(verifyMachine(layer, yield* m2mJwt({}, { header: { cat: "cl_B7d4PD222AAA" } })))
      expect(template.code).toBe("token-invalid")
      const expired = yield* Effect.flip(verifyMachine(layer, yield* m2mJwt({ exp: F.NOW - 60 })))
      expect({ code: expired.code, description: expired.description }).toMatchObject({
        code: "token-verification-failed",
        description: expect.stringMatching(/^token-expired/)
      })
      const forged = yield* Effect.flip(verifyMachine(layer, yield* m2mJwt({}, {}, stranger)))
      expect(forged.code).toBe("token-verification-failed")
      const state = yield* authenticate(layer, yield* m2mJwt({ exp: F.NOW - 60 }), "m2m_token")
      expectState(state, "signed-out", "token-verification-failed")
      expect(state.message).toMatch(/\(code=token-verification-failed, status=n\/a\)$/)
      expect(state.toAuth()).toMatchObject({ tokenType: "m2m_token", isAuthenticated: false, id: null })
    }))

  it.effect("no issuer pinning for machine JWTs (Clerk checks none), but the keys must be the instance's", () =>
    Effect.gen(function*() {
      const token = yield* m2mJwt({ iss: "https://api.clerk.com" })
      expect((yield* verifyMachine(authLayer(), token)).tokenType).toBe("m2m_token")
    }))

  it.effect("a JWT that is neither: token-verification-failed, as Clerk", () =>
    Effect.gen(function*() {
      const session = yield* Effect.promise(() => F.sign(key, F.claims()))
      const error = yield* Effect.flip(verifyMachine(authLayer(), session))
      expect({ code: error.code, tokenType: error.tokenType }).toEqual({ code: "token-verification-failed", tokenType: "oauth_token" })
    }))
})

describe("opaque machine tokens, through the MachineTokenVerifier", () => {
  it.effect("mt_, oat_ and ak_ each go to their verify operation", () =>
    Effect.gen(function*() {
      const fake = fakeVerifier()
      const layer = authLayer({}, fake.layer)
      const m2m = yield* authenticate(layer, "mt_opaque", "m2m_token")
      const oauth = yield* authenticate(layer, "oat_opaque", "oauth_token")
      const apiKey = yield* authenticate(layer, "ak_opaque", "api_key")
      expect(fake.calls).toEqual(["m2m mt_opaque", "oauth oat_opaque", "api_key ak_opaque"])
      expect([m2m.status, oauth.status, apiKey.status]).toEqual(["signed-in", "signed-in", "signed-in"])
      if (apiKey._tag !== "SignedIn" || apiKey.tokenType !== "api_key") return expect.fail("not an API key state")
      expect(apiKey.toAuth()).toEqual({
        tokenType: "api_key",
        isAuthenticated: true,
        id: "ak_id_1",
        subject: "org_1",
        scopes: ["read"],
        name: "ci",
        claims: null,
        userId: null,
        orgId: "org_1",
        has: expect.any(Function)
      })
      expect(yield* verifyMachine(layer, "ak_opaque")).toEqual({ tokenType: "api_key", data: apiKeyData })
    }))

  it.effect("without a MachineTokenVerifier: unexpected-error, typed", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(verifyMachine(authLayer(), "ak_opaque"))
      expect({ code: error.code, tokenType: error.tokenType }).toEqual({ code: "unexpected-error", tokenType: "api_key" })
      expectState(yield* authenticate(authLayer(), "ak_opaque", "api_key"), "signed-out", "unexpected-error")
    }))

  it.effect("an unknown prefix: token-type-unknown from verifyMachineToken, token-type-mismatch from routing", () =>
    Effect.gen(function*() {
      const fake = fakeVerifier()
      const layer = authLayer({}, fake.layer)
      const error = yield* Effect.flip(verifyMachine(layer, "xyz_not_a_machine_token"))
      expect({ code: error.code, tokenType: error.tokenType }).toEqual({ code: "token-type-unknown", tokenType: null })
      const state = yield* authenticate(layer, "xyz_not_a_machine_token", "api_key")
      expectState(state, "signed-out", "token-type-mismatch")
      expect(state.tokenType).toBe("api_key")
      expect(fake.calls).toEqual([])
    }))

  describe("the live verifier, over the Backend API (fake HttpClient)", () => {
    const live = (respond: Parameters<typeof makeFake>[0], machineSecretKey?: string) => {
      const fake = makeFake(respond)
      const services = Clerk.layer({ secretKey: Redacted.make("sk_test_instance"), retry: false }).pipe(
        Layer.provide(fake.layer)
      )
      const verifier = ClerkAuthLive.machineTokenVerifier(
        machineSecretKey === undefined ? {} : { machineSecretKey: Redacted.make(machineSecretKey) }
      ).pipe(Layer.provide(services))
      return { fake, layer: authLayer({}, verifier) }
    }
    const m2mBody = {
      object: "machine_to_machine_token",
      id: "mt_id_9",
      subject: "mch_9",
      scopes: ["mch_1"],
      claims: { a: 1 },
      revoked: false,
      revocation_reason: null,
      expired: false,
      expiration: null,
      last_used_at: null,
      created_at: 10,
      updated_at: 11
    }

    it.effect("mt_: POST /m2m_tokens/verify with the machine secret key when given", () =>
      Effect.gen(function*() {
        const { fake, layer } = live(() => json(m2mBody), "ak_machine_secret")
        const verified = yield* verifyMachine(layer, "mt_live")
        expect(verified).toEqual({
          tokenType: "m2m_token",
          data: { ...m2mData, id: "mt_id_9", subject: "mch_9", scopes: ["mch_1"], claims: { a: 1 }, createdAt: 10, updatedAt: 11 }
        })
        expect(fake.requests.map((r) => `${r.method} ${r.url.pathname} ${r.body}`)).toEqual([
          `POST /v1/m2m_tokens/verify {"token":"mt_live"}`
        ])
        expect(fake.requests[0]?.headers["authorization"]).toBe("Bearer ak_machine_secret")
      }))

    it.effect("oat_ and ak_: their verify operations, with the instance's secret key", () =>
      Effect.gen(function*() {
        const { fake, layer } = live((request) =>
          request.url.pathname.endsWith("/api_keys/verify")
            ? json({
              object: "api_key",
              id: "ak_id_9",
              type: "api_key",
              subject: "user_9",
              name: "n",
              claims: null,
              scopes: [],
              revoked: false,
              revocation_reason: null,
              expired: false,
              expiration: null,
              created_by: null,
              last_used_at: null,
              created_at: 1,
              updated_at: 2
            })
            : json({
              object: "clerk_idp_oauth_access_token",
              id: "oat_id_9",
              client_id: "c",
              subject: "user_9",
              scopes: ["s"],
              revoked: false,
              revocation_reason: null,
              expired: false,
              expiration: null,
              created_at: 1,
              updated_at: 2
            })
        )
        const apiKey = yield* authenticate(layer, "ak_live", "api_key")
        if (apiKey._tag !== "SignedIn" || apiKey.tokenType !== "api_key") return expect.fail("not signed in")
        expect(apiKey.toAuth()).toMatchObject({ userId: "user_9", orgId: null })
        expect((yield* verifyMachine(layer, "oat_live")).tokenType).toBe("oauth_token")
        expect(fake.requests.map((r) => `${r.method} ${r.url.pathname} ${r.body}`)).toEqual([
          `POST /v1/api_keys/verify {"secret":"ak_live"}`,
          `POST /v1/oauth_applications/access_tokens/verify {"access_token":"oat_live"}`
        ])
        expect(fake.requests.every((r) => r.headers["authorization"] === "Bearer sk_test_instance")).toBe(true)
      }))

    it.effect("404 → token-invalid, 401 → secret-key-invalid, anything else → unexpected-error (Clerk's mapping)", () =>
      Effect.gen(function*() {
        const cases = [
          [404, "token-invalid", "API key not found"],
          [401, "secret-key-invalid", "the Backend API refused the secret key"],
          [500, "unexpected-error", "unexpected error: ClerkUnexpectedStatus (500: internal)"]
        ] as const
        for (const [status, code, description] of cases) {
          const { layer } = live(() => clerkErrors(status, status === 500 ? "internal" : "not_found"))
          const error = yield* Effect.flip(verifyMachine(layer, "ak_secret_value"))
          expect({ code: error.code, status: error.status, description: error.description }).toEqual({ code, status, description })
          const state = yield* authenticate(layer, "ak_secret_value", "api_key")
          expectState(state, "signed-out", code)
          expect(state.message).toBe(`${description} (code=${code}, status=${status})`)
        }
      }))
  })
})

describe("acceptsToken combinations", () => {
  const layer = () => authLayer({}, fakeVerifier().layer)

  it.effect("any: session tokens the session way, machine tokens the machine way", () =>
    Effect.gen(function*() {
      const session = yield* authenticate(layer(), yield* Effect.promise(() => F.sign(key, F.claims())), "any")
      expect([session.status, session.tokenType]).toEqual(["signed-in", "session_token"])
      for (const [token, type] of [["mt_x", "m2m_token"], ["oat_x", "oauth_token"], ["ak_x", "api_key"]] as const) {
        const state = yield* authenticate(layer(), token, "any")
        expect([state.status, state.tokenType]).toEqual(["signed-in", type])
      }
      const m2m = yield* authenticate(layer(), yield* m2mJwt(), "any")
      expect([m2m.status, m2m.tokenType]).toEqual(["signed-in", "m2m_token"])
    }))

  it.effect("any: a JWT-template token is a token-type-mismatch; an expired session the usual reason", () =>
    Effect.gen(function*() {
      const template = yield* Effect.promise(() => F.sign(key, F.claims(), { header: { cat: "cl_B7d4PD222AAA" } }))
      expectState(yield* authenticate(layer(), template, "any"), "signed-out", "token-type-mismatch")
      const expired = yield* Effect.promise(() => F.sign(key, F.claims({ exp: F.NOW - 60 })))
      expectState(
        yield* authenticate(layer(), expired, "any"),
        "signed-out",
        "session-token-expired-refresh-non-eligible-no-refresh-cookie"
      )
    }))

  it.effect("a list: the types in it are accepted, the others refused with tokenType null", () =>
    Effect.gen(function*() {
      const accepts = ["session_token", "api_key"] as const
      expectState(yield* authenticate(layer(), "ak_x", accepts), "signed-in", null)
      expectState(
        yield* authenticate(layer(), yield* Effect.promise(() => F.sign(key, F.claims())), accepts),
        "signed-in",
        null
      )
      const refused = yield* authenticate(layer(), "mt_x", accepts)
      expectState(refused, "signed-out", "token-type-mismatch")
      expect(refused.tokenType).toBeNull()
      const m2mList = yield* authenticate(layer(), "oat_x", ["m2m_token", "api_key"])
      expect([m2mList.reason, m2mList.tokenType]).toEqual(["token-type-mismatch", null])
    }))

  it.effect("one machine type: another machine type, or a session token, is a mismatch of that type", () =>
    Effect.gen(function*() {
      const other = yield* authenticate(layer(), "mt_x", "api_key")
      expect([other.reason, other.tokenType]).toEqual(["token-type-mismatch", "api_key"])
      const session = yield* authenticate(layer(), yield* Effect.promise(() => F.sign(key, F.claims())), "oauth_token")
      expect([session.reason, session.tokenType]).toEqual(["token-type-mismatch", "oauth_token"])
    }))

  it.effect("session_token: an opaque machine token is just an invalid session token, as in Clerk", () =>
    Effect.gen(function*() {
      expectState(yield* authenticate(layer(), "ak_x", "session_token"), "signed-out", "token-invalid")
    }))

  it.effect("machine tokens need no publishable key", () =>
    Effect.gen(function*() {
      const auth = yield* Effect.orDie(
        makeAuth({ jwtKey: key.pem, issuer: "https://issuer.example" })
      ).pipe(Effect.provide(fakeVerifier().layer))
      const state = yield* auth.authenticateRequest(
        new Request(R.API, { headers: { authorization: "Bearer ak_x" } }),
        { acceptsToken: "api_key" }
      )
      expectState(state, "signed-in", null)
      const session = yield* auth.authenticateRequest(new Request(R.API), { acceptsToken: "session_token" })
      expectState(session, "signed-out", "jwk-failed-to-resolve")
      expect(session.message).toMatch(/CLERK_PUBLISHABLE_KEY/)
    }))
})
