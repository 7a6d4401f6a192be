/**
 * `toAuth` and `has()`: v1 and v2 claims, the v2 permission expansion (`fea` × `o.per` × `o.fpm`), and the
 * authorization rules, each checked against known vectors and against `@clerk/shared`'s own functions
 * (the ones `@clerk/backend` calls) on the same claims.
 */
import { createCheckAuthorization } from "@clerk/shared/authorization"
import { __experimental_JWTPayloadToAuthObjectProperties as clerkAuthProperties } from "@clerk/shared/jwtPayloadParser"
import { describe, expect, it } from "@effect/vitest"
import * as Schema from "effect/Schema"
import {
  type CheckAuthorizationParams,
  SessionClaims,
  type SignedInAuthObject,
  signedOutAuthObject,
  toAuth
} from "../../src/ClerkAuth.js"
import { orgPermissionsV2 } from "../../src/internal/auth/authObject.js"

const decode = Schema.decodeUnknownSync(SessionClaims)

const base = { sub: "user_1", sid: "sess_1", exp: 2_000_000_000, iat: 1_999_999_000, iss: "https://x.clerk.accounts.dev" }

const signedIn = (claims: Record<string, unknown>): SignedInAuthObject => {
  const auth = toAuth(decode({ ...base, ...claims }))
  if (!auth.isAuthenticated) throw new Error("expected a signed-in auth object")
  return auth
}

/** What `@clerk/backend`'s `signedInAuthObject` would give for the same claims, with `undefined` as `null`. */
const clerkFields = (claims: Record<string, unknown>) => {
  const p = clerkAuthProperties({ ...base, ...claims } as never)
  return {
    userId: p.userId,
    sessionId: p.sessionId ?? null,
    sessionStatus: p.sessionStatus ?? null,
    actor: p.actor ?? null,
    orgId: p.orgId ?? null,
    orgRole: p.orgRole ?? null,
    orgSlug: p.orgSlug ?? null,
    orgPermissions: p.orgPermissions ?? null,
    factorVerificationAge: p.factorVerificationAge ?? null
  }
}

const ourFields = (auth: SignedInAuthObject) => ({
  userId: auth.userId,
  sessionId: auth.sessionId,
  sessionStatus: auth.sessionStatus,
  actor: auth.actor,
  orgId: auth.orgId,
  orgRole: auth.orgRole,
  orgSlug: auth.orgSlug,
  orgPermissions: auth.orgPermissions,
  factorVerificationAge: auth.factorVerificationAge
})

const v1 = {
  org_id: "org_1",
  org_role: "org:admin",
  org_slug: "acme",
  org_permissions: ["org:invoices:read", "org:sys_memberships:manage"],
  fva: [3, 20],
  act: { sub: "user_admin", iss: "https://dashboard.clerk.com" }
}

const v2 = {
  v: 2,
  sts: "active",
  fea: "o:reservations,o:impersonation,u:dashboard,uo:support-chat",
  pla: "o:pro,u:free",
  o: { id: "org_2", rol: "admin", slg: "acme", per: "read,manage,delete", fpm: "3,4,5" },
  fva: [2, -1]
}

describe("toAuth", () => {
  it("reads v1 claims", () => {
    const auth = signedIn(v1)
    expect(ourFields(auth)).toEqual({
      userId: "user_1",
      sessionId: "sess_1",
      sessionStatus: null,
      actor: { sub: "user_admin", iss: "https://dashboard.clerk.com" },
      orgId: "org_1",
      orgRole: "org:admin",
      orgSlug: "acme",
      orgPermissions: ["org:invoices:read", "org:sys_memberships:manage"],
      factorVerificationAge: [3, 20]
    })
    expect(auth.tokenType).toBe("session_token")
    expect(auth.sessionClaims.org_id).toBe("org_1")
  })

  it("reads v2 claims, rebuilding the organization permissions from fea, o.per and o.fpm", () => {
    const auth = signedIn(v2)
    expect(auth.orgId).toBe("org_2")
    expect(auth.orgRole).toBe("org:admin")
    expect(auth.orgSlug).toBe("acme")
    expect(auth.sessionStatus).toBe("active")
    // Org features in order: reservations (3 = read, manage), impersonation (4 = delete),
    // support-chat (5 = read, delete); dashboard is user-scoped and takes no fpm entry.
    expect(auth.orgPermissions).toEqual([
      "org:reservations:read",
      "org:reservations:manage",
      "org:impersonation:delete",
      "org:support-chat:read",
      "org:support-chat:delete"
    ])
  })

  it("expands permission bitmasks as Clerk does (vectors)", () => {
    const vectors: ReadonlyArray<readonly [string, string, string, ReadonlyArray<string>]> = [
      // The reference's example: nothing for impersonation.
      ["o:reservations,o:impersonation", "read,manage", "3", ["org:reservations:read", "org:reservations:manage"]],
      ["o:a,o:b", "read,manage", "1,2", ["org:a:read", "org:b:manage"]],
      ["o:a", "read,manage", "0", []],
      ["o:a", "read,manage", "7", ["org:a:read", "org:a:manage"]], // bits beyond `per` are ignored
      ["o:a", "read, manage", " 2", ["org:a:manage"]], // trimmed
      ["o:a,o:b", "read", "x,1", ["org:b:read"]], // not a decimal: nothing for that feature
      ["o:a,o:b", "read", "-1,1", ["org:b:read"]],
      ["o:a,o:b,o:c", "read", "1", ["org:a:read"]], // fewer masks than features
      ["u:a,o:b", "read", "1", ["org:b:read"]],
      ["o:a", "", "1", []],
      ["", "read", "1", []],
      ["o:a", "read", "", []],
      ["o:a", "read", "000001", ["org:a:read"]],
      // Beyond 2^53: 2^70 + 1 sets the first and the 71st permission.
      [
        "o:big",
        Array.from({ length: 72 }, (_, i) => `p${i}`).join(","),
        (2n ** 70n + 1n).toString(),
        ["org:big:p0", "org:big:p70"]
      ]
    ]
    for (const [fea, per, fpm, expected] of vectors) {
      expect(orgPermissionsV2(fea, per, fpm)).toEqual(expected)
      const clerk = clerkAuthProperties({ ...base, v: 2, fea, o: { id: "org_1", per, fpm } } as never).orgPermissions
      expect(clerk).toEqual(expected)
    }
  })

  it("grants no permissions when fea has an element without scope (Clerk throws there)", () => {
    expect(signedIn({ v: 2, fea: "o:a,broken", o: { id: "org_1", per: "read", fpm: "1" } }).orgPermissions).toEqual([])
    expect(() => clerkAuthProperties({ ...base, v: 2, fea: "o:a,broken", o: { id: "org_1", per: "read", fpm: "1" } } as never))
      .toThrow()
  })

  it("matches @clerk/shared's parser field for field", () => {
    const cases: ReadonlyArray<Record<string, unknown>> = [
      {},
      v1,
      v2,
      { v: 2 },
      { v: 2, o: { id: "org_3" } },
      { v: 2, o: { id: "org_3", rol: "member", per: "read", fpm: "1" }, fea: "o:x" },
      { v: 2, org_id: "org_v1_ignored", o: { id: "org_3", slg: "s" } },
      { v: 3, org_id: "org_v1", org_role: "org:member" },
      { sts: "pending" },
      { act: { sub: "user_x" }, fva: [-1, -1] }
    ]
    for (const claims of cases) {
      expect(ourFields(toAuth(decode({ ...base, ...claims }), { treatPendingAsSignedOut: false }) as SignedInAuthObject))
        .toEqual(clerkFields(claims))
    }
  })

  it("signs out a pending session unless told not to", () => {
    const claims = decode({ ...base, ...v2, sts: "pending" })
    const auth = toAuth(claims)
    expect(auth).toMatchObject({ ...signedOutAuthObject, sessionStatus: "pending", has: expect.any(Function) })
    expect(auth.has({ role: "admin" })).toBe(false)
    const kept = toAuth(claims, { treatPendingAsSignedOut: false })
    expect(kept.isAuthenticated && kept.userId).toBe("user_1")
    expect(signedOutAuthObject.has({ role: "admin" })).toBe(false)
  })
})

describe("has()", () => {
  const grid: ReadonlyArray<CheckAuthorizationParams> = [
    {},
    { role: "admin" },
    { role: "org:admin" },
    { role: "org:org:admin" },
    { role: "member" },
    { permission: "org:reservations:read" },
    { permission: "reservations:read" },
    { permission: "org:reservations:delete" },
    { permission: "org:invoices:read" },
    { role: "admin", permission: "org:reservations:manage" },
    { role: "member", permission: "org:reservations:manage" },
    { feature: "reservations" },
    { feature: "o:reservations" },
    { feature: "org:reservations" },
    { feature: "organization:support-chat" },
    { feature: "u:support-chat" },
    { feature: "user:dashboard" },
    { feature: "o:dashboard" },
    { feature: "dashboard" },
    { feature: "x:dashboard" },
    { feature: "o:" },
    { feature: "" },
    { plan: "pro" },
    { plan: "o:pro" },
    { plan: "u:pro" },
    { plan: "u:free" },
    { plan: "free", feature: "dashboard" },
    { plan: "free", feature: "nope" },
    { role: "admin", feature: "nope" },
    { reverification: "strict" },
    { reverification: "strict_mfa" },
    { reverification: "moderate" },
    { reverification: "lax" },
    { reverification: { level: "first_factor", afterMinutes: 1 } },
    { reverification: { level: "first_factor", afterMinutes: 3 } },
    { reverification: { level: "second_factor", afterMinutes: 25 } },
    { reverification: { level: "multi_factor", afterMinutes: 25 } },
    { reverification: { level: "multi_factor", afterMinutes: 0 } },
    { role: "admin", reverification: "strict" }
  ]
  const claimSets: ReadonlyArray<Record<string, unknown>> = [
    v1,
    v2,
    { ...v2, fva: [2, 20] },
    { ...v2, fva: [-1, -1] },
    { ...v2, fva: [-1, 5] },
    { ...v2, fea: "o:a,bad" },
    { v: 2, fea: "u:dashboard", pla: "u:free" },
    {}
  ]

  it("answers as @clerk/shared's createCheckAuthorization on a grid of claims and questions", () => {
    let checked = 0
    for (const claims of claimSets) {
      const auth = signedIn(claims)
      const clerk = createCheckAuthorization({
        userId: auth.userId,
        orgId: auth.orgId,
        orgRole: auth.orgRole,
        orgPermissions: auth.orgPermissions,
        factorVerificationAge: auth.factorVerificationAge,
        features: auth.sessionClaims.fea || "",
        plans: auth.sessionClaims.pla || ""
      } as never)
      for (const params of grid) {
        expect([claims, params, auth.has(params)]).toEqual([claims, params, clerk(params as never)])
        checked++
      }
    }
    expect(checked).toBe(claimSets.length * grid.length)
  })

  it("gives the expected answers (vectors)", () => {
    const auth = signedIn(v2) // fva [2, -1]: first factor 2 minutes ago, no second factor
    expect(auth.has({ role: "admin" })).toBe(true)
    expect(auth.has({ role: "org:admin" })).toBe(true)
    expect(auth.has({ permission: "org:reservations:manage" })).toBe(true)
    expect(auth.has({ permission: "reservations:manage" })).toBe(true)
    expect(auth.has({ permission: "org:impersonation:read" })).toBe(false)
    expect(auth.has({ feature: "dashboard" })).toBe(true)
    expect(auth.has({ feature: "o:dashboard" })).toBe(false)
    expect(auth.has({ plan: "pro" })).toBe(true)
    expect(auth.has({ plan: "u:pro" })).toBe(false)
    expect(auth.has({ reverification: "strict_mfa" })).toBe(true) // downgrades to the one enrolled factor
    expect(auth.has({ reverification: { level: "first_factor", afterMinutes: 2 } })).toBe(false)
    expect(auth.has({ role: "admin", feature: "nope" })).toBe(false)
    expect(auth.has({})).toBe(false)
    const noOrg = signedIn({ v: 2, fea: "u:dashboard" })
    expect(noOrg.orgPermissions).toBeNull()
    expect(noOrg.has({ role: "admin" })).toBe(false)
    expect(noOrg.has({ feature: "dashboard" })).toBe(true)
  })

  it("fails closed on inputs that are not what the types say", () => {
    const auth = signedIn(v2)
    const untyped: ReadonlyArray<CheckAuthorizationParams> = JSON.parse(
      "[{\"role\":5},{\"permission\":[\"org:reservations:read\"]},{\"feature\":{}},{\"plan\":null}," +
        "{\"reverification\":\"sometimes\"},{\"reverification\":{\"level\":\"third_factor\",\"afterMinutes\":5}}," +
        "{\"reverification\":{\"level\":\"first_factor\",\"afterMinutes\":\"5\"}},{\"role\":\"admin\",\"plan\":7}]"
    )
    for (const params of untyped) expect(auth.has(params)).toBe(false)
    expect(auth.has(JSON.parse("null"))).toBe(false)
  })
})
