import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { Billing } from "../../services/Billing.js"
import { Users } from "../../services/Users.js"
import { allOperations, implementedOperations, MalformedBody, OfflineClerk } from "../../src/testing/index.js"
import { routes } from "../../src/testing/routes/index.js"
import { fresh } from "./layer.js"
import { api } from "./support.js"

const run = fresh()

describe("routing and coverage", () => {
  it.effect("an operation the offline Clerk does not implement is a 501 naming it, through the real SDK", () =>
    run(Effect.gen(function*() {
      const error = yield* Effect.flip(Billing.listPlans())
      expect(error).toMatchObject({
        _tag: "ClerkUnexpectedStatus",
        status: 501,
        operation: "billing.listPlans",
        errors: [{ code: "operation_not_implemented", meta: { operation_id: "GetCommercePlanList" } }]
      })
      expect(error.message).toContain("GetCommercePlanList is not implemented by the offline Clerk")
      const user = yield* Users.create({ emailAddress: ["u@example.com"] })
      const nested = yield* Effect.flip(Users.getBillingSubscription({ userId: user.id }))
      expect(nested).toMatchObject({ status: 501, errors: [{ meta: { operation_id: "GetUserBillingSubscription" } }] })
    })))

  it.effect("a path that matches no operation is a 501 too; literal segments win over parameters", () =>
    run(Effect.gen(function*() {
      const unknown = yield* api("GET", "/nothing/here")
      expect(unknown).toMatchObject({
        status: 501,
        body: { errors: [{ code: "operation_not_implemented", message: "no Backend API operation matches GET /nothing/here" }] }
      })
      const wrongMethod = yield* api("PUT", "/users")
      expect(wrongMethod.status).toBe(501)
      // /users/count is GetUsersCount, not GetUser with the id "count".
      expect(yield* api("GET", "/users/count")).toMatchObject({ status: 200, body: { object: "total_count", total_count: 0 } })
    })))

  it.effect("bodies are closed: unknown fields, wrong types and missing fields get Clerk's codes", () =>
    run(Effect.gen(function*() {
      const unknown = yield* api("POST", "/users", { body: { email_address: ["a@example.com"], public_metdata: {} } })
      expect(unknown).toMatchObject({
        status: 422,
        body: { errors: [{ code: "form_param_unknown", meta: { param_name: "public_metdata" } }] }
      })
      // Version 2026-05-12 removed metadata from PATCH /users/{id}: sending it is refused, as Clerk does.
      const user = yield* Users.create({ emailAddress: ["b@example.com"] })
      const metadata = yield* api("PATCH", `/users/${user.id}`, { body: { public_metadata: { a: 1 } } })
      expect(metadata).toMatchObject({ status: 422, body: { errors: [{ code: "form_param_unknown" }] } })
      const type = yield* api("POST", "/users", { body: { email_address: "not-a-list@example.com" } })
      expect(type).toMatchObject({ status: 422, body: { errors: [{ code: "form_param_format_invalid", meta: { param_name: "email_address" } }] } })
      const missing = yield* api("POST", "/organizations", { body: {} })
      expect(missing).toMatchObject({ status: 422, body: { errors: [{ code: "form_param_missing", meta: { param_name: "name" } }] } })
      const nested = yield* api("POST", "/invitations/bulk", { body: [{ email_address: "x@example.com" }, {}] })
      expect(nested).toMatchObject({ status: 422, body: { errors: [{ meta: { param_name: "[1].email_address" } }] } })
      const query = yield* api("GET", "/users", { query: { limit: "ten" } })
      expect(query).toMatchObject({ status: 422, body: { errors: [{ code: "form_param_format_invalid", meta: { param_name: "limit" } }] } })
    })))

  it.effect("a body that is not JSON is a 400; a request without a secret key is a 401", () =>
    run(Effect.gen(function*() {
      const clerk = yield* OfflineClerk
      const malformed = yield* clerk.handle({
        method: "POST",
        path: "/users",
        query: new URLSearchParams(),
        body: new MalformedBody("it is not JSON")
      })
      expect(malformed).toMatchObject({ status: 400, body: { errors: [{ code: "malformed_request" }] } })
      const anonymous = yield* api("GET", "/users", { headers: { authorization: "Basic nope" } })
      expect(anonymous).toMatchObject({ status: 401, body: { errors: [{ code: "authentication_invalid" }] } })
    })))

  it.effect("the handler is plain data in, data out, and logs what it answered", () =>
    run(Effect.gen(function*() {
      const clerk = yield* OfflineClerk
      const created = yield* clerk.handle({
        method: "POST",
        path: "/users",
        query: new URLSearchParams(),
        body: { email_address: ["h@example.com"] }
      })
      expect(created).toMatchObject({ status: 200, headers: { "content-type": "application/json" }, body: { object: "user" } })
      const listed = yield* clerk.handle({
        method: "GET",
        path: "/users",
        query: new URLSearchParams([["email_address", "h@example.com"]]),
        body: undefined
      })
      expect(listed).toMatchObject({ status: 200, body: [{ object: "user" }] })
      expect((yield* clerk.requests).map((r) => [r.operationId, r.status])).toEqual([["CreateUser", 200], ["GetUserList", 200]])
    })))

  it("implements at least 80 of the spec's 249 operations, each a real operationId", () => {
    expect(allOperations()).toHaveLength(249)
    expect(implementedOperations().length).toBeGreaterThanOrEqual(80)
    for (const operationId of Object.keys(routes)) expect(allOperations()).toContain(operationId)
  })
})
