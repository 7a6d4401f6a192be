/**
 * The instance's own operations: settings groups, domains, the Svix app, testing tokens; and the client list
 * and TOTP verification.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { BetaFeatures } from "../../services/BetaFeatures.js"
import { Clients } from "../../services/Clients.js"
import { Domains } from "../../services/Domains.js"
import { InstanceSettings } from "../../services/InstanceSettings.js"
import { OrganizationRoles } from "../../services/OrganizationRoles.js"
import { Sessions } from "../../services/Sessions.js"
import { SvixApps } from "../../services/SvixApps.js"
import { TestingTokens } from "../../services/TestingTokens.js"
import { Users } from "../../services/Users.js"
import { fresh } from "./layer.js"

const run = fresh()

describe("instance settings", () => {
  it.effect("each group answers its defaults, keeps what is patched, and leaves out what is null", () =>
    run(Effect.gen(function*() {
      expect(yield* InstanceSettings.getProtect()).toMatchObject({ rulesEnabled: false, specterEnabled: false })
      expect(yield* InstanceSettings.updateProtect({ rulesEnabled: true })).toMatchObject({
        rulesEnabled: true,
        specterEnabled: false
      })
      expect((yield* InstanceSettings.getProtect()).rulesEnabled).toBe(true)

      yield* InstanceSettings.updateCommunication({ blockedCountryCodes: ["RU", "KP"] })
      expect((yield* InstanceSettings.getCommunication()).blockedCountryCodes).toEqual(["RU", "KP"])

      yield* InstanceSettings.updateOAuthApplicationSettings({ dynamicOauthClientRegistration: true, defaultScopes: ["email"] })
      expect(yield* InstanceSettings.getOAuthApplicationSettings()).toMatchObject({
        dynamicOauthClientRegistration: true,
        defaultScopes: ["email"],
        oauthJwtAccessTokens: false
      })

      const roles = yield* OrganizationRoles.list({})
      const member = roles.data.find((r) => r.key === "org:member")!
      const organizations = yield* InstanceSettings.updateOrganizationSettings({
        maxAllowedMemberships: 20,
        creatorRoleId: member.id
      })
      expect(organizations).toMatchObject({ maxAllowedMemberships: 20, creatorRole: "org:member", enabled: true })
      expect(yield* Effect.flip(InstanceSettings.updateOrganizationSettings({ creatorRoleId: "role_nope" }))).toMatchObject({
        status: 422
      })

      expect(yield* BetaFeatures.updateInstanceSettings({ progressiveSignUp: false })).toMatchObject({
        progressiveSignUp: false,
        id: "ins_offline"
      })
    })))
})

describe("domains", () => {
  it.effect("the primary domain, and satellites added, renamed and removed", () =>
    run(Effect.gen(function*() {
      const [primary] = (yield* Domains.list()).data
      expect(primary).toMatchObject({ name: "offline.clerk.accounts.dev", isSatellite: false })
      const satellite = yield* Domains.add({ name: "Satellite.example.com", isSatellite: true })
      expect(satellite).toMatchObject({ name: "satellite.example.com", isSatellite: true })
      expect(yield* Effect.flip(Domains.add({ name: "satellite.example.com", isSatellite: true }))).toMatchObject({
        status: 422
      })
      expect((yield* Domains.update({ domainId: satellite.id, name: "sat.example.com" })).name).toBe("sat.example.com")
      expect((yield* Domains.list()).totalCount).toBe(2)
      yield* Domains.delete({ domainId: satellite.id })
      expect((yield* Domains.list()).totalCount).toBe(1)
    })))
})

describe("Svix app and testing tokens", () => {
  it.effect("a Svix app is made, gives a portal URL, and is removed", () =>
    run(Effect.gen(function*() {
      expect(yield* Effect.flip(SvixApps.generateSvixAuthURL())).toMatchObject({ status: 404 })
      expect((yield* SvixApps.createSvixApp()).svixUrl).toMatch(/^https:\/\//)
      expect((yield* SvixApps.generateSvixAuthURL()).svixUrl).toMatch(/ins_offline/)
      yield* SvixApps.deleteSvixApp()
      expect(yield* Effect.flip(SvixApps.deleteSvixApp())).toMatchObject({ status: 404 })
    })))

  it.effect("a testing token lasts an hour", () =>
    run(Effect.gen(function*() {
      const token = yield* TestingTokens.create()
      expect(token).toMatchObject({ object: "testing_token", expiresAt: 3_600_000 })
      expect(token.token.length).toBeGreaterThan(20)
    })))
})

describe("clients and TOTP", () => {
  it.effect("every client that holds a session is listed, newest first", () =>
    run(Effect.gen(function*() {
      const user = yield* Users.create({ emailAddress: ["ada@example.com"] })
      const first = yield* Sessions.create({ userId: user.id })
      const second = yield* Sessions.create({ userId: user.id })
      const clients = yield* Clients.list({})
      expect(clients.map((c) => c.id)).toEqual([second.clientId, first.clientId])
      expect(clients[0]?.sessionIds).toEqual([second.id])
    })))

  it.effect("the TOTP code is the test code; without TOTP there is nothing to verify", () =>
    run(Effect.gen(function*() {
      const plain = yield* Users.create({ emailAddress: ["ada@example.com"] })
      expect(yield* Effect.flip(Users.verifyTotp({ userId: plain.id, code: "424242" }))).toMatchObject({ status: 422 })
      const secure = yield* Users.create({ emailAddress: ["bob@example.com"], totpSecret: "AICJ3HCXKO4KOU6NDHXCU6BAQ4RNPSDH" })
      expect(yield* Users.verifyTotp({ userId: secure.id, code: "424242" })).toEqual({ verified: true, codeType: "totp" })
      expect((yield* Users.verifyTotp({ userId: secure.id, code: "000000" })).verified).toBe(false)
    })))
})
