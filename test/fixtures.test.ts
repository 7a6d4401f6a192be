import { describe, expect, it } from "@effect/vitest"
import * as Schema from "effect/Schema"
import { User } from "../schemas/Models.js"
import { userJson } from "../src/testing/fixtures.js"

describe("fixtures", () => {
  it("userJson decodes as a User in every variant", () => {
    const variants = [
      userJson({ id: "user_a", emailAddress: "a@example.com" }),
      userJson({ id: "user_b", emailAddress: "b@example.com", phoneNumber: "+15555550100", withGoogle: true }),
      userJson({ id: "user_c", emailAddress: "c@example.com", publicMetadata: { plan: "pro" }, username: "c" })
    ]
    for (const json of variants) {
      const user = Schema.decodeUnknownSync(User)(json)
      expect(user.id).toBe(json["id"])
    }
    const google = Schema.decodeUnknownSync(User)(variants[1])
    expect(google.externalAccounts[0]?.verification?.object).toBe("verification_oauth")
    expect(google.emailAddresses[0]?.verification?.object).toBe("verification_from_oauth")
  })
})
