/**
 * The claims of the tokens the offline Clerk mints: v2 session tokens (`sid`, `sts`, `v: 2`, the active
 * organization as `o`), and JWT-template tokens, whose `{{user.…}}`/`{{org.…}}`/`{{session.…}}` shortcodes
 * are filled in from the session's user and active organization.
 */
import * as Model from "./model.js"
import * as Serialize from "./serialize.js"
import type { Tx } from "./tx.js"

/** Clerk's default session-token lifetime. */
export const DEFAULT_LIFETIME_SECONDS = 60
/** Clerk backdates `nbf` to absorb clock skew between servers. */
const NOT_BEFORE_SKEW_SECONDS = 10

export interface TokenOptions {
  readonly issuer: string
  readonly expiresInSeconds: number
  /** The origin the token is for (`azp`); Clerk sets the frontend's origin, the offline Clerk only when asked. */
  readonly authorizedParty?: string | undefined
}

const registered = (tx: Tx, session: Model.SessionRow, options: TokenOptions) => {
  const iat = Math.floor(tx.now / 1000)
  return {
    ...(options.authorizedParty === undefined ? {} : { azp: options.authorizedParty }),
    exp: iat + options.expiresInSeconds,
    iat,
    iss: options.issuer,
    jti: tx.token().slice(0, 20),
    nbf: iat - NOT_BEFORE_SKEW_SECONDS,
    sid: session.id,
    sub: session.userId
  }
}

const activeOrganization = (tx: Tx, session: Model.SessionRow) => {
  const id = session.lastActiveOrganizationId
  const org = id === null ? undefined : tx.get("organizations", id)
  const membership = org === undefined
    ? undefined
    : tx.find("memberships", (m) => m.organizationId === org.id && m.userId === session.userId)
  return org === undefined || membership === undefined ? undefined : { org, membership }
}

/** A v2 session token's claims. */
export const sessionClaims = (tx: Tx, session: Model.SessionRow, options: TokenOptions): Record<string, unknown> => {
  const active = activeOrganization(tx, session)
  return {
    ...registered(tx, session, options),
    // Minutes since the first factor was verified; -1: no second factor verified in this session.
    fva: [Math.floor((tx.now - session.createdAt) / 60_000), -1],
    sts: session.status === "pending" ? "pending" : "active",
    v: 2,
    ...(active === undefined
      ? {}
      : { o: { id: active.org.id, rol: active.membership.role.replace(/^org:/, ""), slg: active.org.slug } }),
    ...(session.actor === null ? {} : { act: session.actor })
  }
}

const lookup = (scope: unknown, path: ReadonlyArray<string>): unknown => {
  let value = scope
  for (const key of path) {
    if (typeof value !== "object" || value === null || !(key in value)) return null
    value = Reflect.get(value, key)
  }
  return value
}

const SHORTCODE = /\{\{\s*([a-z_]+(?:\.[A-Za-z0-9_]+)*)\s*\}\}/g
const WHOLE = /^\{\{\s*([a-z_]+(?:\.[A-Za-z0-9_]+)*)\s*\}\}$/

/** Fills shortcodes: a value that is one shortcode takes the raw value (an object, a number, null). */
const fill = (value: unknown, scope: Record<string, unknown>): unknown => {
  if (typeof value === "string") {
    const whole = WHOLE.exec(value)
    if (whole !== null) return lookup(scope, (whole[1] ?? "").split("."))
    return value.replace(SHORTCODE, (_, path: string) => {
      const found = lookup(scope, path.split("."))
      return found === null || found === undefined ? "" : typeof found === "string" ? found : JSON.stringify(found)
    })
  }
  if (Array.isArray(value)) return value.map((item) => fill(item, scope))
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, scope)]))
  }
  return value
}

/** A template token's claims: the template's claims, filled in, under the registered claims. */
export const templateClaims = (
  tx: Tx,
  session: Model.SessionRow,
  template: Model.JwtTemplateRow,
  options: TokenOptions
): Record<string, unknown> => {
  const user = tx.get("users", session.userId)
  const active = activeOrganization(tx, session)
  const userJson = user === undefined ? {} : Serialize.user(tx.world, user, tx.now)
  const primary = (id: string | null) => id === null ? null : tx.get("identifications", id)?.value ?? null
  const scope = {
    user: {
      ...userJson,
      primary_email_address: user === undefined ? null : primary(user.primaryEmailAddressId),
      primary_phone_number: user === undefined ? null : primary(user.primaryPhoneNumberId),
      primary_web3_wallet: user === undefined ? null : primary(user.primaryWeb3WalletId)
    },
    org: active === undefined ? null : {
      ...Serialize.organization(tx.world, active.org),
      role: active.membership.role,
      membership_metadata: active.membership.publicMetadata
    },
    session: { id: session.id, actor: session.actor }
  }
  const claims = fill(template.claims, scope)
  return {
    ...(typeof claims === "object" && claims !== null && !Array.isArray(claims) ? claims : {}),
    ...registered(tx, session, options)
  }
}

export const lifetime = (template: Model.JwtTemplateRow | undefined, requested: number | null | undefined): number =>
  requested ?? template?.lifetime ?? DEFAULT_LIFETIME_SECONDS

