/**
 * The offline Clerk's state: one immutable `World` of tables keyed by id. Every request reads one `World`
 * and, if it changes anything, commits a new one atomically, so concurrent requests never see half a write.
 *
 * Rows are the offline Clerk's own records, in camelCase; `serialize.ts` turns them into Clerk's wire JSON.
 * Every row carries `seq`, the order it was made in, so records made in the same millisecond (under
 * `TestClock`, all of them) still have a stable order.
 */
import * as HashMap from "effect/HashMap"
import * as Option from "effect/Option"

/** A JSON object of free-form metadata. */
export type Metadata = { readonly [key: string]: unknown }

export type IdentificationType = "email_address" | "phone_number" | "web3_wallet"

export type VerificationStatus = "unverified" | "verified" | "failed" | "expired"

export interface Verification {
  readonly status: VerificationStatus
  /** `admin` for identifications made through the Backend API and marked verified; `email_code` or `phone_code` otherwise. */
  readonly strategy: string
  readonly attempts: number | null
  readonly expireAt: number | null
  /** The id a `prepare_verification` returned, for `attempt_verification`. */
  readonly id?: string | undefined
}

export interface IdentificationRow {
  readonly id: string
  readonly seq: number
  readonly userId: string
  readonly type: IdentificationType
  readonly value: string
  readonly verification: Verification | null
  readonly reserved: boolean
  readonly reservedForSecondFactor: boolean
  readonly defaultSecondFactor: boolean
  readonly createdAt: number
  readonly updatedAt: number
}

/** A one-time-code verification started by `prepare_verification`. */
export interface VerificationRow {
  readonly id: string
  readonly seq: number
  readonly identificationId: string
  readonly strategy: "email_code" | "phone_code"
  readonly status: VerificationStatus
  readonly attempts: number
  readonly expireAt: number
  readonly createdAt: number
}

export type Password =
  | { readonly _tag: "Plain"; readonly value: string }
  | { readonly _tag: "Digest"; readonly hasher: string; readonly digest: string }

export interface ExternalAccountRow {
  readonly id: string
  readonly provider: string
  readonly providerUserId: string
  readonly emailAddress: string
}

export interface UserRow {
  readonly id: string
  readonly seq: number
  readonly externalId: string | null
  readonly username: string | null
  readonly firstName: string | null
  readonly lastName: string | null
  readonly locale: string | null
  readonly emailAddressIds: ReadonlyArray<string>
  readonly phoneNumberIds: ReadonlyArray<string>
  readonly web3WalletIds: ReadonlyArray<string>
  readonly primaryEmailAddressId: string | null
  readonly primaryPhoneNumberId: string | null
  readonly primaryWeb3WalletId: string | null
  readonly externalAccounts: ReadonlyArray<ExternalAccountRow>
  /** Held in memory only to answer `verify_password`; never serialised. */
  readonly password: Password | null
  readonly passwordLastUpdatedAt: number | null
  readonly passwordCompromised: boolean
  readonly totpEnabled: boolean
  readonly backupCodeEnabled: boolean
  readonly mfaEnabledAt: number | null
  readonly mfaDisabledAt: number | null
  readonly imageId: string | null
  readonly publicMetadata: Metadata
  readonly privateMetadata: Metadata
  readonly unsafeMetadata: Metadata
  readonly banned: boolean
  /** When the user was locked; a lock lasts an hour unless lifted (see `serialize.ts`). */
  readonly lockedAt: number | null
  readonly deleteSelfEnabled: boolean
  readonly createOrganizationEnabled: boolean
  readonly createOrganizationsLimit: number | null
  readonly bypassClientTrust: boolean
  readonly legalAcceptedAt: number | null
  readonly lastSignInAt: number | null
  readonly lastActiveAt: number | null
  readonly createdAt: number
  readonly updatedAt: number
}

export interface OrganizationRow {
  readonly id: string
  readonly seq: number
  readonly name: string
  readonly slug: string
  readonly imageId: string | null
  readonly maxAllowedMemberships: number
  readonly adminDeleteEnabled: boolean
  readonly publicMetadata: Metadata
  readonly privateMetadata: Metadata
  readonly createdBy: string | null
  readonly roleSetKey: string | null
  readonly createdAt: number
  readonly updatedAt: number
}

export interface MembershipRow {
  readonly id: string
  readonly seq: number
  readonly organizationId: string
  readonly userId: string
  readonly role: string
  readonly publicMetadata: Metadata
  readonly privateMetadata: Metadata
  readonly createdAt: number
  readonly updatedAt: number
}

export type InvitationStatus = "pending" | "accepted" | "revoked" | "expired"

export interface OrganizationInvitationRow {
  readonly id: string
  readonly seq: number
  readonly organizationId: string
  readonly emailAddress: string
  readonly role: string
  readonly inviterId: string | null
  readonly status: InvitationStatus
  readonly publicMetadata: Metadata
  readonly privateMetadata: Metadata
  readonly url: string | null
  readonly expiresAt: number | null
  readonly createdAt: number
  readonly updatedAt: number
}

export interface InvitationRow {
  readonly id: string
  readonly seq: number
  readonly emailAddress: string
  readonly publicMetadata: Metadata
  readonly status: InvitationStatus
  readonly url: string
  readonly expiresAt: number | null
  readonly createdAt: number
  readonly updatedAt: number
}

export interface ListedIdentifierRow {
  readonly id: string
  readonly seq: number
  readonly identifier: string
  readonly identifierType: IdentificationType
  readonly invitationId: string | null
  readonly createdAt: number
  readonly updatedAt: number
}

export interface RedirectUrlRow {
  readonly id: string
  readonly seq: number
  readonly url: string
  readonly createdAt: number
  readonly updatedAt: number
}

export type TicketStatus = "pending" | "accepted" | "revoked"

export interface SignInTokenRow {
  readonly id: string
  readonly seq: number
  readonly userId: string
  readonly token: string
  readonly status: TicketStatus
  readonly expiresAt: number
  readonly createdAt: number
  readonly updatedAt: number
}

export interface ActorTokenRow {
  readonly id: string
  readonly seq: number
  readonly userId: string
  readonly actor: Metadata
  readonly token: string
  readonly status: TicketStatus
  readonly expiresAt: number
  readonly sessionMaxDurationSeconds: number
  readonly createdAt: number
  readonly updatedAt: number
}

export interface JwtTemplateRow {
  readonly id: string
  readonly seq: number
  readonly name: string
  readonly claims: Metadata
  readonly lifetime: number
  readonly allowedClockSkew: number
  readonly customSigningKey: boolean
  readonly signingAlgorithm: string
  /** A custom signing key, held only to sign the template's tokens; never serialised. */
  readonly signingKey: string | null
  readonly createdAt: number
  readonly updatedAt: number
}

export type SessionStatus = "active" | "revoked" | "ended" | "expired" | "removed" | "abandoned" | "replaced" | "pending"

export interface SessionRow {
  readonly id: string
  readonly seq: number
  readonly userId: string
  readonly clientId: string
  readonly status: SessionStatus
  readonly lastActiveOrganizationId: string | null
  readonly actor: Metadata | null
  readonly lastActiveAt: number
  readonly expireAt: number
  readonly abandonAt: number
  readonly createdAt: number
  readonly updatedAt: number
}

export interface Restrictions {
  readonly allowlist: boolean
  readonly blocklist: boolean
  readonly allowlistBlocklistDisabledOnSignIn: boolean
  readonly blockEmailSubaddresses: boolean
  readonly blockDisposableEmailDomains: boolean
}

export interface InstanceRow {
  readonly id: string
  readonly environmentType: "development" | "production"
  readonly allowedOrigins: ReadonlyArray<string> | null
  readonly restrictions: Restrictions
}

/** Each table's row type, by table name. */
export interface Rows {
  readonly users: UserRow
  readonly identifications: IdentificationRow
  readonly verifications: VerificationRow
  readonly organizations: OrganizationRow
  readonly memberships: MembershipRow
  readonly organizationInvitations: OrganizationInvitationRow
  readonly invitations: InvitationRow
  readonly allowlist: ListedIdentifierRow
  readonly blocklist: ListedIdentifierRow
  readonly redirectUrls: RedirectUrlRow
  readonly signInTokens: SignInTokenRow
  readonly actorTokens: ActorTokenRow
  readonly jwtTemplates: JwtTemplateRow
  readonly sessions: SessionRow
}

export type Table = keyof Rows

export type Tables = { readonly [T in Table]: HashMap.HashMap<string, Rows[T]> }

export interface World {
  /** The next sequence number: orders rows and feeds the id generator. */
  readonly seq: number
  readonly instance: InstanceRow
  readonly tables: Tables
}

export const defaultRestrictions: Restrictions = {
  allowlist: false,
  blocklist: false,
  allowlistBlocklistDisabledOnSignIn: false,
  blockEmailSubaddresses: false,
  blockDisposableEmailDomains: false
}

/** A fresh, empty instance. */
export const empty = (instanceId: string, restrictions: Restrictions): World => ({
  seq: 1,
  instance: { id: instanceId, environmentType: "development", allowedOrigins: null, restrictions },
  tables: {
    users: HashMap.empty(),
    identifications: HashMap.empty(),
    verifications: HashMap.empty(),
    organizations: HashMap.empty(),
    memberships: HashMap.empty(),
    organizationInvitations: HashMap.empty(),
    invitations: HashMap.empty(),
    allowlist: HashMap.empty(),
    blocklist: HashMap.empty(),
    redirectUrls: HashMap.empty(),
    signInTokens: HashMap.empty(),
    actorTokens: HashMap.empty(),
    jwtTemplates: HashMap.empty(),
    sessions: HashMap.empty()
  }
})

/** One row by id. */
export const get = <T extends Table>(world: World, table: T, id: string): Rows[T] | undefined =>
  Option.getOrUndefined(HashMap.get(world.tables[table], id))

/** The rows of a table in the order they were made. */
export const rows = <T extends Table>(world: World, table: T): Array<Rows[T]> =>
  Array.from(HashMap.values(world.tables[table])).sort((a, b) => a.seq - b.seq)

/** The first row that satisfies `predicate`, in no particular order: for lookups that need no sort. */
export const find = <T extends Table>(
  world: World,
  table: T,
  predicate: (row: Rows[T]) => boolean
): Rows[T] | undefined => {
  for (const row of HashMap.values(world.tables[table])) if (predicate(row)) return row
  return undefined
}

/** Adds or replaces a row. */
export const put = <T extends Table>(world: World, table: T, row: Rows[T]): World => ({
  ...world,
  tables: { ...world.tables, [table]: HashMap.set(world.tables[table], row.id, row) }
})

/** Removes a row. */
export const remove = <T extends Table>(world: World, table: T, id: string): World => ({
  ...world,
  tables: { ...world.tables, [table]: HashMap.remove(world.tables[table], id) }
})
