/**
 * Realistic Backend API objects, in wire format (snake_case JSON), for fakes, examples and benchmarks.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 * @category models
 */
export interface UserFixture {
  readonly id: string
  readonly emailAddress: string
  readonly firstName?: string | undefined
  readonly lastName?: string | undefined
  readonly username?: string | null | undefined
  readonly phoneNumber?: string | undefined
  readonly externalId?: string | null | undefined
  readonly createdAt?: number | undefined
  readonly publicMetadata?: Record<string, unknown> | undefined
  readonly privateMetadata?: Record<string, unknown> | undefined
  readonly unsafeMetadata?: Record<string, unknown> | undefined
  /** Adds a Google account, as a user who signed up with Google has. */
  readonly withGoogle?: boolean | undefined
}

/** The verification object a strategy produces: an OTP, an email verified by Google, or the OAuth flow itself. */
const verified = (strategy: "email_code" | "phone_code" | "from_oauth_google" | "oauth_google", at: number) => ({
  object: strategy === "from_oauth_google"
    ? "verification_from_oauth"
    : strategy === "oauth_google"
    ? "verification_oauth"
    : "verification_otp",
  status: "verified",
  strategy,
  attempts: strategy === "email_code" || strategy === "phone_code" ? 1 : null,
  expire_at: at + 600_000
})

/**
 * A user as `GET /v1/users/{user_id}` returns it.
 *
 * @since 0.1.0
 * @category fixtures
 */
export const userJson = (user: UserFixture): Record<string, unknown> => {
  const at = user.createdAt ?? 1_735_689_600_000
  const emailId = `idn_${user.id.slice(5)}e`
  const phoneId = `idn_${user.id.slice(5)}p`
  const google = user.withGoogle === true
  return {
    id: user.id,
    object: "user",
    username: user.username ?? null,
    first_name: user.firstName ?? null,
    last_name: user.lastName ?? null,
    locale: null,
    image_url: `https://img.clerk.com/${user.id}`,
    has_image: false,
    primary_email_address_id: emailId,
    primary_phone_number_id: user.phoneNumber === undefined ? null : phoneId,
    primary_web3_wallet_id: null,
    password_enabled: !google,
    two_factor_enabled: false,
    totp_enabled: false,
    backup_code_enabled: false,
    email_addresses: [{
      id: emailId,
      object: "email_address",
      email_address: user.emailAddress,
      reserved: false,
      verification: verified(google ? "from_oauth_google" : "email_code", at),
      linked_to: google ? [{ type: "oauth_google", id: `idn_${user.id.slice(5)}g` }] : [],
      matches_sso_connection: false,
      created_at: at,
      updated_at: at
    }],
    phone_numbers: user.phoneNumber === undefined ? [] : [{
      id: phoneId,
      object: "phone_number",
      phone_number: user.phoneNumber,
      reserved_for_second_factor: false,
      default_second_factor: false,
      reserved: false,
      verification: verified("phone_code", at),
      linked_to: [],
      backup_codes: null,
      created_at: at,
      updated_at: at
    }],
    web3_wallets: [],
    passkeys: [],
    external_accounts: google
      ? [{
        object: "external_account",
        id: `eac_${user.id.slice(5)}`,
        provider: "oauth_google",
        identification_id: `idn_${user.id.slice(5)}g`,
        provider_user_id: `1${user.id.length}0427318845123456789`,
        approved_scopes: "email https://www.googleapis.com/auth/userinfo.email openid profile",
        email_address: user.emailAddress,
        email_address_verified: true,
        first_name: user.firstName ?? "",
        last_name: user.lastName ?? "",
        avatar_url: `https://lh3.googleusercontent.com/a/${user.id}`,
        image_url: `https://img.clerk.com/${user.id}/google`,
        username: null,
        phone_number: null,
        public_metadata: {},
        label: null,
        created_at: at,
        updated_at: at,
        verification: verified("oauth_google", at)
      }]
      : [],
    saml_accounts: [],
    enterprise_accounts: [],
    public_metadata: user.publicMetadata ?? {},
    private_metadata: user.privateMetadata ?? {},
    unsafe_metadata: user.unsafeMetadata ?? {},
    external_id: user.externalId ?? null,
    last_sign_in_at: at + 3_600_000,
    banned: false,
    locked: false,
    lockout_expires_in_seconds: null,
    verification_attempts_remaining: 100,
    created_at: at,
    updated_at: at,
    delete_self_enabled: true,
    create_organization_enabled: true,
    create_organizations_limit: null,
    last_active_at: at + 3_600_000,
    mfa_enabled_at: null,
    mfa_disabled_at: null,
    legal_accepted_at: null,
    bypass_client_trust: false
  }
}
