/**
 * Machines, M2M tokens (made with the machine's own secret key, through `ClerkClient.withSecretKey`) and API
 * keys, through the real services.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import { createLocalJWKSet, jwtVerify } from "jose"
import { ApiKeys } from "../../services/ApiKeys.js"
import { M2M } from "../../services/M2M.js"
import { Machines } from "../../services/Machines.js"
import { Organizations } from "../../services/Organizations.js"
import { Users } from "../../services/Users.js"
import * as ClerkClient from "../../src/ClerkClient.js"
import { OfflineClerk } from "../../src/testing/index.js"
import { fresh } from "./layer.js"

const run = fresh()

const asMachine = (secret: string) => ClerkClient.withSecretKey(Redacted.make(secret))

describe("machines", () => {
  it.effect("create with scopes, read, list, update, rotate the secret key, scope and unscope, delete", () =>
    run(Effect.gen(function*() {
      const api = yield* Machines.create({ name: "api" })
      const worker = yield* Machines.create({ name: "worker", scopedMachines: [api.id], defaultTokenTtl: 60 })
      expect(worker.secretKey).toMatch(/^ak_/)
      expect(worker.scopedMachines.map((m) => m.id)).toEqual([api.id])
      expect(yield* Machines.get({ machineId: worker.id })).toMatchObject({ name: "worker", defaultTokenTtl: 60 })
      expect((yield* Machines.list({ query: "work" })).data.map((m) => m.id)).toEqual([worker.id])
      expect((yield* Machines.update({ machineId: api.id, name: "public api" })).name).toBe("public api")

      const unknown = yield* Effect.flip(Machines.create({ name: "x", scopedMachines: ["mch_000000000000000000000000000"] }))
      expect(unknown).toMatchObject({ status: 422 })

      expect((yield* Machines.getSecretKey({ machineId: worker.id })).secret).toBe(worker.secretKey)
      const rotated = yield* Machines.rotateSecretKey({ machineId: worker.id, previousTokenTtl: 60 })
      expect(rotated.secret).not.toBe(worker.secretKey)

      const third = yield* Machines.create({ name: "third" })
      expect(yield* Machines.createScope({ machineId: third.id, toMachineId: api.id })).toMatchObject({
        fromMachineId: third.id,
        toMachineId: api.id
      })
      expect((yield* Effect.flip(Machines.createScope({ machineId: third.id, toMachineId: api.id })))).toMatchObject({
        status: 422
      })
      yield* Machines.deleteScope({ machineId: third.id, otherMachineId: api.id })
      expect((yield* Machines.get({ machineId: third.id })).scopedMachines).toEqual([])

      // Deleting a machine takes it out of the others' scopes.
      expect(yield* Machines.delete({ machineId: api.id })).toMatchObject({ id: api.id, deleted: true })
      expect((yield* Machines.get({ machineId: worker.id })).scopedMachines).toEqual([])
    })))
})

describe("M2M tokens", () => {
  it.effect("a machine makes tokens with its own key; they are listed, verified, revoked; expiry is by the clock", () =>
    run(Effect.gen(function*() {
      const api = yield* Machines.create({ name: "api" })
      const worker = yield* Machines.create({ name: "worker", scopedMachines: [api.id] })
      const token = yield* M2M.createToken({ secondsUntilExpiration: 60, claims: { job: "sync" } }).pipe(
        asMachine(worker.secretKey)
      )
      expect(token).toMatchObject({ subject: worker.id, scopes: [api.id], claims: { job: "sync" }, revoked: false })
      expect(token.token).toMatch(/^mt_/)

      // With the instance's secret key there is no machine to make it for.
      expect(yield* Effect.flip(M2M.createToken({}))).toMatchObject({ status: 400 })
      // An unknown machine key is a 401.
      expect(yield* Effect.flip(M2M.createToken({}).pipe(asMachine("ak_unknown")))).toMatchObject({ status: 401 })

      // The machine it grants access to verifies it; the instance can too.
      const verified = yield* M2M.verifyToken({ token: token.token }).pipe(asMachine(api.secretKey))
      expect(verified).toMatchObject({ id: token.id, subject: worker.id, expired: false })
      expect(yield* Effect.flip(M2M.verifyToken({ token: token.token }).pipe(asMachine(worker.secretKey)))).toMatchObject({
        status: 404
      })

      // Reuse: an equivalent token with enough time left comes back instead of a new one.
      const reused = yield* M2M.createToken({ secondsUntilExpiration: 60, claims: { job: "sync" }, minRemainingTtlSeconds: 30 })
        .pipe(asMachine(worker.secretKey))
      expect(reused.id).toBe(token.id)

      yield* TestClock.adjust("61 seconds")
      expect((yield* M2M.verifyToken({ token: token.token })).expired).toBe(true)
      const listed = yield* M2M.listTokens({ subject: worker.id, expired: true })
      expect(listed.totalCount).toBe(1)
      expect(yield* Effect.flip(M2M.listTokens({ subject: api.id }).pipe(asMachine(worker.secretKey)))).toMatchObject({
        status: 403
      })

      const revoked = yield* M2M.revokeToken({ m2mTokenId: token.id, revocationReason: "rotated" })
      expect(revoked).toMatchObject({ revoked: true, revocationReason: "rotated" })
      expect((yield* M2M.listTokens({ subject: worker.id, revoked: false })).totalCount).toBe(0)
    })))

  it.effect("a JWT M2M token is signed with the instance key, verifies against the JWKS, and is not listed", () =>
    run(Effect.gen(function*() {
      const api = yield* Machines.create({ name: "api" })
      const worker = yield* Machines.create({ name: "worker", scopedMachines: [api.id] })
      const token = yield* M2M.createToken({ tokenFormat: "jwt", claims: { job: "sync" } }).pipe(asMachine(worker.secretKey))
      const clerk = yield* OfflineClerk
      const jwks = createLocalJWKSet({ keys: [...(yield* clerk.jwks).keys] })
      const { payload } = yield* Effect.promise(() => jwtVerify(token.token, jwks, { currentDate: new Date(0) }))
      expect(payload).toMatchObject({ sub: worker.id, jti: token.id, scopes: api.id, job: "sync", iss: clerk.issuer })
      expect((yield* M2M.listTokens({ subject: worker.id })).totalCount).toBe(0)
      expect((yield* M2M.verifyToken({ token: token.token })).id).toBe(token.id)
    })))
})

describe("API keys", () => {
  it.effect("create for a user or organization, list, update, read the secret, verify, revoke, delete", () =>
    run(Effect.gen(function*() {
      const user = yield* Users.create({ emailAddress: ["ada@example.com"] })
      const org = yield* Organizations.create({ name: "Acme" })
      const key = yield* ApiKeys.create({ name: "ci key", subject: user.id, scopes: ["read"], createdBy: user.id })
      expect(key).toMatchObject({ name: "ci key", subject: user.id, scopes: ["read"], revoked: false, createdBy: user.id })
      expect(key.id).toMatch(/^ak_[0-9a-f]{32}$/)
      expect(key.secret).toMatch(/^ak_/)
      yield* ApiKeys.create({ name: "org key", subject: org.id, secondsUntilExpiration: 10 })

      expect((yield* ApiKeys.list({ subject: user.id })).data.map((k) => k.id)).toEqual([key.id])
      expect((yield* ApiKeys.getSecret({ apiKeyID: key.id })).secret).toBe(key.secret)
      expect(yield* ApiKeys.verify({ secret: key.secret })).toMatchObject({ id: key.id, subject: user.id })
      expect(yield* Effect.flip(ApiKeys.verify({ secret: "ak_wrong" }))).toMatchObject({ status: 404 })

      const updated = yield* ApiKeys.update({ apiKeyID: key.id, description: "for CI", scopes: ["read", "write"] })
      expect(updated).toMatchObject({ description: "for CI", scopes: ["read", "write"] })

      // Expired and revoked keys are left out unless asked for.
      yield* TestClock.adjust("11 seconds")
      expect((yield* ApiKeys.list({ subject: org.id })).totalCount).toBe(0)
      expect((yield* ApiKeys.list({ subject: org.id, includeInvalid: "true" })).data[0]?.expired).toBe(true)
      yield* ApiKeys.revoke({ apiKeyID: key.id, revocationReason: "leaked" })
      expect((yield* ApiKeys.list({ subject: user.id })).totalCount).toBe(0)
      expect(yield* ApiKeys.get({ apiKeyID: key.id })).toMatchObject({ revoked: true, revocationReason: "leaked" })

      expect(yield* ApiKeys.delete({ apiKeyID: key.id })).toMatchObject({ id: key.id, deleted: true })
      expect(yield* Effect.flip(ApiKeys.get({ apiKeyID: key.id }))).toMatchObject({ status: 404 })
      const badSubject = yield* Effect.flip(ApiKeys.create({ name: "bad subject", subject: "user_000000000000000000000000000" }))
      expect(badSubject).toMatchObject({ status: 422 })
    })))
})
