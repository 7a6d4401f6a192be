/**
 * The local server, and the cross-check: Clerk's own `@clerk/backend`, pointed at the offline Clerk over real
 * HTTP on 127.0.0.1, creates, reads, lists, updates and deletes users, organizations and memberships, and sees
 * what effect-clerk (over `FetchHttpClient`, against the same server) sees. Bounded: one server on an
 * ephemeral port, stopped in `afterAll`.
 */
import { createClerkClient } from "@clerk/backend"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Scope from "effect/Scope"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { AllServices } from "../../services/index.js"
import { OrganizationMemberships } from "../../services/OrganizationMemberships.js"
import { Organizations } from "../../services/Organizations.js"
import { Users } from "../../services/Users.js"
import * as ClerkClient from "../../src/ClerkClient.js"
import { Faults } from "../../src/testing/index.js"
import * as OfflineServer from "../../src/testing/OfflineServer.js"

const scope = Effect.runSync(Scope.make())
let server: OfflineServer.OfflineServer

beforeAll(async () => {
  server = await Effect.runPromise(Scope.extend(OfflineServer.serve({ port: 0 }), scope))
})

afterAll(() => Effect.runPromise(Scope.close(scope, Exit.void)))

const backend = () => createClerkClient({ secretKey: "sk_test_offline", apiUrl: server.url })

/** effect-clerk over real HTTP, against the same server. */
const sdk = <A, E>(
  effect: Effect.Effect<A, E, Layer.Layer.Success<typeof AllServices> | ClerkClient.ClerkClient>,
  options: Partial<ClerkClient.Options> = {}
) =>
  Effect.provide(
    effect,
    Layer.provideMerge(
      AllServices,
      ClerkClient.layer({ secretKey: Redacted.make("sk_test_offline"), apiUrl: server.apiUrl, retry: false, ...options })
    ).pipe(Layer.provide(FetchHttpClient.layer))
  )

const call = <A>(f: () => Promise<A>) => Effect.promise(f)

const field = (value: unknown, key: string): unknown =>
  typeof value === "object" && value !== null ? Reflect.get(value, key) : undefined

/** What `@clerk/backend` throws: its status and Clerk's first error code. */
const rejection = (f: () => Promise<unknown>) =>
  Effect.promise(() =>
    f().then(
      () => ({ status: 0, code: "" }),
      (error: unknown) => {
        const status = field(error, "status")
        const errors = field(error, "errors")
        const code = field(Array.isArray(errors) ? errors[0] : undefined, "code")
        return { status: typeof status === "number" ? status : 0, code: typeof code === "string" ? code : "" }
      }
    )
  )

describe("@clerk/backend against the local server, cross-checked with effect-clerk", () => {
  it.live("users: create, read, list with filters, update metadata, delete", () =>
    Effect.gen(function*() {
      const clerk = backend()
      const ada = yield* call(() =>
        clerk.users.createUser({
          emailAddress: ["ada@example.com"],
          firstName: "Ada",
          lastName: "Lovelace",
          username: "ada_l",
          publicMetadata: { plan: "pro" }
        })
      )
      const grace = yield* call(() => clerk.users.createUser({ emailAddress: ["grace@example.com"], firstName: "Grace" }))
      const alan = yield* call(() => clerk.users.createUser({ emailAddress: ["alan@example.com"], firstName: "Alan" }))
      expect(ada.id).toMatch(/^user_/)
      expect(ada.primaryEmailAddress?.emailAddress).toBe("ada@example.com")

      // Read: the same user, through both SDKs.
      const viaBackend = yield* call(() => clerk.users.getUser(ada.id))
      const viaSdk = yield* sdk(Users.get({ userId: ada.id }))
      expect({
        id: viaBackend.id,
        firstName: viaBackend.firstName,
        lastName: viaBackend.lastName,
        username: viaBackend.username,
        email: viaBackend.emailAddresses.map((e) => e.emailAddress),
        publicMetadata: viaBackend.publicMetadata,
        createdAt: viaBackend.createdAt,
        primaryEmailAddressId: viaBackend.primaryEmailAddressId
      }).toEqual({
        id: viaSdk.id,
        firstName: viaSdk.firstName,
        lastName: viaSdk.lastName,
        username: viaSdk.username,
        email: viaSdk.emailAddresses.map((e) => e.emailAddress),
        publicMetadata: viaSdk.publicMetadata,
        createdAt: viaSdk.createdAt,
        primaryEmailAddressId: viaSdk.primaryEmailAddressId
      })

      // List with filters: each the same ids, in the same order, through both.
      const byEmail = yield* call(() => clerk.users.getUserList({ emailAddress: ["grace@example.com"] }))
      expect(byEmail.totalCount).toBe(1)
      expect(byEmail.data.map((u) => u.id)).toEqual([grace.id])
      const byQuery = yield* call(() => clerk.users.getUserList({ query: "a", orderBy: "+first_name" }))
      const byQuerySdk = yield* sdk(Users.list({ query: "a", orderBy: "+first_name" }))
      expect(byQuery.data.map((u) => u.id)).toEqual(byQuerySdk.map((u) => u.id))
      expect(byQuery.data.map((u) => u.firstName)).toEqual(["Ada", "Alan", "Grace"])
      const page = yield* call(() => clerk.users.getUserList({ orderBy: "+created_at", limit: 2, offset: 1 }))
      const pageSdk = yield* sdk(Users.list({ orderBy: "+created_at", limit: 2, offset: 1 }))
      expect(page.totalCount).toBe(3)
      expect(page.data.map((u) => u.id)).toEqual([grace.id, alan.id])
      expect(pageSdk.map((u) => u.id)).toEqual([grace.id, alan.id])
      expect(yield* call(() => clerk.users.getCount({ query: "ada" }))).toBe(1)

      // Metadata: deep merge, `null` deletes; both see the result.
      const updated = yield* call(() =>
        clerk.users.updateUserMetadata(ada.id, {
          publicMetadata: { plan: null, seats: { used: 2 } },
          privateMetadata: { stripe: "cus_1" }
        })
      )
      expect(updated.publicMetadata).toEqual({ seats: { used: 2 } })
      const afterSdk = yield* sdk(Users.get({ userId: ada.id }))
      expect(afterSdk.publicMetadata).toEqual({ seats: { used: 2 } })
      expect(afterSdk.privateMetadata).toEqual({ stripe: "cus_1" })
      const merged = yield* sdk(Users.updateMetadata({ userId: ada.id, publicMetadata: { seats: { total: 5 } } }))
      expect((yield* call(() => clerk.users.getUser(ada.id))).publicMetadata).toEqual(merged.publicMetadata)
      expect(merged.publicMetadata).toEqual({ seats: { used: 2, total: 5 } })

      // Errors arrive as each SDK reports them.
      expect(yield* rejection(() => clerk.users.createUser({ emailAddress: ["ADA@example.com"] }))).toEqual({
        status: 422,
        code: "form_identifier_exists"
      })

      // Delete: gone for both.
      const deleted = yield* call(() => clerk.users.deleteUser(alan.id))
      expect(deleted).toMatchObject({ id: alan.id, deleted: true })
      expect(yield* rejection(() => clerk.users.getUser(alan.id))).toEqual({ status: 404, code: "resource_not_found" })
      expect((yield* Effect.flip(sdk(Users.get({ userId: alan.id }))))._tag).toBe("ClerkNotFound")
      expect(yield* call(() => clerk.users.getCount())).toBe(2)
    }))

  it.live("organizations and memberships: create, read, list, update, metadata, delete", () =>
    Effect.gen(function*() {
      const clerk = backend()
      const owner = yield* call(() => clerk.users.createUser({ emailAddress: ["owner@example.com"], firstName: "Olive" }))
      const member = yield* call(() => clerk.users.createUser({ emailAddress: ["member@example.com"], firstName: "Max" }))

      const org = yield* call(() =>
        clerk.organizations.createOrganization({ name: "Acme Rockets", createdBy: owner.id, publicMetadata: { tier: "free" } })
      )
      expect(org.slug).toBe("acme-rockets")
      const bySlug = yield* call(() => clerk.organizations.getOrganization({ slug: "acme-rockets", includeMembersCount: true }))
      const viaSdk = yield* sdk(Organizations.get({ organizationId: org.id, includeMembersCount: true }))
      expect({ id: bySlug.id, name: bySlug.name, slug: bySlug.slug, members: bySlug.membersCount, md: bySlug.publicMetadata })
        .toEqual({ id: viaSdk.id, name: viaSdk.name, slug: viaSdk.slug, members: viaSdk.membersCount, md: viaSdk.publicMetadata })
      expect(bySlug.membersCount).toBe(1)

      const list = yield* call(() => clerk.organizations.getOrganizationList({ query: "rocket", limit: 10 }))
      expect(list.totalCount).toBe(1)
      expect(list.data[0]?.id).toBe(org.id)

      const membership = yield* call(() =>
        clerk.organizations.createOrganizationMembership({ organizationId: org.id, userId: member.id, role: "org:member" })
      )
      expect(membership).toMatchObject({ role: "org:member", publicUserData: { userId: member.id } })
      const members = yield* call(() =>
        clerk.organizations.getOrganizationMembershipList({ organizationId: org.id, orderBy: "+created_at" })
      )
      const membersSdk = yield* sdk(OrganizationMemberships.list({ organizationId: org.id, orderBy: "+created_at" }))
      expect(members.totalCount).toBe(2)
      expect(members.data.map((m) => [m.publicUserData?.userId, m.role])).toEqual([
        [owner.id, "org:admin"],
        [member.id, "org:member"]
      ])
      expect(membersSdk.data.map((m) => m.id)).toEqual(members.data.map((m) => m.id))

      yield* call(() =>
        clerk.organizations.updateOrganizationMembership({ organizationId: org.id, userId: member.id, role: "org:admin" })
      )
      yield* call(() =>
        clerk.organizations.updateOrganizationMembershipMetadata({
          organizationId: org.id,
          userId: member.id,
          publicMetadata: { seat: 7 }
        })
      )
      yield* call(() => clerk.organizations.updateOrganizationMetadata(org.id, { publicMetadata: { tier: "gold" } }))
      yield* call(() => clerk.organizations.updateOrganization(org.id, { name: "Acme Rockets Ltd" }))
      const seenBySdk = yield* sdk(OrganizationMemberships.list({ organizationId: org.id, orderBy: "+created_at" }))
      expect(seenBySdk.data[1]).toMatchObject({ role: "org:admin", publicMetadata: { seat: 7 } })
      expect(yield* sdk(Organizations.get({ organizationId: org.id }))).toMatchObject({
        name: "Acme Rockets Ltd",
        publicMetadata: { tier: "gold" }
      })

      yield* call(() => clerk.organizations.deleteOrganizationMembership({ organizationId: org.id, userId: member.id }))
      expect((yield* sdk(OrganizationMemberships.list({ organizationId: org.id }))).totalCount).toBe(1)

      yield* call(() => clerk.organizations.deleteOrganization(org.id))
      expect((yield* Effect.flip(sdk(Organizations.get({ organizationId: org.id }))))._tag).toBe("ClerkNotFound")
      expect(yield* rejection(() => clerk.organizations.getOrganization({ organizationId: org.id }))).toEqual({
        status: 404,
        code: "resource_not_found"
      })
    }))

  it.live("the server's offline Clerk emitted the webhooks, naming @clerk/backend as the client", () =>
    Effect.gen(function*() {
      const types = (yield* server.clerk.emittedWebhooks).map((w) => w.type)
      expect(types).toContain("user.created")
      expect(types).toContain("organizationMembership.updated")
      expect(types).toContain("organization.deleted")
      const [first] = yield* server.clerk.emittedWebhooks
      expect(first?.event).toMatchObject({
        event_attributes: { http_request: { client_ip: "127.0.0.1", user_agent: expect.stringContaining("@clerk/backend") } }
      })
    }))
})

describe("the local server", () => {
  it.live("uploads work over multipart, and answers carry Clerk's content type exactly", () =>
    Effect.gen(function*() {
      const user = yield* sdk(Users.create({ emailAddress: ["photo@example.com"] }))
      const updated = yield* sdk(Users.setProfileImage({
        userId: user.id,
        file: new Blob([new Uint8Array([137, 80, 78, 71])], { type: "image/png" })
      }))
      expect(updated.hasImage).toBe(true)
      const response = yield* call(() =>
        fetch(`${server.apiUrl}/users/${user.id}`, { headers: { authorization: "Bearer sk_test_offline" } })
      )
      expect(response.headers.get("content-type")).toBe("application/json")
    }))

  it.live("no secret key is a 401; a path outside /v1 is a 404", () =>
    Effect.gen(function*() {
      expect((yield* call(() => fetch(`${server.apiUrl}/users`))).status).toBe(401)
      const outside = yield* call(() => fetch(`${server.url}/users`, { headers: { authorization: "Bearer sk_test_offline" } }))
      expect(outside.status).toBe(404)
      expect(yield* call(() => outside.json())).toMatchObject({ errors: [{ code: "resource_not_found" }] })
    }))

  it.live("faults over HTTP: a reset drops the socket, a timeout holds the answer, broken JSON arrives broken", () =>
    Effect.gen(function*() {
      const clerk = server.clerk
      yield* clerk.setFaults({
        script: [
          { operation: "users.list", fault: Faults.connectionReset },
          { operation: "users.list", skip: 1, fault: Faults.timeout },
          { operation: "users.list", skip: 2, fault: Faults.malformedJson },
          { operation: "users.list", skip: 3, fault: Faults.serverError(503) }
        ]
      })
      const reset = yield* Effect.flip(sdk(Users.list({})))
      expect(reset).toMatchObject({ _tag: "ClerkRequestError", reason: "Transport" })
      const timeout = yield* Effect.flip(sdk(Users.list({}), { timeout: "300 millis" }))
      expect(timeout).toMatchObject({ _tag: "ClerkRequestError", reason: "Timeout" })
      const malformed = yield* Effect.flip(sdk(Users.list({})))
      expect(malformed).toMatchObject({ _tag: "ClerkDecodeError", path: "$" })
      expect(yield* rejection(() => backend().users.getUserList())).toMatchObject({ status: 503 })
      expect(yield* sdk(Users.list({}))).not.toHaveLength(0)
      yield* clerk.setFaults(undefined)
    }))

  it.live("a port in use is an OfflineServerError; the server stops when its scope closes", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Effect.scoped(OfflineServer.serve({ port: server.port })))
      expect(error).toMatchObject({ _tag: "OfflineServerError" })
      expect(error.message).toMatch(/EADDRINUSE/)
      const url = yield* Effect.scoped(Effect.map(OfflineServer.serve({ port: 0 }), (other) => other.apiUrl))
      const refused = yield* call(() => fetch(`${url}/jwks`).then(() => "answered", () => "refused"))
      expect(refused).toBe("refused")
    }))
})
