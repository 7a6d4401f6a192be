/**
 * `Operation.make` fills in what a route implies, so that the generated declarations need not say it.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Schema from "effect/Schema"
import * as Operation from "../src/internal/operation.js"

const input = Operation.fromSchema(Schema.Struct({}))

describe("Operation.make", () => {
  it("takes the path parameters from the path, in order, and defaults to no query and no body", () => {
    const operation = Operation.make({
      operationId: "GetMembership",
      name: "organizations.getMembership",
      method: "GET",
      path: "/organizations/{organization_id}/memberships/{user_id}",
      input,
      success: Operation.noContent,
      errors: [404]
    })
    expect(operation.pathParams).toEqual(["organization_id", "user_id"])
    expect(operation.queryParams).toEqual([])
    expect(operation.body).toBe("none")
    expect(Operation.pathParamsOf("/users")).toEqual([])
  })

  it("keeps what a declaration says", () => {
    const operation = Operation.make({
      operationId: "Odd",
      name: "odd.create",
      method: "POST",
      path: "/odd/{b}/{a}",
      input,
      pathParams: ["a", "b"],
      queryParams: ["limit"],
      body: "json",
      success: Operation.noContent,
      errors: [400]
    })
    expect(operation.pathParams).toEqual(["a", "b"])
    expect(operation.queryParams).toEqual(["limit"])
    expect(operation.body).toBe("json")
  })
})
