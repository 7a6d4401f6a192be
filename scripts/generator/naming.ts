/**
 * Names: of models, of fields, of services and their methods.
 */
import * as fs from "node:fs"
import { fileURLToPath } from "node:url"
import type { OperationObject } from "./spec.js"

const upperFirst = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1)

const words = (s: string): ReadonlyArray<string> => s.split(/[^A-Za-z0-9]+/).filter((part) => part !== "")

/**
 * A component schema's name as a PascalCase identifier. A name that already is one stays as the spec spells it
 * (`SAMLConnection`, `OAuthApplication`); otherwise its words are joined, all-caps and all-lowercase words
 * capitalised (`JWKS.rsa.PublicKey` → `JwksRsaPublicKey`, `verification_otp` → `VerificationOtp`).
 */
export const identifierOf = (specName: string): string => {
  const parts = words(specName)
  if (parts.length === 1 && parts[0] === specName) return upperFirst(specName)
  return parts
    .map((part) => part === part.toUpperCase() || part === part.toLowerCase() ? upperFirst(part.toLowerCase()) : upperFirst(part))
    .join("")
}

/**
 * The package's root module re-exports the models, the services and the error module side by side, so a model
 * may not take a service's name (`Organizations`, the `{data, total_count}` page, vs the `Organizations`
 * service) or a name of the error module (`ClerkError`). Such a model gets a `Response` suffix
 * (`OrganizationsResponse`), or the name given here.
 */
const reservedRenames: Readonly<Record<string, string>> = {
  ClerkError: "ClerkErrorEntry"
}

/** Names exported by `src/ClerkError.ts` (read from its source: many are types only). */
export const coreNames = (): ReadonlySet<string> => {
  const source = fs.readFileSync(fileURLToPath(new URL("../../src/ClerkError.ts", import.meta.url)), "utf8")
  const names = [...source.matchAll(/^export (?:declare )?(?:const|class|type|interface|function) (\w+)/gm)]
  return new Set(["Clerk", "ClerkLive", "ClerkClient", "Retry", ...names.map((m) => m[1] ?? "")])
}

/** A model's name: its identifier, unless that is reserved. */
export const modelNamer = (reserved: ReadonlySet<string>) => (specName: string): string => {
  const name = identifierOf(specName)
  if (!reserved.has(name)) return name
  const renamed = reservedRenames[name] ?? `${name}Response`
  if (reserved.has(renamed)) throw new Error(`Model ${specName}: both ${name} and ${renamed} are taken`)
  return renamed
}

/** A wire name as a camelCase key: `user_id` → `userId`, `x5t#S256` → `x5tS256`, `statementID` stays. */
export const camelCase = (wire: string): string => {
  const parts = words(wire)
  const [first = "", ...rest] = parts
  const key = first + rest.map(upperFirst).join("")
  return /^[0-9]/.test(key) ? `_${key}` : key
}

/** An operationId as a PascalCase identifier: `createSession` → `CreateSession`. */
export const operationName = (operationId: string): string => upperFirst(operationId)

export const isIdentifier = (s: string): boolean => /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(s)

/** An object key as source: bare when it is an identifier, quoted otherwise. */
export const propertyKey = (key: string): string => isIdentifier(key) ? key : JSON.stringify(key)

/**
 * Spec quirk: the six template operations are split over three Speakeasy groups (`emailSMSTemplates`,
 * `emailAndSmsTemplates` for `UpsertTemplate`, `templates` for `PreviewTemplate`). They are one resource, so
 * they become one service. Groups renamed for other reasons are here too.
 */
const mergedGroups: Readonly<Record<string, string>> = {
  emailAndSmsTemplates: "emailSmsTemplates",
  emailSMSTemplates: "emailSmsTemplates",
  templates: "emailSmsTemplates",
  // Not a merge but a rename: `Webhooks` is the verifier of incoming webhooks (src/Webhooks.ts), which most
  // apps use; this group only manages the Svix app that delivers them (`createSvixApp`, `deleteSvixApp`, …).
  webhooks: "svixApps"
}

/**
 * Spec quirk: twelve operations carry neither `x-speakeasy-group` nor `x-speakeasy-name-override`. They get
 * names in the same style as the others.
 */
const unnamedOperations: Readonly<Record<string, string>> = {
  GetInstanceProtect: "instanceSettings.getProtect",
  UpdateInstanceProtect: "instanceSettings.updateProtect",
  createAdminPortalLinkToken: "adminPortalLinkTokens.create",
  revokeAdminPortalLinkToken: "adminPortalLinkTokens.revoke",
  createApiKey: "apiKeys.create",
  getApiKeys: "apiKeys.list",
  getApiKey: "apiKeys.get",
  updateApiKey: "apiKeys.update",
  deleteApiKey: "apiKeys.delete",
  getApiKeySecret: "apiKeys.getSecret",
  revokeApiKey: "apiKeys.revoke",
  verifyApiKey: "apiKeys.verify"
}

export interface MethodName {
  /** The resource group, `users`. */
  readonly group: string
  /** The method, `get`. */
  readonly method: string
}

/**
 * The SDK name of an operation, from `x-speakeasy-group` and `x-speakeasy-name-override`. An override of the
 * form `group.name` (`users.getInstanceOrganizationMemberships`) moves the operation to that group.
 */
export const methodName = (operation: OperationObject): MethodName => {
  const fallback = unnamedOperations[operation.operationId]
  const group = operation["x-speakeasy-group"]
  const override = operation["x-speakeasy-name-override"]
  let qualified: string
  if (fallback !== undefined) {
    if (group !== undefined || override !== undefined) {
      throw new Error(`${operation.operationId} now has Speakeasy names: drop it from unnamedOperations`)
    }
    qualified = fallback
  } else if (override !== undefined && override.includes(".")) {
    qualified = override
  } else if (group !== undefined && override !== undefined) {
    qualified = `${group}.${override}`
  } else {
    throw new Error(`${operation.operationId} has no Speakeasy group or name: add it to unnamedOperations`)
  }
  const [rawGroup = "", method = "", ...extra] = qualified.split(".")
  if (rawGroup === "" || method === "" || extra.length > 0) throw new Error(`Bad name ${qualified}`)
  return { group: mergedGroups[rawGroup] ?? rawGroup, method }
}

/** Service class names that plain capitalisation would get wrong. */
const serviceNameOverrides: Readonly<Record<string, string>> = {
  m2m: "M2M",
  oauthApplications: "OAuthApplications",
  oauthAccessTokens: "OAuthAccessTokens",
  emailSmsTemplates: "EmailSmsTemplates"
}

/** The service class of a group: `users` → `Users`, `oauthApplications` → `OAuthApplications`. */
export const serviceName = (group: string): string => serviceNameOverrides[group] ?? upperFirst(group)

/** Members `Effect.Service` forbids (`Service.ProhibitedType`) or that a class already has. */
export const prohibitedMethodNames: ReadonlySet<string> = new Set([
  "Service",
  "Identifier",
  "Default",
  "DefaultWithoutDependencies",
  "of",
  "make",
  "context",
  "key",
  "stack",
  "name",
  "pipe",
  "use",
  "_tag",
  "prototype",
  "length",
  "constructor"
])
