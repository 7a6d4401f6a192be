/**
 * A user's email addresses and phone numbers after creation: linking one to its user, the primary flag,
 * verification by admin or by one-time code, and removal. Shared by the email-address and phone-number
 * routes, which differ only in names.
 */
import * as Effect from "effect/Effect"
import * as Errors from "./errors.js"
import * as Identifiers from "./identifiers.js"
import * as Messages from "./messages.js"
import type * as Model from "./model.js"
import type { Tx } from "./tx.js"
import * as Users from "./users.js"

/**
 * The one-time code the offline Clerk "sends": Clerk's own test code, which a test can type without reading
 * any inbox.
 */
export const TEST_CODE = "424242"
const CODE_LIFETIME_MILLIS = 10 * 60 * 1000
const MAX_ATTEMPTS = 3

type Kind = "email_address" | "phone_number"

const idsKey = { email_address: "emailAddressIds", phone_number: "phoneNumberIds" } as const
const primaryKey = { email_address: "primaryEmailAddressId", phone_number: "primaryPhoneNumberId" } as const
const label = { email_address: "Email address", phone_number: "Phone number" } as const

export const find = (tx: Tx, kind: Kind, id: string): Effect.Effect<Model.IdentificationRow, Errors.ApiFailure> => {
  const row = tx.get("identifications", id)
  return row === undefined || row.type !== kind ? Effect.fail(Errors.notFound(label[kind])) : Effect.succeed(row)
}

/** Links a new identification to its user; it becomes primary when asked, or when it is the user's first. */
export const attach = (tx: Tx, user: Model.UserRow, row: Model.IdentificationRow, primary: boolean): Model.UserRow => {
  const kind = row.type === "phone_number" ? "phone_number" : "email_address"
  return tx.put("users", {
    ...user,
    [idsKey[kind]]: [...user[idsKey[kind]], row.id],
    [primaryKey[kind]]: primary || user[primaryKey[kind]] === null ? row.id : user[primaryKey[kind]],
    updatedAt: tx.now
  })
}

/** Creates and links an identification, with every check Clerk makes. */
export const create = (
  tx: Tx,
  kind: Kind,
  input: {
    readonly userId: string
    readonly value: string
    readonly verified: boolean
    readonly primary: boolean
    readonly reservedForSecondFactor?: boolean | undefined
  }
): Effect.Effect<Model.IdentificationRow, Errors.ApiFailure> =>
  Effect.gen(function*() {
    const user = yield* Users.find(tx, input.userId)
    if (input.reservedForSecondFactor === true && !input.verified) {
      return yield* Errors.valueInvalid(
        "reserved_for_second_factor",
        "A phone number reserved for second factor must also be verified."
      )
    }
    const row = yield* Identifiers.add(tx, user.id, {
      type: kind,
      value: input.value,
      verified: input.verified,
      reservedForSecondFactor: input.reservedForSecondFactor
    })
    attach(tx, user, row, input.primary)
    return row
  })

/** Unlinks and removes an identification; a removed primary hands the flag to the user's next one. */
export const remove = (tx: Tx, row: Model.IdentificationRow): Effect.Effect<void, Errors.ApiFailure> =>
  Effect.gen(function*() {
    const kind = row.type === "phone_number" ? "phone_number" : "email_address"
    const user = yield* Users.find(tx, row.userId)
    const ids = user[idsKey[kind]].filter((id) => id !== row.id)
    tx.put("users", {
      ...user,
      [idsKey[kind]]: ids,
      [primaryKey[kind]]: user[primaryKey[kind]] === row.id ? ids[0] ?? null : user[primaryKey[kind]],
      updatedAt: tx.now
    })
    for (const verification of tx.rows("verifications")) {
      if (verification.identificationId === row.id) tx.remove("verifications", verification.id)
    }
    tx.remove("identifications", row.id)
  })

/** `PATCH`: the verified and primary flags, and (phones) the second-factor reservation. */
export const update = (
  tx: Tx,
  row: Model.IdentificationRow,
  input: {
    readonly verified?: boolean | null | undefined
    readonly primary?: boolean | null | undefined
    readonly reservedForSecondFactor?: boolean | null | undefined
  }
): Effect.Effect<Model.IdentificationRow, Errors.ApiFailure> =>
  Effect.gen(function*() {
    const verification = input.verified === undefined || input.verified === null
      ? row.verification
      : input.verified
      ? row.verification?.status === "verified" ? row.verification : Identifiers.adminVerified
      : null
    const reserved = input.reservedForSecondFactor ?? row.reservedForSecondFactor
    if (reserved && verification?.status !== "verified") {
      return yield* Errors.valueInvalid(
        "reserved_for_second_factor",
        "A phone number reserved for second factor must also be verified."
      )
    }
    const updated = tx.put("identifications", {
      ...row,
      verification,
      reservedForSecondFactor: reserved,
      defaultSecondFactor: reserved && (row.defaultSecondFactor || input.reservedForSecondFactor === true),
      updatedAt: tx.now
    })
    if (input.primary === true) {
      const kind = row.type === "phone_number" ? "phone_number" : "email_address"
      const user = yield* Users.find(tx, row.userId)
      tx.put("users", { ...user, [primaryKey[kind]]: row.id, updatedAt: tx.now })
    }
    return updated
  })

/** `PUT /users/{id}/email_address` and `…/phone_number`: every existing one goes, one new primary comes. */
export const replaceAll = (
  tx: Tx,
  kind: Kind,
  userId: string,
  value: string,
  status: "verified" | "reserved" | "unverified"
): Effect.Effect<Model.IdentificationRow, Errors.ApiFailure> =>
  Effect.gen(function*() {
    const user = yield* Users.find(tx, userId)
    const normalized = yield* Identifiers.validate(kind, value)
    const existing = user[idsKey[kind]].flatMap((id) => {
      const row = tx.get("identifications", id)
      return row === undefined ? [] : [row]
    })
    // Replacing with the value the user already has keeps that identification rather than failing as taken.
    const kept = existing.find((row) => row.value === normalized)
    for (const row of existing) if (row !== kept) yield* remove(tx, row)
    const fresh = yield* Users.find(tx, userId)
    if (kept !== undefined) {
      tx.put("users", { ...fresh, [idsKey[kind]]: [kept.id], [primaryKey[kind]]: kept.id, updatedAt: tx.now })
      return kept
    }
    const row = yield* Identifiers.add(tx, userId, {
      type: kind,
      value: normalized,
      verified: status === "verified",
      reserved: status === "reserved"
    })
    attach(tx, fresh, row, true)
    return row
  })

const verificationJson = (row: Model.VerificationRow) => ({
  object: "verification",
  id: row.id,
  status: row.status,
  strategy: row.strategy,
  attempts: row.attempts,
  expire_at: row.expireAt
})

/** Starts a one-time-code verification (the code is always `TEST_CODE`). */
export const prepare = (tx: Tx, row: Model.IdentificationRow) => {
  const verification = tx.put("verifications", {
    id: tx.id("ver"),
    seq: tx.seq(),
    identificationId: row.id,
    strategy: row.type === "phone_number" ? "phone_code" : "email_code",
    status: "unverified",
    attempts: 0,
    expireAt: tx.now + CODE_LIFETIME_MILLIS,
    createdAt: tx.now
  })
  const data = { otp_code: TEST_CODE, requested_at: new Date(tx.now).toISOString() }
  if (row.type === "phone_number") {
    Messages.sms(tx, {
      to: row.value,
      slug: "verification_code",
      text: `${TEST_CODE} is your verification code.`,
      userId: row.userId,
      phoneNumberId: row.id,
      data
    })
  } else {
    Messages.email(tx, {
      to: row.value,
      slug: "verification_code",
      subject: `${TEST_CODE} is your verification code`,
      text: `Enter ${TEST_CODE} to verify your email address.`,
      userId: row.userId,
      emailAddressId: row.id,
      data
    })
  }
  return verificationJson(verification)
}

/**
 * Checks a code. The outcome is reported in the verification's status, not as an error; a correct code also
 * verifies the identification.
 */
export const attempt = (tx: Tx, row: Model.IdentificationRow, verificationId: string, code: string) =>
  Effect.gen(function*() {
    const verification = tx.get("verifications", verificationId)
    if (verification === undefined || verification.identificationId !== row.id) {
      return yield* Errors.notFound("Verification")
    }
    if (verification.status === "verified") {
      return yield* Errors.badRequest(
        "verification_already_verified",
        "This verification has already been verified.",
        "verification_id"
      )
    }
    if (verification.status === "failed" || verification.status === "expired") return verificationJson(verification)
    if (tx.now >= verification.expireAt) {
      return verificationJson(tx.put("verifications", { ...verification, status: "expired" }))
    }
    const attempts = verification.attempts + 1
    const correct = code === TEST_CODE
    const status = correct ? "verified" : attempts >= MAX_ATTEMPTS ? "failed" : "unverified"
    const updated = tx.put("verifications", { ...verification, status, attempts })
    if (correct && row.verification?.status !== "verified") {
      tx.put("identifications", {
        ...row,
        verification: { status: "verified", strategy: verification.strategy, attempts, expireAt: verification.expireAt },
        updatedAt: tx.now
      })
    }
    return verificationJson(updated)
  })
