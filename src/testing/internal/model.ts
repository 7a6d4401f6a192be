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

export interface OrganizationDomainRow {
  readonly id: string
  readonly seq: number
  readonly organizationId: string
  /** Lower-cased. */
  readonly name: string
  readonly enrollmentMode: string
  /** Ownership verified (by the Backend API, or `verify_ownership`). */
  readonly verified: boolean
  readonly verifiedAt: number | null
  readonly createdAt: number
  readonly updatedAt: number
}

export interface PermissionRow {
  readonly id: string
  readonly seq: number
  readonly key: string
  readonly name: string
  readonly description: string
  /** `system` for Clerk's own `org:sys_…` permissions, which cannot be changed; `user` otherwise. */
  readonly type: "system" | "user"
  readonly createdAt: number
  readonly updatedAt: number
}

export interface RoleRow {
  readonly id: string
  readonly seq: number
  readonly key: string
  readonly name: string
  readonly description: string | null
  readonly isCreatorEligible: boolean
  readonly permissionIds: ReadonlyArray<string>
  readonly createdAt: number
  readonly updatedAt: number
}

export type WaitlistStatus = "pending" | "invited" | "rejected" | "completed"

export interface WaitlistEntryRow {
  readonly id: string
  readonly seq: number
  readonly emailAddress: string
  readonly status: WaitlistStatus
  readonly invitationId: string | null
  readonly createdAt: number
  readonly updatedAt: number
}

export interface MachineRow {
  readonly id: string
  readonly seq: number
  readonly name: string
  /** `ak_…`: what the machine authenticates with (M2M tokens). */
  readonly secretKey: string
  /** A rotated key and when it stops working. */
  readonly previousSecretKey: { readonly key: string; readonly validUntil: number } | null
  readonly scopedMachineIds: ReadonlyArray<string>
  readonly defaultTokenTtl: number
  readonly createdAt: number
  readonly updatedAt: number
}

export interface M2MTokenRow {
  readonly id: string
  readonly seq: number
  /** The machine the token was made by. */
  readonly subject: string
  readonly token: string
  readonly format: "opaque" | "jwt"
  readonly scopes: ReadonlyArray<string>
  readonly claims: unknown
  readonly revoked: boolean
  readonly revocationReason: string | null
  readonly expiration: number | null
  readonly lastUsedAt: number | null
  readonly createdAt: number
  readonly updatedAt: number
}

export interface ApiKeyRow {
  readonly id: string
  readonly seq: number
  readonly type: string
  readonly name: string
  readonly description: string | null
  /** `user_…` or `org_…`. */
  readonly subject: string
  readonly secret: string
  readonly claims: unknown
  readonly scopes: ReadonlyArray<string>
  readonly createdBy: string | null
  readonly revoked: boolean
  readonly revocationReason: string | null
  readonly expiration: number | null
  readonly lastUsedAt: number | null
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

/** One group of instance settings (`/instance/protect`, …), kept in wire format: the offline Clerk only stores them. */
export type Settings = Readonly<Record<string, unknown>>

export interface InstanceRow {
  readonly id: string
  readonly environmentType: "development" | "production"
  readonly allowedOrigins: ReadonlyArray<string> | null
  readonly restrictions: Restrictions
  /** By group: `protect`, `communication`, `oauth_application_settings`, `organization_settings`, `auth_config`. */
  readonly settings: Readonly<Record<string, Settings>>
  /** Whether a Svix app was made for the instance's webhooks. */
  readonly svixApp: boolean
}

/** A satellite domain of the instance (`POST /domains`); the primary domain is not stored. */
export interface DomainRow {
  readonly id: string
  readonly seq: number
  readonly name: string
  readonly proxyUrl: string | null
  readonly createdAt: number
  readonly updatedAt: number
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
  readonly organizationDomains: OrganizationDomainRow
  readonly permissions: PermissionRow
  readonly roles: RoleRow
  readonly waitlistEntries: WaitlistEntryRow
  readonly machines: MachineRow
  readonly m2mTokens: M2MTokenRow
  readonly apiKeys: ApiKeyRow
  readonly domains: DomainRow
}

export type Table = keyof Rows

export type Tables = { readonly [T in Table]: HashMap.HashMap<string, Rows[T]> }

export interface World {
  /** The next sequence number: orders rows and feeds the id generator. */
  readonly seq: number
  readonly instance: InstanceRow
  readonly tables: Tables
  /**
   * The ids of the rows under each lookup key (see `lookupKeys`), kept by `put` and `remove`: the questions
   * every create asks ("is this email taken?") in constant time, so that seeding n users is linear in n.
   */
  readonly lookup: HashMap.HashMap<string, ReadonlyArray<string>>
}

/** The lookup key of an identifier value of a type: exact, as Clerk stores it (normalised on the way in). */
export const identifierKey = (type: IdentificationType, value: string): string => `identifications\u0000${type}\u0000${value}`
/** Usernames are unique whatever their case. */
export const usernameKey = (username: string): string => `users\u0000username\u0000${username.toLowerCase()}`
export const externalIdKey = (externalId: string): string => `users\u0000external_id\u0000${externalId}`

/** The lookup keys of a row, for the tables that have some. */
const lookupKeys: { readonly [T in Table]?: (row: Rows[T]) => ReadonlyArray<string> } = {
  identifications: (row) => [identifierKey(row.type, row.value)],
  users: (row) => [
    ...(row.username === null ? [] : [usernameKey(row.username)]),
    ...(row.externalId === null ? [] : [externalIdKey(row.externalId)])
  ]
}

export const defaultRestrictions: Restrictions = {
  allowlist: false,
  blocklist: false,
  allowlistBlocklistDisabledOnSignIn: false,
  blockEmailSubaddresses: false,
  blockDisposableEmailDomains: false
}

/**
 * Clerk's built-in organization permissions, and the two roles every instance starts with. They are made with
 * negative sequence numbers, before anything a request makes, so they sort first and take no number from the
 * id generator.
 */
const SYSTEM_PERMISSIONS: ReadonlyArray<readonly [key: string, name: string]> = [
  ["org:sys_profile:manage", "Manage organization"],
  ["org:sys_profile:delete", "Delete organization"],
  ["org:sys_memberships:read", "Read members"],
  ["org:sys_memberships:manage", "Manage members"],
  ["org:sys_domains:read", "Read domains"],
  ["org:sys_domains:manage", "Manage domains"]
]

const permissionId = (key: string): string => `perm_sys_${key.slice("org:sys_".length).replace(":", "_")}`

const builtIn = (): { permissions: HashMap.HashMap<string, PermissionRow>; roles: HashMap.HashMap<string, RoleRow> } => {
  const permissions = SYSTEM_PERMISSIONS.map(([key, name], i): PermissionRow => ({
    id: permissionId(key),
    seq: -100 + i,
    key,
    name,
    description: `${name}.`,
    type: "system",
    createdAt: 0,
    updatedAt: 0
  }))
  const roles: ReadonlyArray<RoleRow> = [
    {
      id: "role_org_admin",
      seq: -10,
      key: "org:admin",
      name: "Admin",
      description: "Manages the organization and its members.",
      isCreatorEligible: true,
      permissionIds: permissions.map((p) => p.id),
      createdAt: 0,
      updatedAt: 0
    },
    {
      id: "role_org_member",
      seq: -9,
      key: "org:member",
      name: "Member",
      description: "A member of the organization.",
      isCreatorEligible: false,
      permissionIds: [permissionId("org:sys_memberships:read")],
      createdAt: 0,
      updatedAt: 0
    }
  ]
  return {
    permissions: HashMap.fromIterable(permissions.map((p) => [p.id, p] as const)),
    roles: HashMap.fromIterable(roles.map((r) => [r.id, r] as const))
  }
}

/** A fresh, empty instance. */
export const empty = (instanceId: string, restrictions: Restrictions): World => ({
  seq: 1,
  instance: { id: instanceId, environmentType: "development", allowedOrigins: null, restrictions, settings: {}, svixApp: false },
  lookup: HashMap.empty(),
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
    sessions: HashMap.empty(),
    organizationDomains: HashMap.empty(),
    ...builtIn(),
    waitlistEntries: HashMap.empty(),
    machines: HashMap.empty(),
    m2mTokens: HashMap.empty(),
    apiKeys: HashMap.empty(),
    domains: HashMap.empty()
  }
})

/** One row by id. */
export const get = <T extends Table>(world: World, table: T, id: string): Rows[T] | undefined =>
  Option.getOrUndefined(HashMap.get(world.tables[table], id))

// Tables are immutable: the rows of one in creation order are computed once per version of it. A listing
// walked page by page (a stream over 100,000 users) then sorts the table once, not once a page.
// Keyed by a table's map, so what is found under it is that table's rows: the assertion below holds by
// construction (TypeScript cannot tie a WeakMap's value type to its key's).
const ordered = new WeakMap<object, ReadonlyArray<Rows[Table]>>()

/** The rows of a table in the order they were made. */
export const rows = <T extends Table>(world: World, table: T): Array<Rows[T]> => {
  const map = world.tables[table]
  const known = ordered.get(map)
  if (known !== undefined) return known.slice() as Array<Rows[T]>
  const sorted = Array.from(HashMap.values(map)).sort((a, b) => a.seq - b.seq)
  ordered.set(map, sorted)
  return sorted.slice()
}

/** The first row that satisfies `predicate`, in no particular order: for lookups that need no sort. */
export const find = <T extends Table>(
  world: World,
  table: T,
  predicate: (row: Rows[T]) => boolean
): Rows[T] | undefined => {
  for (const row of HashMap.values(world.tables[table])) if (predicate(row)) return row
  return undefined
}

/** The rows under a lookup key (`identifierKey`, `usernameKey`, `externalIdKey`). */
export const lookup = <T extends Table>(world: World, table: T, key: string): Array<Rows[T]> =>
  Option.match(HashMap.get(world.lookup, key), {
    onNone: () => [],
    onSome: (ids) => ids.flatMap((id) => Option.toArray(HashMap.get(world.tables[table], id)))
  })

const withKeys = (
  lookupMap: HashMap.HashMap<string, ReadonlyArray<string>>,
  keys: ReadonlyArray<string>,
  id: string,
  add: boolean
) =>
  keys.reduce((map, key) => {
    const ids = Option.getOrElse(HashMap.get(map, key), (): ReadonlyArray<string> => [])
    const next = add ? (ids.includes(id) ? ids : [...ids, id]) : ids.filter((other) => other !== id)
    return next.length === 0 ? HashMap.remove(map, key) : HashMap.set(map, key, next)
  }, lookupMap)

/** The lookup index with `before`'s keys replaced by `after`'s. */
const relink = <T extends Table>(world: World, table: T, id: string, after: Rows[T] | undefined) => {
  const keysOf = lookupKeys[table]
  if (keysOf === undefined) return world.lookup
  const before = get(world, table, id)
  const removed = before === undefined ? world.lookup : withKeys(world.lookup, keysOf(before), id, false)
  return after === undefined ? removed : withKeys(removed, keysOf(after), id, true)
}

/** Adds or replaces a row. */
export const put = <T extends Table>(world: World, table: T, row: Rows[T]): World => ({
  ...world,
  lookup: relink(world, table, row.id, row),
  tables: { ...world.tables, [table]: HashMap.set(world.tables[table], row.id, row) }
})

/** Removes a row. */
export const remove = <T extends Table>(world: World, table: T, id: string): World => ({
  ...world,
  lookup: relink(world, table, id, undefined),
  tables: { ...world.tables, [table]: HashMap.remove(world.tables[table], id) }
})
