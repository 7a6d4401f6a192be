/**
 * The instance itself: its settings groups (protect, communication, OAuth applications, organizations, the
 * beta auth config), its domains (the primary one and satellites), the Svix app behind its webhooks, and
 * testing tokens. The offline Clerk stores the settings and answers them back; apart from the restrictions
 * (`restrictions.ts`) they change nothing else it does.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Errors from "../internal/errors.js"
import * as Input from "../internal/input.js"
import type * as Model from "../internal/model.js"
import type { Routes } from "../internal/router.js"
import * as Serialize from "../internal/serialize.js"
import { Signer } from "../internal/signer.js"
import type { Tx } from "../internal/tx.js"

const nullable = Input.nullable

/** Each group's object name and defaults (a new development instance's), in wire format. */
const DEFAULTS: Readonly<Record<string, Model.Settings>> = {
  protect: { object: "instance_protect", rules_enabled: false, specter_enabled: false, checks_bypassed: false },
  communication: { object: "instance_communication", blocked_country_codes: [] },
  oauth_application_settings: {
    object: "oauth_application_settings",
    dynamic_oauth_client_registration: false,
    default_scopes: null,
    oauth_jwt_access_tokens: false,
    client_id_metadata_documents_advertised: false,
    client_id_metadata_documents_only_allow_pre_registered_clients: false,
    client_id_metadata_documents_block_implicitly_allowed_clients: false
  },
  organization_settings: {
    object: "organization_settings",
    enabled: true,
    max_allowed_memberships: 5,
    max_allowed_roles: 10,
    max_allowed_domains: 10,
    creator_role: "org:admin",
    admin_delete_enabled: true,
    domains_enabled: false,
    slug_disabled: false,
    domains_enrollment_modes: ["manual_invitation"],
    domains_default_role: "org:member",
    initial_role_set_key: null
  },
  auth_config: {
    object: "instance_settings",
    id: "",
    restricted_to_allowlist: false,
    from_email_address: "notifications",
    progressive_sign_up: true,
    enhanced_email_deliverability: false
  }
}

const settingsOf = (tx: Tx, group: string): Model.Settings => ({
  ...DEFAULTS[group],
  ...tx.world.instance.settings[group]
})

/** Stores the fields given (`null` leaves a field as it is, as Clerk's PATCH does) and answers the group. */
const patch = (tx: Tx, group: string, fields: Readonly<Record<string, unknown>>): Model.Settings => {
  const changes: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(fields)) if (value !== undefined && value !== null) changes[key] = value
  const next = { ...settingsOf(tx, group), ...changes }
  tx.setInstance({ ...tx.world.instance, settings: { ...tx.world.instance.settings, [group]: next } })
  return next
}

const ProtectBody = Schema.Struct({ rules_enabled: nullable(Schema.Boolean), specter_enabled: nullable(Schema.Boolean) })

const CommunicationBody = Schema.Struct({
  blocked_country_codes: nullable(Schema.Array(Schema.String.pipe(Schema.pattern(/^[A-Z]{2}$/))))
})

const OAuthSettingsBody = Schema.Struct({
  dynamic_oauth_client_registration: nullable(Schema.Boolean),
  default_scopes: nullable(Schema.Array(Schema.String)),
  oauth_jwt_access_tokens: nullable(Schema.Boolean),
  client_id_metadata_documents_advertised: nullable(Schema.Boolean),
  client_id_metadata_documents_only_allow_pre_registered_clients: nullable(Schema.Boolean),
  client_id_metadata_documents_block_implicitly_allowed_clients: nullable(Schema.Boolean)
})

const OrganizationSettingsBody = Schema.Struct({
  enabled: nullable(Schema.Boolean),
  max_allowed_memberships: nullable(Schema.Int.pipe(Schema.greaterThanOrEqualTo(0))),
  admin_delete_enabled: nullable(Schema.Boolean),
  domains_enabled: nullable(Schema.Boolean),
  slug_disabled: nullable(Schema.Boolean),
  domains_enrollment_modes: Schema.optional(Schema.Array(Schema.String)),
  creator_role_id: nullable(Schema.String),
  domains_default_role_id: nullable(Schema.String)
})

const AuthConfigBody = Schema.Struct({
  restricted_to_allowlist: nullable(Schema.Boolean),
  from_email_address: nullable(Schema.String),
  progressive_sign_up: nullable(Schema.Boolean),
  test_mode: nullable(Schema.Boolean)
})

const AddDomainBody = Schema.Struct({
  name: Schema.String,
  is_satellite: Schema.Literal(true),
  proxy_url: nullable(Schema.String)
})

const UpdateDomainBody = Schema.Struct({
  name: nullable(Schema.String),
  proxy_url: nullable(Schema.String),
  is_secondary: nullable(Schema.Boolean)
})

const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/

const roleKey = (tx: Tx, id: string | null | undefined, param: string) => {
  if (id === undefined || id === null) return Effect.succeed(undefined)
  const role = tx.get("roles", id)
  return role === undefined
    ? Effect.fail(Errors.valueInvalid(param, `${param} must be the id of an organization role.`))
    : Effect.succeed(role.key)
}

const domainJson = (id: string, name: string, satellite: boolean, proxyUrl: string | null) => ({
  object: "domain",
  id,
  name,
  is_satellite: satellite,
  frontend_api_url: `https://clerk.${name}`,
  accounts_portal_url: satellite ? null : `https://accounts.${name}`,
  proxy_url: proxyUrl,
  development_origin: "",
  cname_targets: null
})

/** The primary domain: the host of the instance's Frontend API (the issuer), not stored, never removed. */
const primaryDomain = (tx: Tx) =>
  Effect.map(Signer, (signer) => {
    const host = new URL(signer.issuer).host
    return domainJson(`dmn_${tx.world.instance.id.replace(/^ins_/, "")}`, host, false, null)
  })

const checkDomainName = (tx: Tx, name: string, self?: string) => {
  const normalized = name.trim().toLowerCase()
  if (!DOMAIN.test(normalized)) return Effect.fail(Errors.formatInvalid("name", "a domain name, like example.com"))
  return tx.find("domains", (d) => d.name === normalized && d.id !== self) === undefined
    ? Effect.succeed(normalized)
    : Effect.fail(Errors.identifierExists("name"))
}

const findDomain = (tx: Tx, id: string) => {
  const row = tx.get("domains", id)
  return row === undefined ? Effect.fail(Errors.notFound("Domain")) : Effect.succeed(row)
}

const svixUrl = (tx: Tx) => `https://app.svix.com/app-portal/offline/${tx.world.instance.id}`

const noSvixApp = () => Errors.notFound("Svix app")

/**
 * @since 0.1.0
 * @category routes
 */
export const routes: Routes = {
  GetInstanceProtect: (_, tx) => Effect.succeed(Input.ok(settingsOf(tx, "protect"))),
  UpdateInstanceProtect: (request, tx) =>
    Effect.map(Input.body(ProtectBody, request), (body) => Input.ok(patch(tx, "protect", body))),
  GetInstanceCommunication: (_, tx) => Effect.succeed(Input.ok(settingsOf(tx, "communication"))),
  UpdateInstanceCommunication: (request, tx) =>
    Effect.map(Input.body(CommunicationBody, request), (body) => Input.ok(patch(tx, "communication", body))),
  GetInstanceOAuthApplicationSettings: (_, tx) => Effect.succeed(Input.ok(settingsOf(tx, "oauth_application_settings"))),
  UpdateInstanceOAuthApplicationSettings: (request, tx) =>
    Effect.map(Input.body(OAuthSettingsBody, request), (body) => Input.ok(patch(tx, "oauth_application_settings", body))),
  GetInstanceOrganizationSettings: (_, tx) => Effect.succeed(Input.ok(settingsOf(tx, "organization_settings"))),
  UpdateInstanceOrganizationSettings: (request, tx) =>
    Effect.gen(function*() {
      const { creator_role_id, domains_default_role_id, ...body } = yield* Input.body(OrganizationSettingsBody, request)
      return Input.ok(patch(tx, "organization_settings", {
        ...body,
        creator_role: yield* roleKey(tx, creator_role_id, "creator_role_id"),
        domains_default_role: yield* roleKey(tx, domains_default_role_id, "domains_default_role_id")
      }))
    }),
  UpdateInstanceAuthConfig: (request, tx) =>
    Effect.gen(function*() {
      const { test_mode: _testMode, ...body } = yield* Input.body(AuthConfigBody, request)
      return Input.ok({ ...patch(tx, "auth_config", body), id: tx.world.instance.id })
    }),

  ListDomains: (_, tx) =>
    Effect.map(primaryDomain(tx), (primary) => {
      const satellites = tx.rows("domains").map((row) => domainJson(row.id, row.name, true, row.proxyUrl))
      return Input.ok({ data: [primary, ...satellites], total_count: satellites.length + 1 })
    }),
  AddDomain: (request, tx) =>
    Effect.gen(function*() {
      const body = yield* Input.body(AddDomainBody, request)
      const row = tx.put("domains", {
        id: tx.id("dmn"),
        seq: tx.seq(),
        name: yield* checkDomainName(tx, body.name),
        proxyUrl: body.proxy_url ?? null,
        createdAt: tx.now,
        updatedAt: tx.now
      })
      return Input.ok(domainJson(row.id, row.name, true, row.proxyUrl))
    }),
  UpdateDomain: (request, tx) =>
    Effect.gen(function*() {
      const body = yield* Input.body(UpdateDomainBody, request)
      const row = yield* findDomain(tx, request.params["domain_id"] ?? "")
      const updated = tx.put("domains", {
        ...row,
        name: body.name === undefined || body.name === null ? row.name : yield* checkDomainName(tx, body.name, row.id),
        proxyUrl: body.proxy_url === undefined ? row.proxyUrl : body.proxy_url,
        updatedAt: tx.now
      })
      return Input.ok(domainJson(updated.id, updated.name, true, updated.proxyUrl))
    }),
  DeleteDomain: (request, tx) =>
    Effect.gen(function*() {
      const row = yield* findDomain(tx, request.params["domain_id"] ?? "")
      tx.remove("domains", row.id)
      return Input.ok(Serialize.deleted("domain", row.id))
    }),

  CreateSvixApp: (_, tx) =>
    Effect.sync(() => {
      tx.setInstance({ ...tx.world.instance, svixApp: true })
      return Input.ok({ svix_url: svixUrl(tx) })
    }),
  GenerateSvixAuthURL: (_, tx) =>
    tx.world.instance.svixApp ? Effect.succeed(Input.ok({ svix_url: svixUrl(tx) })) : Effect.fail(noSvixApp()),
  DeleteSvixApp: (_, tx) => {
    if (!tx.world.instance.svixApp) return Effect.fail(noSvixApp())
    tx.setInstance({ ...tx.world.instance, svixApp: false })
    return Effect.succeed(Input.noContent)
  },

  CreateTestingToken: (_, tx) =>
    Effect.succeed(Input.ok({ object: "testing_token", token: `${tx.token()}`, expires_at: tx.now + 3_600_000 }))
}
