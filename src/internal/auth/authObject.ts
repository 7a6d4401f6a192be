/**
 * The auth object of a session: who the user is, their active organization and its permissions, and
 * `has()`. A port of `@clerk/shared`'s `jwtPayloadParser` and `authorization` (Clerk's `toAuth()`),
 * rule for rule, except that nothing here throws: a malformed claim denies instead.
 */
import type { ActorClaim, SessionClaims } from "./claims.js"

export type ReverificationPreset = "strict_mfa" | "strict" | "moderate" | "lax"

export type ReverificationLevel = "first_factor" | "second_factor" | "multi_factor"

export interface ReverificationConfig {
  readonly level: ReverificationLevel
  /** How recent the verification must be; more than 0. */
  readonly afterMinutes: number
}

export interface CheckAuthorizationParams {
  /** An organization role: `admin` or `org:admin`. */
  readonly role?: string | undefined
  /** An organization permission: `org:invoices:read` (the `org:` prefix may be left out). */
  readonly permission?: string | undefined
  /** `o:feature`, `u:feature`, or `feature` for either scope. */
  readonly feature?: string | undefined
  /** `o:plan`, `u:plan`, or `plan` for either scope. */
  readonly plan?: string | undefined
  readonly reverification?: ReverificationPreset | ReverificationConfig | undefined
}

export type SessionStatus = "active" | "pending" | (string & {})

export interface SignedInAuthObject {
  readonly tokenType: "session_token"
  readonly isAuthenticated: true
  readonly sessionClaims: SessionClaims
  readonly sessionId: string | null
  readonly sessionStatus: SessionStatus | null
  readonly userId: string
  readonly actor: ActorClaim | null
  readonly orgId: string | null
  readonly orgRole: string | null
  readonly orgSlug: string | null
  readonly orgPermissions: ReadonlyArray<string> | null
  readonly factorVerificationAge: readonly [number, number] | null
  readonly has: (params: CheckAuthorizationParams) => boolean
}

export interface SignedOutAuthObject {
  readonly tokenType: "session_token"
  readonly isAuthenticated: false
  readonly sessionClaims: null
  readonly sessionId: null
  /** `pending` when a pending session was treated as signed out. */
  readonly sessionStatus: SessionStatus | null
  readonly userId: null
  readonly actor: null
  readonly orgId: null
  readonly orgRole: null
  readonly orgSlug: null
  readonly orgPermissions: null
  readonly factorVerificationAge: null
  readonly has: (params: CheckAuthorizationParams) => false
}

export interface ToAuthOptions {
  /** Default `true`, as Clerk: a `pending` session (tasks left to do) is signed out. */
  readonly treatPendingAsSignedOut?: boolean | undefined
}

// -----------------------------------------------------------------------------------------------------------
// Scoped lists (`fea`, `pla`): `o:a,u:b,uo:c`
// -----------------------------------------------------------------------------------------------------------

interface Scoped {
  readonly org: ReadonlyArray<string>
  readonly user: ReadonlyArray<string>
}

/** `undefined` when an element has no scope (Clerk throws there, and its callers deny). */
const splitByScope = (claim: string | null | undefined): Scoped | undefined => {
  const org: Array<string> = []
  const user: Array<string> = []
  if (!claim) return { org, user }
  for (const raw of claim.split(",")) {
    const part = raw.trim()
    const colon = part.indexOf(":")
    if (colon === -1) return undefined
    const scope = part.slice(0, colon)
    const value = part.slice(colon + 1)
    if (scope === "o") org.push(value)
    else if (scope === "u") user.push(value)
    else if (scope === "ou" || scope === "uo") {
      org.push(value)
      user.push(value)
    }
  }
  return { org, user }
}

// -----------------------------------------------------------------------------------------------------------
// v2 organization permissions: `fea` × `o.per` × `o.fpm`
// -----------------------------------------------------------------------------------------------------------

/**
 * `org:<feature>:<permission>` for each org-scoped feature of `fea` (in order) and each bit set in that
 * feature's `fpm` entry, least-significant bit first, indexing into `per`. `fpm` entries are decimals of
 * any length (Clerk divides strings; a BigInt reads them the same), and one that is not a decimal grants
 * nothing.
 */
export const orgPermissionsV2 = (
  fea: string | null | undefined,
  per: string | undefined,
  fpm: string | undefined
): Array<string> => {
  const features = splitByScope(fea)
  if (features === undefined || !per || !fpm) return []
  const permissions = per.split(",").map((p) => p.trim())
  const masks = fpm.split(",").map((m) => m.trim())
  const result: Array<string> = []
  features.org.forEach((feature, index) => {
    const mask = masks[index]
    if (mask === undefined || !/^\d+$/.test(mask)) return
    const bits = BigInt(mask)
    permissions.forEach((permission, bit) => {
      if (((bits >> BigInt(bit)) & 1n) === 1n) result.push(`org:${feature}:${permission}`)
    })
  })
  return result
}

// -----------------------------------------------------------------------------------------------------------
// has()
// -----------------------------------------------------------------------------------------------------------

type Outcome = "pass" | "fail" | "skip"

interface Authorization {
  readonly userId: string | null
  readonly orgId: string | null
  readonly orgRole: string | null
  readonly orgPermissions: ReadonlyArray<string> | null
  readonly features: string
  readonly plans: string
  readonly factorVerificationAge: readonly [number, number] | null
}

const ORG_SCOPES: ReadonlySet<string> = new Set(["o", "org", "organization"])
const USER_SCOPES: ReadonlySet<string> = new Set(["u", "user"])

const withOrgPrefix = (value: string): string => value.replace(/^(org:)*/, "org:")

const checkOrganization = (params: CheckAuthorizationParams, auth: Authorization): Outcome => {
  const roleAsked = params.role !== undefined
  const permissionAsked = params.permission !== undefined
  if (!roleAsked && !permissionAsked) return "skip"
  if (roleAsked && typeof params.role !== "string") return "fail"
  if (permissionAsked && typeof params.permission !== "string") return "fail"
  if (!auth.orgId) return "fail"
  if (typeof params.role === "string") {
    if (!auth.orgRole || withOrgPrefix(auth.orgRole) !== withOrgPrefix(params.role)) return "fail"
  }
  if (typeof params.permission === "string") {
    if (auth.orgPermissions === null || !auth.orgPermissions.includes(withOrgPrefix(params.permission))) {
      return "fail"
    }
  }
  return "pass"
}

const hasFeatureOrPlan = (claim: string, wanted: string): boolean => {
  const scoped = splitByScope(claim)
  if (scoped === undefined) return false
  const [rawScope = "", rawId] = wanted.split(":")
  const id = rawId || rawScope
  if (rawId === undefined) return scoped.org.includes(id) || scoped.user.includes(id)
  if (ORG_SCOPES.has(rawScope)) return scoped.org.includes(id)
  if (USER_SCOPES.has(rawScope)) return scoped.user.includes(id)
  return false
}

const checkBilling = (params: CheckAuthorizationParams, auth: Authorization): Outcome => {
  const featureAsked = params.feature !== undefined
  const planAsked = params.plan !== undefined
  if (!featureAsked && !planAsked) return "skip"
  if (featureAsked && (typeof params.feature !== "string" || !auth.features)) return "fail"
  if (planAsked && (typeof params.plan !== "string" || !auth.plans)) return "fail"
  if (typeof params.feature === "string" && !hasFeatureOrPlan(auth.features, params.feature)) return "fail"
  if (typeof params.plan === "string" && !hasFeatureOrPlan(auth.plans, params.plan)) return "fail"
  return "pass"
}

const PRESETS: Readonly<Record<ReverificationPreset, ReverificationConfig>> = {
  strict_mfa: { afterMinutes: 10, level: "multi_factor" },
  strict: { afterMinutes: 10, level: "second_factor" },
  moderate: { afterMinutes: 60, level: "second_factor" },
  lax: { afterMinutes: 1440, level: "second_factor" }
}

const isPreset = (value: unknown): value is ReverificationPreset =>
  typeof value === "string" && Object.hasOwn(PRESETS, value)

const isLevel = (value: unknown): value is ReverificationLevel =>
  value === "first_factor" || value === "second_factor" || value === "multi_factor"

const reverificationConfig = (value: unknown): ReverificationConfig | undefined => {
  if (isPreset(value)) return PRESETS[value]
  if (typeof value !== "object" || value === null) return undefined
  const level: unknown = Reflect.get(value, "level")
  const afterMinutes: unknown = Reflect.get(value, "afterMinutes")
  return isLevel(level) && typeof afterMinutes === "number" && afterMinutes > 0 ? { level, afterMinutes } : undefined
}

const isFactorAge = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x) && (x === -1 || x >= 0)

const checkReverification = (params: CheckAuthorizationParams, auth: Authorization): Outcome => {
  if (params.reverification === undefined) return "skip"
  const fva = auth.factorVerificationAge
  if (fva === null || fva.length !== 2 || !isFactorAge(fva[0]) || !isFactorAge(fva[1])) return "fail"
  const config = reverificationConfig(params.reverification)
  if (config === undefined) return "fail"
  const [first, second] = fva
  if (first === -1 && second === -1) return "fail"
  const firstFresh = first !== -1 && config.afterMinutes > first
  const secondFresh = second !== -1 && config.afterMinutes > second
  switch (config.level) {
    case "first_factor":
      return firstFresh ? "pass" : "fail"
    case "second_factor":
      // Graceful downgrade: a user with one factor enrolled passes on that one.
      if (second === -1) return firstFresh ? "pass" : "fail"
      return secondFresh ? "pass" : "fail"
    case "multi_factor":
      if (second === -1) return firstFresh ? "pass" : "fail"
      if (first === -1) return "fail"
      return firstFresh && secondFresh ? "pass" : "fail"
  }
}

/**
 * Clerk's `createCheckAuthorization`: each dimension (organization, billing, reverification) passes,
 * fails or is skipped when not asked about; true only if one passes and none fails. Always false without
 * a user, and for inputs that are not what the types say (JavaScript callers): fail closed.
 */
const checkAuthorization = (auth: Authorization) => (params: CheckAuthorizationParams): boolean => {
  if (!auth.userId || typeof params !== "object" || params === null) return false
  const outcomes = [checkOrganization(params, auth), checkBilling(params, auth), checkReverification(params, auth)]
  return outcomes.includes("pass") && !outcomes.includes("fail")
}

// -----------------------------------------------------------------------------------------------------------
// toAuth
// -----------------------------------------------------------------------------------------------------------

const never = (): false => false

const signedOut = (sessionStatus: SessionStatus | null): SignedOutAuthObject => ({
  tokenType: "session_token",
  isAuthenticated: false,
  sessionClaims: null,
  sessionId: null,
  sessionStatus,
  userId: null,
  actor: null,
  orgId: null,
  orgRole: null,
  orgSlug: null,
  orgPermissions: null,
  factorVerificationAge: null,
  has: never
})

/** The signed-out auth object: every field `null`, `has()` always false. */
export const signedOutAuthObject: SignedOutAuthObject = signedOut(null)

interface Organization {
  readonly orgId: string | null
  readonly orgRole: string | null
  readonly orgSlug: string | null
  readonly orgPermissions: ReadonlyArray<string> | null
}

const organization = (claims: SessionClaims): Organization => {
  if (claims.v === 2) {
    const o = claims.o
    if (o === undefined || o === null) return { orgId: null, orgRole: null, orgSlug: null, orgPermissions: null }
    return {
      orgId: o.id ?? null,
      orgRole: o.rol ? `org:${o.rol}` : null,
      orgSlug: o.slg ?? null,
      orgPermissions: orgPermissionsV2(claims.fea, o.per, o.fpm)
    }
  }
  return {
    orgId: claims.org_id ?? null,
    orgRole: claims.org_role ?? null,
    orgSlug: claims.org_slug ?? null,
    orgPermissions: claims.org_permissions ?? null
  }
}

/**
 * The auth object of verified session claims (Clerk's `signedInAuthObject`), or the signed-out one for a
 * `pending` session unless `treatPendingAsSignedOut: false`.
 */
export const toAuth = (
  claims: SessionClaims,
  options?: ToAuthOptions
): SignedInAuthObject | SignedOutAuthObject => {
  const sessionStatus = claims.sts ?? null
  if (sessionStatus === "pending" && options?.treatPendingAsSignedOut !== false) return signedOut(sessionStatus)
  const org = organization(claims)
  const factorVerificationAge = claims.fva ?? null
  return {
    tokenType: "session_token",
    isAuthenticated: true,
    sessionClaims: claims,
    sessionId: claims.sid ?? null,
    sessionStatus,
    userId: claims.sub,
    actor: claims.act ?? null,
    ...org,
    factorVerificationAge,
    has: checkAuthorization({
      userId: claims.sub,
      orgId: org.orgId,
      orgRole: org.orgRole,
      orgPermissions: org.orgPermissions,
      features: claims.fea || "",
      plans: claims.pla || "",
      factorVerificationAge
    })
  }
}
