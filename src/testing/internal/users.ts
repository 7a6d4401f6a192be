/**
 * What a user is allowed to be: the rules Clerk applies when a user is created or changed (unique
 * identifiers, username and password rules), shared by the routes and by `OfflineClerk.seedUser`.
 */
import * as Effect from "effect/Effect"
import * as Errors from "./errors.js"
import * as Identifiers from "./identifiers.js"
import * as Model from "./model.js"
import type { Tx } from "./tx.js"

const USERNAME = /^[a-zA-Z0-9_-]+$/
const MIN_PASSWORD = 8
const MAX_PASSWORD_BYTES = 72

export const find = (tx: Tx, id: string): Effect.Effect<Model.UserRow, Errors.ApiFailure> => {
  const user = tx.get("users", id)
  return user === undefined ? Effect.fail(Errors.notFound("User")) : Effect.succeed(user)
}

export const checkUsername = (tx: Tx, username: string, self?: string): Effect.Effect<string, Errors.ApiFailure> => {
  if (username.length < 4 || username.length > 64) {
    return Effect.fail(Errors.unprocessable(
      "form_username_invalid_length",
      "Username must be between 4 and 64 characters long.",
      "username"
    ))
  }
  if (!USERNAME.test(username)) {
    return Effect.fail(Errors.unprocessable(
      "form_username_invalid_character",
      "Username can only contain letters, numbers, '_' and '-'.",
      "username"
    ))
  }
  const taken = tx.lookup("users", Model.usernameKey(username)).some((u) => u.id !== self)
  return taken ? Effect.fail(Errors.identifierExists("username")) : Effect.succeed(username)
}

export const checkExternalId = (tx: Tx, externalId: string, self?: string): Effect.Effect<string, Errors.ApiFailure> =>
  tx.lookup("users", Model.externalIdKey(externalId)).some((u) => u.id !== self)
    ? Effect.fail(Errors.identifierExists("external_id"))
    : Effect.succeed(externalId)

export const checkPassword = (password: string, skipChecks: boolean): Effect.Effect<string, Errors.ApiFailure> => {
  if (skipChecks) return Effect.succeed(password)
  if (password.length < MIN_PASSWORD) {
    return Effect.fail(Errors.unprocessable(
      "form_password_length_too_short",
      `Passwords must be ${MIN_PASSWORD} characters or more.`,
      "password"
    ))
  }
  if (new TextEncoder().encode(password).length > MAX_PASSWORD_BYTES) {
    return Effect.fail(Errors.unprocessable(
      "form_password_size_in_bytes_exceeded",
      `Passwords must be at most ${MAX_PASSWORD_BYTES} bytes.`,
      "password"
    ))
  }
  return Effect.succeed(password)
}

/** An RFC 3339 timestamp of a request body, as unix milliseconds. */
export const timestamp = (value: string, param: string): Effect.Effect<number, Errors.ApiFailure> => {
  const millis = Date.parse(value)
  return Number.isNaN(millis)
    ? Effect.fail(Errors.formatInvalid(param, "an RFC 3339 timestamp"))
    : Effect.succeed(millis)
}

export interface NewIdentifier {
  readonly value: string
  readonly verified?: boolean | undefined
  readonly reserved?: boolean | undefined
}

export interface NewUser {
  /** Only for seeding: Clerk makes the id. */
  readonly id?: string | undefined
  readonly externalId?: string | null | undefined
  readonly firstName?: string | null | undefined
  readonly lastName?: string | null | undefined
  readonly locale?: string | null | undefined
  readonly emailAddresses?: ReadonlyArray<NewIdentifier> | undefined
  readonly phoneNumbers?: ReadonlyArray<NewIdentifier> | undefined
  readonly web3Wallets?: ReadonlyArray<string> | undefined
  readonly username?: string | null | undefined
  readonly password?: Model.Password | null | undefined
  readonly skipPasswordChecks?: boolean | undefined
  readonly skipUserRequirement?: boolean | undefined
  readonly skipRestrictionChecks?: boolean | undefined
  readonly totp?: boolean | undefined
  readonly backupCodes?: boolean | undefined
  readonly publicMetadata?: Model.Metadata | undefined
  readonly privateMetadata?: Model.Metadata | undefined
  readonly unsafeMetadata?: Model.Metadata | undefined
  readonly deleteSelfEnabled?: boolean | undefined
  readonly createOrganizationEnabled?: boolean | undefined
  readonly createOrganizationsLimit?: number | null | undefined
  readonly bypassClientTrust?: boolean | undefined
  readonly legalAcceptedAt?: number | null | undefined
  readonly banned?: boolean | undefined
  readonly locked?: boolean | undefined
  readonly createdAt?: number | undefined
  readonly lastActiveAt?: number | null | undefined
  readonly lastSignInAt?: number | null | undefined
  readonly externalAccounts?: ReadonlyArray<Omit<Model.ExternalAccountRow, "id">> | undefined
}

/** Creates a user as `POST /users` does: every identifier checked, the first of each kind primary. */
export const create = (tx: Tx, input: NewUser): Effect.Effect<Model.UserRow, Errors.ApiFailure> =>
  Effect.gen(function*() {
    const emails = input.emailAddresses ?? []
    const phones = input.phoneNumbers ?? []
    const wallets = input.web3Wallets ?? []
    const hasIdentifier = emails.length + phones.length + wallets.length > 0 ||
      (input.username ?? null) !== null || (input.externalId ?? null) !== null
    // Clerk's default instance requires an identifier; `skip_user_requirement` lifts that.
    if (!hasIdentifier && input.skipUserRequirement !== true) return yield* Errors.paramMissing("email_address")
    if (input.id !== undefined && tx.get("users", input.id) !== undefined) {
      return yield* Errors.identifierExists("id")
    }
    const id = input.id ?? tx.id("user")
    const username = input.username === undefined || input.username === null
      ? null
      : yield* checkUsername(tx, input.username)
    const externalId = input.externalId === undefined || input.externalId === null
      ? null
      : yield* checkExternalId(tx, input.externalId)
    const password = input.password ?? null
    if (password?._tag === "Plain") yield* checkPassword(password.value, input.skipPasswordChecks === true)

    const add = (type: Model.IdentificationType, param: string) => (identifier: NewIdentifier) =>
      Identifiers.add(tx, id, {
        type,
        value: identifier.value,
        verified: identifier.verified ?? identifier.reserved !== true,
        reserved: identifier.reserved,
        skipRestrictionChecks: input.skipRestrictionChecks
      }, param)
    const emailRows = yield* Effect.forEach(emails, add("email_address", "email_address"))
    const phoneRows = yield* Effect.forEach(phones, add("phone_number", "phone_number"))
    const walletRows = yield* Effect.forEach(wallets.map((value) => ({ value })), add("web3_wallet", "web3_wallet"))

    const seq = tx.seq()
    const createdAt = input.createdAt ?? tx.now
    const user: Model.UserRow = {
      id,
      seq,
      externalId,
      username,
      firstName: input.firstName ?? null,
      lastName: input.lastName ?? null,
      locale: input.locale ?? null,
      emailAddressIds: emailRows.map((r) => r.id),
      phoneNumberIds: phoneRows.map((r) => r.id),
      web3WalletIds: walletRows.map((r) => r.id),
      primaryEmailAddressId: emailRows[0]?.id ?? null,
      primaryPhoneNumberId: phoneRows[0]?.id ?? null,
      primaryWeb3WalletId: walletRows[0]?.id ?? null,
      externalAccounts: (input.externalAccounts ?? []).map((account) => ({ ...account, id: tx.id("eac") })),
      password,
      passwordLastUpdatedAt: password === null ? null : tx.now,
      passwordCompromised: false,
      totpEnabled: input.totp === true,
      backupCodeEnabled: input.backupCodes === true,
      mfaEnabledAt: input.totp === true || input.backupCodes === true ? tx.now : null,
      mfaDisabledAt: null,
      imageId: null,
      publicMetadata: input.publicMetadata ?? {},
      privateMetadata: input.privateMetadata ?? {},
      unsafeMetadata: input.unsafeMetadata ?? {},
      banned: input.banned === true,
      lockedAt: input.locked === true ? tx.now : null,
      deleteSelfEnabled: input.deleteSelfEnabled ?? true,
      createOrganizationEnabled: input.createOrganizationEnabled ?? true,
      createOrganizationsLimit: input.createOrganizationsLimit ?? null,
      bypassClientTrust: input.bypassClientTrust ?? false,
      legalAcceptedAt: input.legalAcceptedAt ?? null,
      lastSignInAt: input.lastSignInAt ?? null,
      lastActiveAt: input.lastActiveAt ?? null,
      createdAt,
      updatedAt: createdAt
    }
    return tx.put("users", user)
  })

/** Removes a user and everything that hangs off it: identifications, memberships, sessions, verifications. */
export const remove = (tx: Tx, user: Model.UserRow): void => {
  for (const id of [...user.emailAddressIds, ...user.phoneNumberIds, ...user.web3WalletIds]) {
    tx.remove("identifications", id)
  }
  for (const membership of tx.rows("memberships")) {
    if (membership.userId === user.id) tx.remove("memberships", membership.id)
  }
  for (const session of tx.rows("sessions")) {
    if (session.userId === user.id) tx.remove("sessions", session.id)
  }
  const identificationIds = new Set([...user.emailAddressIds, ...user.phoneNumberIds])
  for (const verification of tx.rows("verifications")) {
    if (identificationIds.has(verification.identificationId)) tx.remove("verifications", verification.id)
  }
  tx.remove("users", user.id)
}

/** Ends every active session of a user (ban, password compromised, sign out of other sessions). */
export const revokeSessions = (tx: Tx, userId: string): void => {
  for (const session of tx.rows("sessions")) {
    if (session.userId === userId && session.status === "active") {
      tx.put("sessions", { ...session, status: "revoked", updatedAt: tx.now })
    }
  }
}
