/**
 * A user's credentials and linked accounts: password (verify, remove, compromised), second factors,
 * web3 wallets, external accounts, passkeys and trusted devices.
 *
 * The offline Clerk never creates passkeys, trusted devices or OAuth tokens (they need a browser), so those
 * answer as Clerk does for a user who has none.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Errors from "../internal/errors.js"
import { TEST_CODE } from "../internal/identifications.js"
import * as Input from "../internal/input.js"
import type * as Model from "../internal/model.js"
import type { Routes } from "../internal/router.js"
import * as Serialize from "../internal/serialize.js"
import type { Tx } from "../internal/tx.js"
import * as Users from "../internal/users.js"

const nullable = Input.nullable

const VerifyBody = Schema.Struct({ password: Schema.String })
const TotpBody = Schema.Struct({ code: Schema.String })
const RemovePasswordBody = Schema.Struct({ sign_out_of_other_sessions: Schema.optional(Schema.Boolean) })
const CompromisedBody = Schema.Struct({ revoke_all_sessions: nullable(Schema.Boolean) })

const userId = (request: Input.RouteRequest) => request.params["user_id"] ?? ""

const sha256Hex = (text: string) =>
  Effect.promise(() => crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))).pipe(
    Effect.map((digest) => Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join(""))
  )

const matches = (password: Model.Password, attempt: string): Effect.Effect<boolean, Errors.ApiFailure> => {
  if (password._tag === "Plain") return Effect.succeed(password.value === attempt)
  if (password.hasher === "sha256") return Effect.map(sha256Hex(attempt), (hex) => hex === password.digest.toLowerCase())
  return Effect.fail(
    new Errors.ApiFailure({
      status: 500,
      errors: [{
        code: "unsupported_password_hasher",
        message: "unsupported password hasher",
        long_message: `The offline Clerk cannot verify ${password.hasher} digests; seed the user with a password or a sha256 digest.`
      }]
    })
  )
}

/** Second-factor changes answer `{ user_id }`. */
const secondFactor = (f: (row: Model.UserRow, tx: Tx) => Model.UserRow) => (request: Input.RouteRequest, tx: Tx) =>
  Effect.map(Users.find(tx, userId(request)), (row) => {
    const updated = f(row, tx)
    const mfaOff = !updated.totpEnabled && !updated.backupCodeEnabled && (row.totpEnabled || row.backupCodeEnabled)
    tx.put("users", { ...updated, mfaDisabledAt: mfaOff ? tx.now : row.mfaDisabledAt, updatedAt: tx.now })
    return Input.ok({ user_id: row.id })
  })

const user = (tx: Tx, row: Model.UserRow) => Input.ok(Serialize.user(tx.world, row, tx.now))

/**
 * @since 0.1.0
 * @category routes
 */
export const routes: Routes = {
  // No authenticator app answers here: the code is always the test code, as for email and SMS codes.
  VerifyTOTP: (request, tx) =>
    Effect.gen(function*() {
      const body = yield* Input.body(TotpBody, request)
      const row = yield* Users.find(tx, userId(request))
      if (!row.totpEnabled && !row.backupCodeEnabled) {
        return yield* Errors.unprocessable("totp_not_enabled", "The user has no authenticator app or backup codes.")
      }
      return Input.ok({ verified: body.code === TEST_CODE, code_type: row.totpEnabled ? "totp" : "backup_code" })
    }),
  VerifyPassword: (request, tx) =>
    Effect.gen(function*() {
      const body = yield* Input.body(VerifyBody, request)
      const row = yield* Users.find(tx, userId(request))
      if (row.password === null) {
        return yield* Errors.badRequest("no_password_set", "This user does not have a password.", "password")
      }
      if (!(yield* matches(row.password, body.password))) {
        return yield* Errors.unprocessable("form_password_incorrect", "Password is incorrect.", "password")
      }
      return Input.ok({ verified: true })
    }),
  RemoveUserPassword: (request, tx) =>
    Effect.gen(function*() {
      const body = yield* Input.body(RemovePasswordBody, request)
      const row = yield* Users.find(tx, userId(request))
      if (body.sign_out_of_other_sessions === true) Users.revokeSessions(tx, row.id)
      return user(tx, tx.put("users", { ...row, password: null, passwordLastUpdatedAt: tx.now, updatedAt: tx.now }))
    }),
  SetUserPasswordCompromised: (request, tx) =>
    Effect.gen(function*() {
      const body = yield* Input.body(CompromisedBody, request)
      const row = yield* Users.find(tx, userId(request))
      if (row.password === null) {
        return yield* Errors.badRequest("no_password_set", "This user does not have a password.")
      }
      if (body.revoke_all_sessions === true) Users.revokeSessions(tx, row.id)
      return user(tx, tx.put("users", { ...row, passwordCompromised: true, updatedAt: tx.now }))
    }),
  UnsetUserPasswordCompromised: (request, tx) =>
    Effect.gen(function*() {
      yield* Input.noBody(request)
      const row = yield* Users.find(tx, userId(request))
      return user(tx, tx.put("users", { ...row, passwordCompromised: false, updatedAt: tx.now }))
    }),
  DisableMFA: secondFactor((row, tx) => {
    for (const id of row.phoneNumberIds) {
      const phone = tx.get("identifications", id)
      if (phone?.reservedForSecondFactor === true) {
        tx.put("identifications", { ...phone, reservedForSecondFactor: false, defaultSecondFactor: false })
      }
    }
    return { ...row, totpEnabled: false, backupCodeEnabled: false }
  }),
  DeleteBackupCode: secondFactor((row) => ({ ...row, backupCodeEnabled: false })),
  DeleteTOTP: secondFactor((row) => ({ ...row, totpEnabled: false })),
  UserWeb3WalletDelete: (request, tx) =>
    Effect.gen(function*() {
      const row = yield* Users.find(tx, userId(request))
      const id = request.params["web3_wallet_identification_id"] ?? ""
      if (!row.web3WalletIds.includes(id)) return yield* Errors.notFound("Web3 wallet")
      const rest = row.web3WalletIds.filter((w) => w !== id)
      tx.remove("identifications", id)
      tx.put("users", {
        ...row,
        web3WalletIds: rest,
        primaryWeb3WalletId: row.primaryWeb3WalletId === id ? rest[0] ?? null : row.primaryWeb3WalletId,
        updatedAt: tx.now
      })
      return Input.ok(Serialize.deleted("web3_wallet", id))
    }),
  DeleteExternalAccount: (request, tx) =>
    Effect.gen(function*() {
      const row = yield* Users.find(tx, userId(request))
      const id = request.params["external_account_id"] ?? ""
      if (!row.externalAccounts.some((account) => account.id === id)) return yield* Errors.notFound("External account")
      tx.put("users", {
        ...row,
        externalAccounts: row.externalAccounts.filter((account) => account.id !== id),
        updatedAt: tx.now
      })
      return Input.ok(Serialize.deleted("external_account", id))
    }),
  UserPasskeyDelete: (request, tx) =>
    Effect.flatMap(Users.find(tx, userId(request)), () => Effect.fail(Errors.notFound("Passkey"))),
  ListUserTrustedDevices: (request, tx) =>
    Effect.map(Users.find(tx, userId(request)), () => Input.ok({ data: [], total_count: 0 })),
  RevokeUserTrustedDevice: (request, tx) =>
    Effect.flatMap(Users.find(tx, userId(request)), () => Effect.fail(Errors.notFound("Trusted device"))),
  GetOAuthAccessToken: (request, tx) =>
    Effect.gen(function*() {
      yield* Users.find(tx, userId(request))
      yield* Input.bool(request, "paginated")
      return Input.ok([])
    })
}
