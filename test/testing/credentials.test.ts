import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { PhoneNumbers } from "../../services/PhoneNumbers.js"
import { Sessions } from "../../services/Sessions.js"
import { Users } from "../../services/Users.js"
import { OfflineClerk } from "../../src/testing/index.js"
import { fresh } from "./layer.js"

const run = fresh()

describe("user credentials and linked accounts", () => {
  it.effect("second factors: TOTP and backup codes, disabled one by one or all at once", () =>
    run(Effect.gen(function*() {
      const user = yield* Users.create({
        emailAddress: ["mfa@example.com"],
        totpSecret: "JBSWY3DPEHPK3PXP",
        backupCodes: ["one", "two"]
      })
      expect(user).toMatchObject({ totpEnabled: true, backupCodeEnabled: true, twoFactorEnabled: true })
      expect(yield* Users.deleteTOTP({ userId: user.id })).toEqual({ userId: user.id })
      expect(yield* Users.get({ userId: user.id })).toMatchObject({ totpEnabled: false, backupCodeEnabled: true })
      expect(yield* Users.deleteBackupCodes({ userId: user.id })).toEqual({ userId: user.id })
      const phone = yield* PhoneNumbers.create({ userId: user.id, phoneNumber: "+15555550777", verified: true, reservedForSecondFactor: true })
      expect((yield* Users.get({ userId: user.id })).twoFactorEnabled).toBe(true)
      yield* Users.disableMfa({ userId: user.id })
      const after = yield* Users.get({ userId: user.id })
      expect(after).toMatchObject({ twoFactorEnabled: false, totpEnabled: false, backupCodeEnabled: false })
      expect((yield* PhoneNumbers.get({ phoneNumberId: phone.id ?? "" })).reservedForSecondFactor).toBe(false)
      expect((yield* Effect.flip(Users.disableMfa({ userId: "user_x" })))._tag).toBe("ClerkNotFound")
    })))

  it.effect("a compromised password can revoke every session", () =>
    run(Effect.gen(function*() {
      const user = yield* Users.create({ emailAddress: ["pw@example.com"], password: "a-long-password" })
      const session = yield* Sessions.create({ userId: user.id })
      yield* Users.setPasswordCompromised({ userId: user.id, revokeAllSessions: true })
      expect((yield* Sessions.get({ sessionId: session.id })).status).toBe("revoked")
      yield* Users.unsetPasswordCompromised({ userId: user.id })
      const digest = yield* Users.create({
        emailAddress: ["digest@example.com"],
        // sha256("secret-password")
        passwordDigest: "d5adca02c9a46dae33101e9727798d0dd091e155cdfb83a851f9706a7d00eb7d",
        passwordHasher: "sha256"
      })
      expect(digest.passwordEnabled).toBe(true)
      expect(yield* Users.verifyPassword({ userId: digest.id, password: "secret-password" })).toEqual({ verified: true })
      expect((yield* Effect.flip(Users.verifyPassword({ userId: digest.id, password: "other" })))._tag).toBe("ClerkUnprocessableEntity")
    })))

  it.effect("web3 wallets and external accounts can be removed; passkeys and trusted devices answer as for a user with none", () =>
    run(Effect.gen(function*() {
      const clerk = yield* OfflineClerk
      const seeded = yield* clerk.seedUser({
        emailAddress: "linked@example.com",
        web3Wallet: "0x3333333333333333333333333333333333333333",
        externalAccounts: [{ provider: "oauth_github", providerUserId: "gh-1" }]
      })
      const user = yield* Users.get({ userId: seeded.id })
      const wallet = user.web3Wallets[0]?.id ?? ""
      const account = user.externalAccounts[0]?.id ?? ""
      expect(yield* Users.deleteWeb3Wallet({ userId: user.id, web3WalletIdentificationId: wallet })).toMatchObject({ deleted: true })
      expect(yield* Users.deleteExternalAccount({ userId: user.id, externalAccountId: account })).toMatchObject({ deleted: true })
      const after = yield* Users.get({ userId: user.id })
      expect(after).toMatchObject({ web3Wallets: [], externalAccounts: [], primaryWeb3WalletId: null })
      expect((yield* Effect.flip(Users.deletePasskey({ userId: user.id, passkeyIdentificationId: "idn_x" })))._tag).toBe("ClerkNotFound")
      expect(yield* Users.listTrustedDevices({ userId: user.id })).toEqual({ data: [], totalCount: 0 })
      expect((yield* Effect.flip(Users.revokeTrustedDevice({ userId: user.id, trustedDeviceId: "td_x" })))._tag).toBe("ClerkNotFound")
      expect(yield* Users.getOAuthAccessToken({ userId: user.id, provider: "oauth_github" })).toEqual([])
    })))
})
