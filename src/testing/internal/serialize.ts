/**
 * Rows to Clerk's wire JSON (snake_case, unix milliseconds), shaped as the spec's response schemas: `User`,
 * `EmailAddress`, `Organization`, `OrganizationMembership`, … Joins (a user's email addresses, an
 * organization's member count) are resolved against the world the request saw.
 */
import * as Model from "./model.js"

export type Json = Record<string, unknown>

/** A wire object that has an id: what seeding returns, so a test can use the id without decoding. */
export interface Wire {
  readonly id: string
  readonly [key: string]: unknown
}

/** How long a lock lasts when nobody unlocks the user: Clerk's default lockout, one hour. */
export const LOCKOUT_MILLIS = 3_600_000
const IMAGE_HOST = "https://img.clerk.com"
const ACCOUNTS_URL = "https://accounts.offline.clerk.test"

export const imageUrl = (imageId: string | null, ownerId: string): string =>
  imageId === null ? `${IMAGE_HOST}/default/${ownerId}` : `${IMAGE_HOST}/${imageId}`

export const ticketUrl = (path: string, token: string): string => `${ACCOUNTS_URL}/${path}?__clerk_ticket=${token}`

export const verification = (identification: Model.IdentificationRow): Json | null => {
  const v = identification.verification
  if (v === null) return null
  const object = v.strategy === "admin"
    ? "verification_admin"
    : identification.type === "web3_wallet"
    ? "verification_web3"
    : "verification_otp"
  return { object, status: v.status, strategy: v.strategy, attempts: v.attempts, expire_at: v.expireAt }
}

export const emailAddress = (row: Model.IdentificationRow): Json => ({
  id: row.id,
  object: "email_address",
  email_address: row.value,
  reserved: row.reserved,
  verification: verification(row),
  linked_to: [],
  matches_sso_connection: false,
  created_at: row.createdAt,
  updated_at: row.updatedAt
})

export const phoneNumber = (row: Model.IdentificationRow): Json => ({
  id: row.id,
  object: "phone_number",
  phone_number: row.value,
  reserved_for_second_factor: row.reservedForSecondFactor,
  default_second_factor: row.defaultSecondFactor,
  reserved: row.reserved,
  verification: verification(row),
  linked_to: [],
  backup_codes: null,
  created_at: row.createdAt,
  updated_at: row.updatedAt
})

export const web3Wallet = (row: Model.IdentificationRow): Json => ({
  id: row.id,
  object: "web3_wallet",
  web3_wallet: row.value,
  verification: verification(row),
  created_at: row.createdAt,
  updated_at: row.updatedAt
})

const externalAccount = (user: Model.UserRow, account: Model.ExternalAccountRow): Json => ({
  object: "external_account",
  id: account.id,
  provider: account.provider,
  identification_id: `idn_${account.id.slice(4)}`,
  provider_user_id: account.providerUserId,
  approved_scopes: "email openid profile",
  email_address: account.emailAddress,
  email_address_verified: true,
  first_name: user.firstName ?? "",
  last_name: user.lastName ?? "",
  avatar_url: "",
  image_url: "",
  username: null,
  phone_number: null,
  public_metadata: {},
  label: null,
  created_at: user.createdAt,
  updated_at: user.updatedAt,
  verification: {
    object: "verification_oauth",
    status: "verified",
    strategy: account.provider,
    attempts: null,
    // Required and not nullable in the spec: the time the OAuth verification would have lapsed.
    expire_at: user.createdAt + 600_000
  }
})

const identifications = (world: Model.World, ids: ReadonlyArray<string>): Array<Model.IdentificationRow> =>
  ids.flatMap((id) => {
    const row = Model.get(world, "identifications", id)
    return row === undefined ? [] : [row]
  })

/** Whether the user is locked now: a lock lasts `LOCKOUT_MILLIS` unless lifted. */
export const isLocked = (user: Model.UserRow, now: number): boolean =>
  user.lockedAt !== null && now < user.lockedAt + LOCKOUT_MILLIS

export const user = (world: Model.World, row: Model.UserRow, now: number): Wire => {
  const locked = isLocked(row, now)
  const phones = identifications(world, row.phoneNumberIds)
  const secondFactorPhone = phones.some((p) => p.reservedForSecondFactor)
  const url = imageUrl(row.imageId, row.id)
  return {
    id: row.id,
    object: "user",
    external_id: row.externalId,
    primary_email_address_id: row.primaryEmailAddressId,
    primary_phone_number_id: row.primaryPhoneNumberId,
    primary_web3_wallet_id: row.primaryWeb3WalletId,
    username: row.username,
    first_name: row.firstName,
    last_name: row.lastName,
    locale: row.locale,
    profile_image_url: url,
    image_url: url,
    has_image: row.imageId !== null,
    public_metadata: row.publicMetadata,
    private_metadata: row.privateMetadata,
    unsafe_metadata: row.unsafeMetadata,
    email_addresses: identifications(world, row.emailAddressIds).map(emailAddress),
    phone_numbers: phones.map(phoneNumber),
    web3_wallets: identifications(world, row.web3WalletIds).map(web3Wallet),
    passkeys: [],
    password_enabled: row.password !== null,
    two_factor_enabled: row.totpEnabled || row.backupCodeEnabled || secondFactorPhone,
    totp_enabled: row.totpEnabled,
    backup_code_enabled: row.backupCodeEnabled,
    mfa_enabled_at: row.mfaEnabledAt,
    mfa_disabled_at: row.mfaDisabledAt,
    password_last_updated_at: row.passwordLastUpdatedAt,
    external_accounts: row.externalAccounts.map((account) => externalAccount(row, account)),
    saml_accounts: [],
    enterprise_accounts: [],
    last_sign_in_at: row.lastSignInAt,
    banned: row.banned,
    locked,
    lockout_expires_in_seconds: locked && row.lockedAt !== null
      ? Math.ceil((row.lockedAt + LOCKOUT_MILLIS - now) / 1000)
      : null,
    verification_attempts_remaining: locked ? 0 : 100,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
    delete_self_enabled: row.deleteSelfEnabled,
    create_organization_enabled: row.createOrganizationEnabled,
    create_organizations_limit: row.createOrganizationsLimit,
    last_active_at: row.lastActiveAt,
    legal_accepted_at: row.legalAcceptedAt,
    bypass_client_trust: row.bypassClientTrust
  }
}

export const membersCount = (world: Model.World, organizationId: string): number =>
  Model.rows(world, "memberships").filter((m) => m.organizationId === organizationId).length

export const pendingInvitationsCount = (world: Model.World, organizationId: string): number =>
  Model.rows(world, "organizationInvitations").filter((i) =>
    i.organizationId === organizationId && i.status === "pending"
  ).length

export interface OrganizationOptions {
  /** `include_members_count`: adds `members_count` and `pending_invitations_count`. */
  readonly counts?: boolean | undefined
}

export const organization = (
  world: Model.World,
  row: Model.OrganizationRow,
  options: OrganizationOptions = {}
): Wire => ({
  object: "organization",
  id: row.id,
  name: row.name,
  slug: row.slug,
  image_url: imageUrl(row.imageId, row.id),
  has_image: row.imageId !== null,
  ...(options.counts === true
    ? {
      members_count: membersCount(world, row.id),
      pending_invitations_count: pendingInvitationsCount(world, row.id)
    }
    : {}),
  max_allowed_memberships: row.maxAllowedMemberships,
  admin_delete_enabled: row.adminDeleteEnabled,
  public_metadata: row.publicMetadata,
  private_metadata: row.privateMetadata,
  ...(row.createdBy === null ? {} : { created_by: row.createdBy }),
  created_at: row.createdAt,
  updated_at: row.updatedAt,
  role_set_key: row.roleSetKey
})

const roleOf = (world: Model.World, key: string): Model.RoleRow | undefined =>
  Model.find(world, "roles", (r) => r.key === key)

/** The role's name; a role deleted since falls back to its key. */
export const roleName = (world: Model.World, key: string): string => roleOf(world, key)?.name ?? key.replace(/^org:/, "")

/** The keys of a role's permissions, as memberships list them. */
const permissionKeys = (world: Model.World, key: string): Array<string> =>
  (roleOf(world, key)?.permissionIds ?? []).flatMap((id) => {
    const permission = Model.get(world, "permissions", id)
    return permission === undefined ? [] : [permission.key]
  })

export const primaryIdentifier = (world: Model.World, user: Model.UserRow): string | null => {
  const id = user.primaryEmailAddressId ?? user.primaryPhoneNumberId ?? user.primaryWeb3WalletId
  return id === null ? user.username : Model.get(world, "identifications", id)?.value ?? null
}

export const publicUserData = (world: Model.World, user: Model.UserRow): Json => {
  const url = imageUrl(user.imageId, user.id)
  return {
    user_id: user.id,
    first_name: user.firstName,
    last_name: user.lastName,
    profile_image_url: url,
    image_url: url,
    has_image: user.imageId !== null,
    identifier: primaryIdentifier(world, user),
    username: user.username,
    banned: user.banned
  }
}

export const membership = (world: Model.World, row: Model.MembershipRow): Wire => {
  const org = Model.get(world, "organizations", row.organizationId)
  const member = Model.get(world, "users", row.userId)
  return {
    id: row.id,
    object: "organization_membership",
    role: row.role,
    role_name: roleName(world, row.role),
    permissions: permissionKeys(world, row.role),
    public_metadata: row.publicMetadata,
    private_metadata: row.privateMetadata,
    ...(org === undefined ? {} : { organization: organization(world, org) }),
    ...(member === undefined ? {} : { public_user_data: publicUserData(world, member) }),
    created_at: row.createdAt,
    updated_at: row.updatedAt
  }
}

const inviterData = (world: Model.World, inviterId: string | null): Json | null => {
  const inviter = inviterId === null ? undefined : Model.get(world, "users", inviterId)
  if (inviter === undefined) return null
  return {
    user_id: inviter.id,
    first_name: inviter.firstName,
    last_name: inviter.lastName,
    image_url: imageUrl(inviter.imageId, inviter.id),
    has_image: inviter.imageId !== null,
    identifier: primaryIdentifier(world, inviter) ?? ""
  }
}

export const organizationInvitation = (
  world: Model.World,
  row: Model.OrganizationInvitationRow,
  withOrganization = false
): Json => {
  const org = Model.get(world, "organizations", row.organizationId)
  return {
    object: "organization_invitation",
    id: row.id,
    email_address: row.emailAddress,
    role: row.role,
    role_name: roleName(world, row.role),
    organization_id: row.organizationId,
    inviter_id: row.inviterId,
    public_inviter_data: inviterData(world, row.inviterId),
    status: row.status,
    public_metadata: row.publicMetadata,
    private_metadata: row.privateMetadata,
    url: row.url,
    expires_at: row.expiresAt,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
    ...(withOrganization && org !== undefined
      ? {
        public_organization_data: {
          id: org.id,
          name: org.name,
          slug: org.slug,
          image_url: imageUrl(org.imageId, org.id),
          has_image: org.imageId !== null
        }
      }
      : {})
  }
}

export const invitation = (row: Model.InvitationRow): Json => ({
  object: "invitation",
  id: row.id,
  email_address: row.emailAddress,
  public_metadata: row.publicMetadata,
  revoked: row.status === "revoked",
  status: row.status,
  url: row.url,
  expires_at: row.expiresAt,
  created_at: row.createdAt,
  updated_at: row.updatedAt
})

export const listedIdentifier = (
  object: "allowlist_identifier" | "blocklist_identifier",
  instanceId: string,
  row: Model.ListedIdentifierRow
): Json => ({
  object,
  id: row.id,
  ...(object === "allowlist_identifier" && row.invitationId !== null ? { invitation_id: row.invitationId } : {}),
  identifier: row.identifier,
  identifier_type: row.identifierType,
  instance_id: instanceId,
  created_at: row.createdAt,
  updated_at: row.updatedAt
})

export const redirectUrl = (row: Model.RedirectUrlRow): Json => ({
  object: "redirect_url",
  id: row.id,
  url: row.url,
  created_at: row.createdAt,
  updated_at: row.updatedAt
})

export const signInToken = (row: Model.SignInTokenRow, withToken: boolean): Json => ({
  object: "sign_in_token",
  id: row.id,
  status: row.status,
  user_id: row.userId,
  ...(withToken ? { token: row.token, url: ticketUrl("sign-in", row.token) } : {}),
  created_at: row.createdAt,
  updated_at: row.updatedAt
})

export const actorToken = (row: Model.ActorTokenRow, withToken: boolean): Json => ({
  object: "actor_token",
  id: row.id,
  status: row.status,
  user_id: row.userId,
  actor: row.actor,
  ...(withToken ? { token: row.token, url: ticketUrl("sign-in", row.token) } : {}),
  created_at: row.createdAt,
  updated_at: row.updatedAt
})

export const jwtTemplate = (row: Model.JwtTemplateRow): Json => ({
  object: "jwt_template",
  id: row.id,
  name: row.name,
  claims: row.claims,
  lifetime: row.lifetime,
  allowed_clock_skew: row.allowedClockSkew,
  custom_signing_key: row.customSigningKey,
  signing_algorithm: row.signingAlgorithm,
  created_at: row.createdAt,
  updated_at: row.updatedAt
})

export const session = (row: Model.SessionRow): Wire => ({
  object: "session",
  id: row.id,
  user_id: row.userId,
  client_id: row.clientId,
  actor: row.actor,
  status: row.status,
  last_active_organization_id: row.lastActiveOrganizationId,
  last_active_at: row.lastActiveAt,
  expire_at: row.expireAt,
  abandon_at: row.abandonAt,
  updated_at: row.updatedAt,
  created_at: row.createdAt,
  tasks: null
})

export const client = (world: Model.World, clientId: string): Json | undefined => {
  const sessions = Model.rows(world, "sessions").filter((s) => s.clientId === clientId)
  const first = sessions[0]
  if (first === undefined) return undefined
  const active = sessions.filter((s) => s.status === "active")
  const last = sessions[sessions.length - 1] ?? first
  return {
    object: "client",
    id: clientId,
    session_ids: sessions.map((s) => s.id),
    sessions: sessions.map(session),
    sign_in_id: null,
    sign_up_id: null,
    last_active_session_id: active[active.length - 1]?.id ?? null,
    last_authentication_strategy: null,
    updated_at: last.updatedAt,
    created_at: first.createdAt
  }
}

export const deleted = (object: string, id: string, extra: Json = {}): Json => ({ object, id, deleted: true, ...extra })

const domainVerification = (row: Model.OrganizationDomainRow): Json | null =>
  row.verified
    ? { status: "verified", strategy: "admin", attempts: null, expire_at: null, verified_at: row.verifiedAt }
    : null

export const organizationDomain = (world: Model.World, row: Model.OrganizationDomainRow, withOrganization = false): Wire => {
  const org = Model.get(world, "organizations", row.organizationId)
  return {
    object: "organization_domain",
    id: row.id,
    organization_id: row.organizationId,
    name: row.name,
    enrollment_mode: row.enrollmentMode,
    affiliation_email_address: null,
    affiliation_verification: null,
    ownership_verification: domainVerification(row),
    verification: domainVerification(row),
    total_pending_invitations: 0,
    total_pending_suggestions: 0,
    ...(withOrganization && org !== undefined
      ? {
        public_organization_data: {
          id: org.id,
          name: org.name,
          slug: org.slug,
          image_url: imageUrl(org.imageId, org.id),
          has_image: org.imageId !== null
        }
      }
      : {}),
    created_at: row.createdAt,
    updated_at: row.updatedAt
  }
}

export const permission = (row: Model.PermissionRow): Wire => ({
  object: "permission",
  id: row.id,
  name: row.name,
  key: row.key,
  description: row.description,
  type: row.type,
  created_at: row.createdAt,
  updated_at: row.updatedAt
})

export const role = (world: Model.World, row: Model.RoleRow): Wire => ({
  object: "role",
  id: row.id,
  name: row.name,
  key: row.key,
  description: row.description,
  is_creator_eligible: row.isCreatorEligible,
  permissions: row.permissionIds.flatMap((id) => {
    const found = Model.get(world, "permissions", id)
    return found === undefined ? [] : [permission(found)]
  }),
  created_at: row.createdAt,
  updated_at: row.updatedAt
})

export const waitlistEntry = (world: Model.World, row: Model.WaitlistEntryRow): Wire => {
  const invited = row.invitationId === null ? undefined : Model.get(world, "invitations", row.invitationId)
  return {
    object: "waitlist_entry",
    id: row.id,
    email_address: row.emailAddress,
    status: row.status,
    is_locked: false,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
    invitation: invited === undefined ? null : invitation(invited)
  }
}

const machineOnly = (world: Model.World, row: Model.MachineRow): Wire => ({
  object: "machine",
  id: row.id,
  name: row.name,
  instance_id: world.instance.id,
  created_at: row.createdAt,
  updated_at: row.updatedAt,
  default_token_ttl: row.defaultTokenTtl
})

export const machine = (world: Model.World, row: Model.MachineRow): Wire => ({
  ...machineOnly(world, row),
  scoped_machines: row.scopedMachineIds.flatMap((id) => {
    const scoped = Model.get(world, "machines", id)
    return scoped === undefined ? [] : [machineOnly(world, scoped)]
  })
})

export const m2mToken = (row: Model.M2MTokenRow, now: number, withToken: boolean): Wire => ({
  object: "machine_to_machine_token",
  id: row.id,
  subject: row.subject,
  claims: row.claims ?? null,
  scopes: row.scopes,
  ...(withToken ? { token: row.token } : {}),
  revoked: row.revoked,
  revocation_reason: row.revocationReason,
  expired: row.expiration !== null && now >= row.expiration,
  expiration: row.expiration,
  last_used_at: row.lastUsedAt,
  created_at: row.createdAt,
  updated_at: row.updatedAt
})

export const apiKey = (row: Model.ApiKeyRow, now: number, withSecret: boolean): Wire => ({
  object: "api_key",
  id: row.id,
  type: row.type,
  subject: row.subject,
  name: row.name,
  description: row.description,
  claims: row.claims ?? null,
  scopes: row.scopes,
  ...(withSecret ? { secret: row.secret } : {}),
  revoked: row.revoked,
  revocation_reason: row.revocationReason,
  expired: row.expiration !== null && now >= row.expiration,
  expiration: row.expiration,
  created_by: row.createdBy,
  last_used_at: row.lastUsedAt,
  created_at: row.createdAt,
  updated_at: row.updatedAt
})
