/**
 * Model-based: random sequences of user, organization and membership operations, applied through the real
 * SDK to the offline Clerk and to a plain reference model, agree at every step and at the end.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import { OrganizationMemberships } from "../../services/OrganizationMemberships.js"
import { Organizations } from "../../services/Organizations.js"
import { Users } from "../../services/Users.js"
import { fresh } from "./layer.js"

const EMAILS = 4
const ORGS = 3

type Command =
  | { readonly _tag: "CreateUser"; readonly email: number }
  | { readonly _tag: "DeleteUser"; readonly email: number }
  | { readonly _tag: "CreateOrg"; readonly org: number }
  | { readonly _tag: "DeleteOrg"; readonly org: number }
  | { readonly _tag: "AddMember"; readonly org: number; readonly email: number }
  | { readonly _tag: "RemoveMember"; readonly org: number; readonly email: number }

const email = FastCheck.integer({ min: 0, max: EMAILS - 1 })
const org = FastCheck.integer({ min: 0, max: ORGS - 1 })
const command: FastCheck.Arbitrary<Command> = FastCheck.oneof(
  email.map((email) => ({ _tag: "CreateUser", email }) as const),
  email.map((email) => ({ _tag: "DeleteUser", email }) as const),
  org.map((org) => ({ _tag: "CreateOrg", org }) as const),
  org.map((org) => ({ _tag: "DeleteOrg", org }) as const),
  FastCheck.tuple(org, email).map(([org, email]) => ({ _tag: "AddMember", org, email }) as const),
  FastCheck.tuple(org, email).map(([org, email]) => ({ _tag: "RemoveMember", org, email }) as const)
)

/** The reference: which emails have a user, which org slots hold an organization, who is in which. */
interface Model {
  readonly users: Map<number, string>
  readonly orgs: Map<number, string>
  readonly members: Set<string>
}

const key = (org: number, email: number) => `${org}:${email}`

/** Applies a command to the fake and to the model; both must agree on whether it succeeded. */
const step = (model: Model, cmd: Command) =>
  Effect.gen(function*() {
    switch (cmd._tag) {
      case "CreateUser": {
        const result = yield* Effect.either(Users.create({ emailAddress: [`e${cmd.email}@example.com`] }))
        expect(Either.isRight(result)).toBe(!model.users.has(cmd.email))
        if (Either.isRight(result)) model.users.set(cmd.email, result.right.id)
        return
      }
      case "DeleteUser": {
        const id = model.users.get(cmd.email)
        const result = yield* Effect.either(Users.delete({ userId: id ?? "user_never" }))
        expect(Either.isRight(result)).toBe(id !== undefined)
        model.users.delete(cmd.email)
        for (const o of model.orgs.keys()) model.members.delete(key(o, cmd.email))
        return
      }
      case "CreateOrg": {
        if (model.orgs.has(cmd.org)) return
        const created = yield* Organizations.create({ name: `Org ${cmd.org}` })
        model.orgs.set(cmd.org, created.id)
        return
      }
      case "DeleteOrg": {
        const id = model.orgs.get(cmd.org)
        const result = yield* Effect.either(Organizations.delete({ organizationId: id ?? "org_never" }))
        expect(Either.isRight(result)).toBe(id !== undefined)
        model.orgs.delete(cmd.org)
        for (let e = 0; e < EMAILS; e++) model.members.delete(key(cmd.org, e))
        return
      }
      case "AddMember": {
        const orgId = model.orgs.get(cmd.org)
        const userId = model.users.get(cmd.email)
        const result = yield* Effect.either(OrganizationMemberships.create({
          organizationId: orgId ?? "org_never",
          userId: userId ?? "user_never",
          role: "org:member"
        }))
        const expected = orgId !== undefined && userId !== undefined && !model.members.has(key(cmd.org, cmd.email))
        expect(Either.isRight(result)).toBe(expected)
        if (expected) model.members.add(key(cmd.org, cmd.email))
        return
      }
      case "RemoveMember": {
        const result = yield* Effect.either(OrganizationMemberships.delete({
          organizationId: model.orgs.get(cmd.org) ?? "org_never",
          userId: model.users.get(cmd.email) ?? "user_never"
        }))
        expect(Either.isRight(result)).toBe(model.members.has(key(cmd.org, cmd.email)))
        model.members.delete(key(cmd.org, cmd.email))
        return
      }
    }
  })

describe("the offline Clerk against a reference model", () => {
  it.effect.prop(
    "random user, organization and membership operations agree with the model",
    [FastCheck.array(command, { minLength: 1, maxLength: 40 })],
    ([commands]) =>
      fresh()(Effect.gen(function*() {
        const model: Model = { users: new Map(), orgs: new Map(), members: new Set() }
        for (const cmd of commands) yield* step(model, cmd)
        expect((yield* Users.count()).totalCount).toBe(model.users.size)
        const orgs = yield* Organizations.list({ includeMembersCount: true, limit: 500 })
        expect(orgs.totalCount).toBe(model.orgs.size)
        for (const [slot, id] of model.orgs) {
          const expected = [...model.members].filter((m) => m.startsWith(`${slot}:`)).length
          expect(orgs.data.find((o) => o.id === id)?.membersCount).toBe(expected)
        }
        for (const [slot, id] of model.users) {
          const memberships = yield* Users.getOrganizationMemberships({ userId: id, limit: 500 })
          const expected = [...model.members].filter((m) => m.endsWith(`:${slot}`)).length
          expect(memberships.totalCount).toBe(expected)
        }
      })),
    { fastCheck: { numRuns: 60 } }
  )
})
