/**
 * Email addresses, phone numbers and web3 wallets: their formats, their uniqueness across the instance, and
 * the instance's allow-list and block-list, which Clerk applies to every identifier a user is given.
 */
import * as Effect from "effect/Effect"
import * as Errors from "./errors.js"
import * as Model from "./model.js"
import type { Tx } from "./tx.js"

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
const PHONE = /^\+[1-9]\d{6,14}$/
const WEB3 = /^0x[0-9a-fA-F]{40}$/

/** Clerk stores email addresses and wallets lower-cased, phone numbers in E.164. */
export const normalize = (type: Model.IdentificationType, value: string): string =>
  type === "phone_number" ? value.trim() : value.trim().toLowerCase()

const expected: Readonly<Record<Model.IdentificationType, string>> = {
  email_address: "a valid email address",
  phone_number: "a valid phone number in E.164 format (+15555550100)",
  web3_wallet: "a valid web3 wallet address (0x followed by 40 hex digits)"
}

const pattern: Readonly<Record<Model.IdentificationType, RegExp>> = {
  email_address: EMAIL,
  phone_number: PHONE,
  web3_wallet: WEB3
}

export const validate = (
  type: Model.IdentificationType,
  value: string,
  param: string = type
): Effect.Effect<string, Errors.ApiFailure> => {
  const normalized = normalize(type, value)
  return pattern[type].test(normalized)
    ? Effect.succeed(normalized)
    : Effect.fail(Errors.formatInvalid(param, expected[type]))
}

/** What kind of identifier a listed value is: an email or an email domain, a phone number, or a wallet. */
export const typeOf = (identifier: string): Model.IdentificationType | undefined => {
  const value = identifier.trim()
  if (WEB3.test(value)) return "web3_wallet"
  if (PHONE.test(value)) return "phone_number"
  if (EMAIL.test(value) || /^(\*?@)?[^\s@]+\.[^\s@]+$/.test(value)) return "email_address"
  return undefined
}

/** The identification that holds a value, on any user. */
export const owner = (tx: Tx, type: Model.IdentificationType, value: string): Model.IdentificationRow | undefined =>
  tx.lookup("identifications", Model.identifierKey(type, value))[0]

/** An email domain entry (`example.com`, `@example.com`, `*@example.com`) matches every address at that domain. */
const matches = (entry: Model.ListedIdentifierRow, type: Model.IdentificationType, value: string): boolean => {
  if (entry.identifierType !== type) return false
  if (entry.identifier === value) return true
  if (type !== "email_address") return false
  const listed = entry.identifier
  const domain = listed.startsWith("*@") ? listed.slice(2)
    : listed.startsWith("@") ? listed.slice(1)
    : listed.includes("@") ? undefined // a whole address, compared above
    : listed
  return domain !== undefined && value.endsWith(`@${domain}`)
}

/**
 * The allow-list (when enabled, only listed identifiers, or invited email addresses, may be used) and the
 * block-list (when enabled, listed identifiers may not).
 */
export const checkRestrictions = (
  tx: Tx,
  type: Model.IdentificationType,
  value: string,
  param: string = type
): Effect.Effect<void, Errors.ApiFailure> => {
  const restrictions = tx.world.instance.restrictions
  if (restrictions.blocklist && tx.find("blocklist", (entry) => matches(entry, type, value)) !== undefined) {
    return Effect.fail(Errors.notAllowed(param, `The ${type.replace("_", " ")} ${value} is on the block-list.`))
  }
  if (restrictions.allowlist) {
    const invited = type === "email_address" &&
      tx.find("invitations", (inv) => inv.emailAddress === value && inv.status === "pending") !== undefined
    if (!invited && tx.find("allowlist", (entry) => matches(entry, type, value)) === undefined) {
      return Effect.fail(Errors.notAllowed(param, `The ${type.replace("_", " ")} ${value} is not on the allow-list.`))
    }
  }
  if (restrictions.blockEmailSubaddresses && type === "email_address" && /^[^@]*\+[^@]*@/.test(value)) {
    return Effect.fail(Errors.notAllowed(param, "Email subaddresses (the part after +) are blocked."))
  }
  return Effect.void
}

export interface NewIdentification {
  readonly type: Model.IdentificationType
  readonly value: string
  readonly verified: boolean
  readonly reserved?: boolean | undefined
  readonly reservedForSecondFactor?: boolean | undefined
  /** Seeding sets state up directly, past the allow-list and block-list. */
  readonly skipRestrictionChecks?: boolean | undefined
}

/** A verified identification made through the Backend API is verified by `admin`. */
export const adminVerified: Model.Verification = { status: "verified", strategy: "admin", attempts: null, expireAt: null }

/**
 * Checks a new identifier (format, uniqueness, restrictions) and stores it for `userId`. The caller
 * links it to the user row.
 */
export const add = (
  tx: Tx,
  userId: string,
  input: NewIdentification,
  param: string = input.type
): Effect.Effect<Model.IdentificationRow, Errors.ApiFailure> =>
  Effect.gen(function*() {
    const value = yield* validate(input.type, input.value, param)
    if (owner(tx, input.type, value) !== undefined) return yield* Errors.identifierExists(input.type)
    if (input.skipRestrictionChecks !== true) yield* checkRestrictions(tx, input.type, value, param)
    const row: Model.IdentificationRow = {
      id: tx.id("idn"),
      seq: tx.seq(),
      userId,
      type: input.type,
      value,
      verification: input.verified ? adminVerified : null,
      reserved: input.reserved ?? false,
      reservedForSecondFactor: input.reservedForSecondFactor ?? false,
      defaultSecondFactor: input.reservedForSecondFactor ?? false,
      createdAt: tx.now,
      updatedAt: tx.now
    }
    return tx.put("identifications", row)
  })
