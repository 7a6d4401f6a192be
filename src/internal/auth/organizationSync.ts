/**
 * Organization sync (`organizationSyncOptions`): URL patterns naming the organization a page belongs to
 * (`/orgs/:slug/…`, `/orgs/:id/…`) or saying it is the personal account. When the session's active
 * organization differs, Clerk's handshake activates the right one. A port of `OrganizationMatcher`.
 */
import * as PathPattern from "./pathPattern.js"

export interface OrganizationSyncOptions {
  /** Patterns with an `:id` or `:slug` parameter: `/orgs/:slug`, `/orgs/:slug/(.*)`. */
  readonly organizationPatterns?: ReadonlyArray<string> | undefined
  /** Patterns of the personal account's pages: `/me`, `/me/(.*)`. */
  readonly personalAccountPatterns?: ReadonlyArray<string> | undefined
}

export type Target =
  | { readonly type: "organization"; readonly organizationId?: string; readonly organizationSlug?: string }
  | { readonly type: "personalAccount" }

export interface OrganizationMatcher {
  readonly findTarget: (url: URL) => Target | undefined
}

export const none: OrganizationMatcher = { findTarget: () => undefined }

// An empty list matches nothing here; Clerk compiles `[]` into a pattern that matches every path, which
// would send every request with an active organization to the handshake.
const compile = (patterns: ReadonlyArray<string> | undefined): PathPattern.Matcher | undefined =>
  patterns === undefined || patterns.length === 0 ? undefined : PathPattern.compile(patterns)

const stringParam = (value: string | ReadonlyArray<string> | undefined): string | undefined =>
  typeof value === "string" && value !== "" ? value : undefined

/** The matcher of some options. Throws a `TypeError` naming the problem when a pattern is malformed. */
export const make = (options: OrganizationSyncOptions | undefined): OrganizationMatcher => {
  if (options === undefined) return none
  const organization = compile(options.organizationPatterns)
  const personal = compile(options.personalAccountPatterns)
  if (organization === undefined && personal === undefined) return none
  return {
    findTarget: (url) => {
      const found = organization?.(url.pathname)
      if (found !== undefined) {
        const id = stringParam(found.params["id"])
        if (id !== undefined) return { type: "organization", organizationId: id }
        const slug = stringParam(found.params["slug"])
        if (slug !== undefined) return { type: "organization", organizationSlug: slug }
      }
      return personal?.(url.pathname) !== undefined ? { type: "personalAccount" } : undefined
    }
  }
}

/** `organization_id` for the handshake URL: the id or slug to activate, `""` for the personal account. */
export const queryValue = (target: Target): string | undefined =>
  target.type === "personalAccount" ? "" : target.organizationSlug ?? target.organizationId
