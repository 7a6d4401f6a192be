import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { OrganizationMemberships } from "../../services/OrganizationMemberships.js"
import { Organizations } from "../../services/Organizations.js"
import { Users } from "../../services/Users.js"
import { OfflineClerk } from "../../src/testing/index.js"
import { fresh } from "./layer.js"

const run = fresh()

describe("concurrent fibers", () => {
  it.effect("100 creates in parallel: 100 users, unique ids, nothing lost", () =>
    run(Effect.gen(function*() {
      const users = yield* Effect.all(
        Array.from({ length: 100 }, (_, i) => Users.create({ emailAddress: [`user${i}@example.com`] })),
        { concurrency: "unbounded" }
      )
      expect(new Set(users.map((u) => u.id)).size).toBe(100)
      expect(new Set(users.flatMap((u) => u.emailAddresses.map((e) => e.id))).size).toBe(100)
      expect((yield* Users.count()).totalCount).toBe(100)
      const clerk = yield* OfflineClerk
      const stored = (yield* clerk.users).map((u) => u.id).sort()
      expect(stored).toEqual(users.map((u) => u.id).sort())
    })))

  it.effect("50 parallel creates with the same email: exactly one wins, the rest get form_identifier_exists", () =>
    run(Effect.gen(function*() {
      const results = yield* Effect.all(
        Array.from({ length: 50 }, () => Effect.either(Users.create({ emailAddress: ["race@example.com"] }))),
        { concurrency: "unbounded" }
      )
      expect(results.filter(Either.isRight)).toHaveLength(1)
      for (const result of results.filter(Either.isLeft)) {
        expect(result.left).toMatchObject({ status: 422, errors: [{ code: "form_identifier_exists" }] })
      }
    })))

  it.effect("50 parallel metadata merges on one user keep every key", () =>
    run(Effect.gen(function*() {
      const user = yield* Users.create({ emailAddress: ["merge@example.com"] })
      yield* Effect.all(
        Array.from({ length: 50 }, (_, i) => Users.updateMetadata({ userId: user.id, publicMetadata: { [`k${i}`]: { n: i } } })),
        { concurrency: "unbounded" }
      )
      const final = yield* Users.get({ userId: user.id })
      expect(Object.keys(final.publicMetadata).length).toBe(50)
    })))

  it.effect("parallel membership creates respect the organization's limit", () =>
    run(Effect.gen(function*() {
      const org = yield* Organizations.create({ name: "Limited", maxAllowedMemberships: 5 })
      const users = yield* Effect.all(
        Array.from({ length: 20 }, (_, i) => Users.create({ emailAddress: [`m${i}@example.com`] })),
        { concurrency: "unbounded" }
      )
      const results = yield* Effect.all(
        users.map((u) => Effect.either(OrganizationMemberships.create({ organizationId: org.id, userId: u.id, role: "org:member" }))),
        { concurrency: "unbounded" }
      )
      expect(results.filter(Either.isRight)).toHaveLength(5)
      expect((yield* Organizations.get({ organizationId: org.id, includeMembersCount: true })).membersCount).toBe(5)
    })))

  it.effect("each build of the layer is a fresh world", () =>
    Effect.gen(function*() {
      yield* run(Users.create({ emailAddress: ["once@example.com"] }))
      expect((yield* run(Users.count())).totalCount).toBe(0)
      yield* run(Users.create({ emailAddress: ["once@example.com"] }))
    }))
})
