/**
 * The offline Clerk's tables of the spec's operations (generated with the services by scripts/generate.ts):
 * every route of the spec is there once, and every one has the SDK's name the generated services give it.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Services from "../../services/index.js"
import { operationNames } from "../../src/testing/internal/operationNames.js"
import { specRoutes } from "../../src/testing/internal/specRoutes.js"

describe("the offline Clerk's operation tables", () => {
  it("list the 249 operations once each, every one with its SDK name", () => {
    const ids = specRoutes.map(([, , operationId]) => operationId)
    expect(ids).toHaveLength(249)
    expect(new Set(ids).size).toBe(249)
    expect(Object.keys(operationNames).sort()).toEqual([...ids].sort())
  })

  it("name each operation as its generated service does", () => {
    // `users.get` is `Users.get`: the group is the service's tag name, camelCased.
    expect(operationNames["GetUser"]).toBe("users.get")
    expect(operationNames["GetUserList"]).toBe("users.list")
    const groups = new Set(Object.values(operationNames).map((name) => name.split(".")[0]))
    expect(groups.size).toBe(Object.keys(Services).filter((key) => key !== "AllServices").length)
  })
})
