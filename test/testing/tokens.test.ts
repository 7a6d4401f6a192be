import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import { createLocalJWKSet, decodeProtectedHeader, type JWK, jwtVerify } from "jose"
import { Jwks } from "../../services/Jwks.js"
import { JwtTemplates } from "../../services/JwtTemplates.js"
import { Organizations } from "../../services/Organizations.js"
import { Sessions } from "../../services/Sessions.js"
import { Users } from "../../services/Users.js"
import * as ClerkAuth from "../../src/ClerkAuth.js"
import { OfflineClerk } from "../../src/testing/index.js"
import { fresh } from "./layer.js"

const run = fresh()
const NOW = 1_750_000_000_000

/** Verifies a token against the JWKS the offline Clerk serves, at the TestClock's time. */
const verify = (token: string) =>
  Effect.gen(function*() {
    const jwks = yield* Jwks.getJWKS()
    // The SDK decodes JWKS keys as one loose struct; `jose` wants its own JWK type.
    const keys: Array<JWK> = (jwks.keys ?? []).map((key) => ({
      kty: key.kty ?? "",
      ...(key.n === undefined ? {} : { n: key.n }),
      ...(key.e === undefined ? {} : { e: key.e }),
      ...(key.kid === undefined ? {} : { kid: key.kid }),
      ...(key.alg === undefined ? {} : { alg: key.alg })
    }))
    return yield* Effect.promise(() =>
      jwtVerify(token, createLocalJWKSet({ keys }), { currentDate: new Date(NOW), algorithms: ["RS256"] })
    )
  })

describe("session tokens", () => {
  it.effect("createToken returns an RS256 v2 session token that verifies against GET /jwks", () =>
    run(Effect.gen(function*() {
      yield* TestClock.setTime(NOW)
      const user = yield* Users.create({ emailAddress: ["tok@example.com"] })
      const org = yield* Organizations.create({ name: "Tokens", createdBy: user.id })
      const session = yield* Sessions.create({ userId: user.id, activeOrganizationId: org.id })
      const { jwt } = yield* Sessions.createToken({ sessionId: session.id, expiresInSeconds: 120 })
      expect(decodeProtectedHeader(jwt ?? "")).toMatchObject({ alg: "RS256", kid: "ins_offline", typ: "JWT" })
      const { payload } = yield* verify(jwt ?? "")
      expect(payload).toMatchObject({
        sub: user.id,
        sid: session.id,
        iss: "https://offline.clerk.accounts.dev",
        iat: NOW / 1000,
        exp: NOW / 1000 + 120,
        nbf: NOW / 1000 - 10,
        v: 2,
        sts: "active",
        o: { id: org.id, rol: "admin", slg: "tokens" }
      })
      yield* Sessions.revoke({ sessionId: session.id })
      const revoked = yield* Effect.flip(Sessions.createToken({ sessionId: session.id }))
      expect(revoked._tag).toBe("ClerkNotFound")
    })))

  it.effect("createTokenFromTemplate fills the template's shortcodes and uses its lifetime", () =>
    run(Effect.gen(function*() {
      yield* TestClock.setTime(NOW)
      const user = yield* Users.create({ emailAddress: ["tpl@example.com"], firstName: "Tee", lastName: "Pee", publicMetadata: { plan: "pro" } })
      yield* JwtTemplates.create({
        name: "backend",
        lifetime: 300,
        claims: {
          email: "{{user.primary_email_address}}",
          name: "{{user.first_name}} {{user.last_name}}",
          meta: "{{user.public_metadata}}",
          plan: "{{user.public_metadata.plan}}",
          org: "{{org.id}}",
          aud: "my-api"
        }
      })
      const session = yield* Sessions.create({ userId: user.id })
      const { jwt } = yield* Sessions.createTokenFromTemplate({ sessionId: session.id, templateName: "backend" })
      const { payload } = yield* verify(jwt ?? "")
      expect(payload).toMatchObject({
        sub: user.id,
        email: "tpl@example.com",
        name: "Tee Pee",
        meta: { plan: "pro" },
        plan: "pro",
        org: null,
        aud: "my-api",
        exp: NOW / 1000 + 300
      })
      const missing = yield* Effect.flip(Sessions.createTokenFromTemplate({ sessionId: session.id, templateName: "nope" }))
      expect(missing._tag).toBe("ClerkNotFound")
    })))

  it.effect("a template with its own HS256 key signs with that key", () =>
    run(Effect.gen(function*() {
      yield* TestClock.setTime(NOW)
      const user = yield* Users.create({ emailAddress: ["hs@example.com"] })
      yield* JwtTemplates.create({
        name: "hasura",
        claims: { role: "user" },
        customSigningKey: true,
        signingAlgorithm: "HS256",
        signingKey: "a-shared-secret-of-at-least-32-bytes!!"
      })
      const session = yield* Sessions.create({ userId: user.id })
      const { jwt } = yield* Sessions.createTokenFromTemplate({ sessionId: session.id, templateName: "hasura" })
      const { payload } = yield* Effect.promise(() =>
        jwtVerify(jwt ?? "", new TextEncoder().encode("a-shared-secret-of-at-least-32-bytes!!"), { currentDate: new Date(NOW) })
      )
      expect(payload).toMatchObject({ role: "user", sub: user.id })
    })))

  it.effect("OfflineClerk.mintSessionToken signs in a user and mints, with azp and an actor when asked", () =>
    run(Effect.gen(function*() {
      yield* TestClock.setTime(NOW)
      const clerk = yield* OfflineClerk
      const user = yield* clerk.seedUser({ emailAddress: "mint@example.com" })
      const minted = yield* clerk.mintSessionToken({
        userId: user.id,
        authorizedParty: "https://app.example.com",
        actor: { sub: "user_support" },
        expiresInSeconds: 3600
      })
      const { payload } = yield* verify(minted.token)
      expect(payload).toMatchObject({ sub: user.id, sid: minted.sessionId, azp: "https://app.example.com", act: { sub: "user_support" } })
      expect((yield* Sessions.get({ sessionId: minted.sessionId })).status).toBe("active")
      const again = yield* clerk.mintSessionToken({ sessionId: minted.sessionId })
      expect((yield* verify(again.token)).payload.sid).toBe(minted.sessionId)
      expect((yield* clerk.jwks).keys[0]).toMatchObject({ kty: "RSA", kid: "ins_offline", alg: "RS256", use: "sig" })
    })))
})

describe("ClerkAuth against the offline Clerk", () => {
  it.effect("a token the fake mints verifies through ClerkAuth with the keys GET /jwks serves", () =>
    run(Effect.gen(function*() {
      yield* TestClock.setTime(NOW)
      const clerk = yield* OfflineClerk
      const user = yield* clerk.seedUser({ emailAddress: "auth@example.com" })
      const org = yield* clerk.seedOrganization({ name: "Auth Org", createdBy: user.id })
      const { sessionId, token } = yield* clerk.mintSessionToken({ userId: user.id, organizationId: org.id })
      const jwks = yield* Jwks.getJWKS()
      const auth = yield* ClerkAuth.make({ issuer: clerk.issuer }).pipe(
        Effect.provide(ClerkAuth.JwksSource.fromKeys((jwks.keys ?? []).map((key) => ({ ...key, kty: key.kty ?? "" }))))
      )
      const claims = yield* auth.verifyToken(token)
      expect(auth.toAuth(claims)).toMatchObject({ userId: user.id, sessionId, orgId: org.id, orgRole: "org:admin", orgSlug: "auth-org" })
      const other = yield* Effect.flip(ClerkAuth.make({ issuer: "https://elsewhere.example" }).pipe(
        Effect.provide(ClerkAuth.JwksSource.fromKeys((jwks.keys ?? []).map((key) => ({ ...key, kty: key.kty ?? "" })))),
        Effect.flatMap((a) => a.verifyToken(token))
      ))
      expect(other).toMatchObject({ _tag: "ClerkTokenError" })
    })))
})
