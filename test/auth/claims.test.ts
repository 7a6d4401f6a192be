/**
 * `isSessionClaims`, the hand-written guard every new session token's claims go through, against the Schema
 * it stands for: on claims generated from `SessionClaims`, and on the same claims broken one slot at a time
 * (a key dropped, a value replaced by one of another type), both give the same answer.
 */
import * as Arbitrary from "effect/Arbitrary"
import * as fc from "effect/FastCheck"
import * as Schema from "effect/Schema"
import { describe, expect, it } from "vitest"
import { isSessionClaims, SessionClaims } from "../../src/internal/auth/claims.js"
import { mutate, slots } from "../support/mutations.js"

const RUNS = Number(process.env["DECODERS_RUNS"] ?? 200)
const bySchema = Schema.is(SessionClaims)
const claims = Arbitrary.make(SessionClaims)

const wrongValues: ReadonlyArray<unknown> = [null, undefined, 0, "", true, [], {}, [1], [1, 2], [1, 2, 3], ["a"], { sub: "user_1" }]
const wrong = fc.oneof(fc.constantFrom(...wrongValues), fc.integer(), fc.string(), fc.double())

const agree = (input: unknown): boolean => {
  const expected = bySchema(input)
  expect(isSessionClaims(input), JSON.stringify(input) ?? String(input)).toBe(expected)
  return expected
}

describe("isSessionClaims", () => {
  it("accepts what the Schema accepts", () => {
    fc.assert(fc.property(claims, (value) => {
      expect(agree(value)).toBe(true)
      agree(JSON.parse(JSON.stringify(value)))
    }), { numRuns: RUNS, seed: 20260512 })
  })

  it("refuses what the Schema refuses, one slot broken", () => {
    fc.assert(
      fc.property(claims, fc.nat(), fc.boolean(), wrong, (value, at, remove, replacement) => {
        const all = slots(value)
        agree(mutate(value, all[at % all.length] ?? [], replacement, remove))
      }),
      { numRuns: RUNS * 5, seed: 20260512 }
    )
    fc.assert(
      fc.property(claims, (value) => {
        for (const path of slots(value)) {
          for (const replacement of wrongValues) agree(mutate(value, path, replacement, false))
          agree(mutate(value, path, undefined, true))
        }
      }),
      { numRuns: 20, seed: 20260512 }
    )
  })

  it("agrees on the cases that tell `optional` from `nullable` and a pair from a list", () => {
    const base = { sub: "user_1", exp: 1 }
    const cases: ReadonlyArray<readonly [unknown, boolean]> = [
      [base, true],
      [{ ...base, nbf: null }, false],
      [{ ...base, sid: null, o: null, act: null, fva: null, v: null }, true],
      [{ ...base, fva: [1, 2] }, true],
      [{ ...base, fva: [1, 2, 3] }, false],
      [{ ...base, fva: [1] }, false],
      [{ ...base, aud: ["a", "b"] }, true],
      [{ ...base, aud: null }, false],
      [{ ...base, o: { id: "org_1", extra: 1 } }, true],
      [{ ...base, o: [] }, false],
      [{ ...base, act: {} }, false],
      [{ ...base, act: { sub: "user_2", other: {} } }, true],
      [{ ...base, org_permissions: ["a", 1] }, false],
      [{ ...base, sts: "something new" }, true],
      [{ exp: 1 }, false],
      [[base], false],
      [null, false],
      ["claims", false]
    ]
    for (const [input, expected] of cases) expect(agree(input)).toBe(expected)
  })
})
