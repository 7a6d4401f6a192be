/**
 * The generated decoders (schemas/decoders/*.ts) against their Schemas: on wire values generated from each
 * Schema's Encoded side, valid and broken (a required key dropped, a value replaced by one of another type),
 * each decoder succeeds exactly when `Schema.decodeUnknownEither` does, with a deeply equal value whose keys
 * come in the same order, and fails at the path of the first issue `ArrayFormatter` lists.
 */
import * as Arbitrary from "effect/Arbitrary"
import * as Either from "effect/Either"
import * as fc from "effect/FastCheck"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { afterEach, describe, expect, it } from "vitest"
import * as Decoders from "../schemas/decoders/Models.js"
import * as ResponseDecoders from "../schemas/decoders/Responses.js"
import * as AllSchemas from "../schemas/index.js"
import * as Models from "../schemas/Models.js"
import { type Decoder, isFailure } from "../src/internal/decode.js"
import { userJson } from "../src/testing/fixtures.js"
import { mutate, slots } from "./support/mutations.js"

/** Runs per property (two properties per decoder); `DECODERS_RUNS=5000` for a long hunt. */
const RUNS = Number(process.env["DECODERS_RUNS"] ?? 100)

// Small values (arrays of a few items) are enough for every branch, and keep the suite fast; a fixed seed
// keeps it deterministic (`DECODERS_SEED` for another one).
fc.configureGlobal({ baseSize: "xsmall", seed: Number(process.env["DECODERS_SEED"] ?? 20260512) })

// The tests of this file run as one chain of promises, and a long run (`DECODERS_RUNS=1000`) takes minutes:
// vitest's worker handles the answers to its RPC calls between macrotasks only, and fails the run after 60 s
// without one ("Timeout calling onTaskUpdate"). One macrotask after each test lets it answer.
afterEach(() => new Promise<void>((resolve) => setImmediate(resolve)))

const isSchema = (u: unknown): u is Schema.Schema<unknown, unknown> => Schema.isSchema(u)

/** A model's Schema; for `X$type` (a Type-side decoder, used by unions), `Schema.typeSchema(Models.X)`. */
const modelSchema = (name: string): Schema.Schema<unknown, unknown> => {
  const typeSide = name.endsWith("$type")
  const schema: unknown = Reflect.get(Models, typeSide ? name.slice(0, -"$type".length) : name)
  if (!isSchema(schema)) throw new Error(`no schema Models.${name}`)
  return typeSide ? Schema.typeSchema(schema) : schema
}

/** An inline response's Schema, from the service module that declares it. */
const responseSchema = (name: string): Schema.Schema<unknown, unknown> => {
  for (const [key, module] of Object.entries(AllSchemas)) {
    if (!key.endsWith("Schemas") || typeof module !== "object" || module === null) continue
    const schema: unknown = Reflect.get(module, name)
    if (isSchema(schema)) return schema
  }
  throw new Error(`no schema for the response ${name}`)
}

const decoders = (module: object): ReadonlyArray<readonly [string, Decoder<unknown>]> =>
  Object.entries(module).flatMap(([name, value]): ReadonlyArray<readonly [string, Decoder<unknown>]> =>
    typeof value === "function" ? [[name, (input: unknown) => Reflect.apply(value, undefined, [input])]] : []
  )

const cases: ReadonlyArray<readonly [string, Decoder<unknown>, Schema.Schema<unknown, unknown>]> = [
  ...decoders(Decoders).map(([name, decode]) => [name, decode, modelSchema(name)] as const),
  ...decoders(ResponseDecoders).map(([name, decode]) => [name, decode, responseSchema(name)] as const)
]

/** The value with its key order made visible: objects become lists of entries. */
const shape = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(shape)
    : typeof value === "object" && value !== null
    ? Object.entries(value).map(([k, v]) => [k, shape(v)])
    : value

/** Decodes with both, and checks that they agree. */
const agree = <A, I>(decode: Decoder<unknown>, schema: Schema.Schema<A, I>, input: unknown): boolean => {
  const expected = Schema.decodeUnknownEither(schema)(input)
  const actual = decode(input)
  if (Either.isRight(expected)) {
    if (isFailure(actual)) throw new Error(`the decoder failed at ${String(actual.path)}: ${actual.message}`)
    expect(actual).toStrictEqual(expected.right)
    expect(shape(actual)).toStrictEqual(shape(expected.right))
    return true
  }
  if (!isFailure(actual)) throw new Error(`the decoder succeeded where the Schema fails: ${expected.left.message}`)
  const first = ParseResult.ArrayFormatter.formatErrorSync(expected.left)[0]
  expect(actual.path).toStrictEqual(first?.path ?? [])
  return false
}

const wrongValues: ReadonlyArray<unknown> = [null, undefined, 0, "", true, [], {}, [1], { object: "token" }]

const wrong = fc.oneof(fc.constantFrom(...wrongValues), fc.integer(), fc.string())

describe("generated decoders", () => {
  it("cover every model and inline response", () => {
    expect(cases.length).toBeGreaterThan(200)
  })

  for (const [name, decode, schema] of cases) {
    it(name, () => {
      const wire = Arbitrary.make(Schema.encodedSchema(schema))
      // Valid wire values, as generated and through JSON.
      fc.assert(fc.property(wire, (value) => {
        expect(agree(decode, schema, value)).toBe(true)
        agree(decode, schema, JSON.parse(JSON.stringify(value) ?? "null"))
      }), { numRuns: RUNS })
      // Broken ones: a key dropped, or a value replaced.
      fc.assert(
        fc.property(wire, fc.nat(), fc.boolean(), wrong, (value, at, remove, replacement) => {
          const all = slots(value)
          const path = all[at % all.length] ?? []
          agree(decode, schema, mutate(value, path, replacement, remove))
        }),
        { numRuns: RUNS }
      )
      // Every slot of a few values broken, one at a time, every way.
      fc.assert(
        fc.property(wire, (value) => {
          for (const path of slots(value)) {
            for (const replacement of wrongValues) agree(decode, schema, mutate(value, path, replacement, false))
            agree(decode, schema, mutate(value, path, undefined, true))
          }
        }),
        { numRuns: Math.max(1, Math.round(RUNS / 20)) }
      )
    })
  }
})

describe("realistic users", () => {
  const fixtures = [
    userJson({ id: "user_2abc", emailAddress: "ada@example.com" }),
    userJson({ id: "user_2abd", emailAddress: "bob@example.com", withGoogle: true, firstName: "Bob" }),
    userJson({
      id: "user_2abe",
      emailAddress: "cy@example.com",
      phoneNumber: "+15555550100",
      username: "cy",
      externalId: "ext-1",
      publicMetadata: { role: "admin", nested: { tags: ["a", "b"], n: 1 } },
      privateMetadata: { stripe: { customer: "cus_1" } },
      unsafeMetadata: { theme: "dark" }
    })
  ]
  for (const [i, fixture] of fixtures.entries()) {
    it(`decodes fixture ${i} as the Schema does`, () => {
      const input = JSON.parse(JSON.stringify(fixture))
      expect(agree(Decoders.User, Models.User, input)).toBe(true)
    })
  }
  it("re-decodes a later union member's value with the earlier ones, as the Schema's second pass does", () => {
    // `object` is optional in the verifications: without it, `VerificationSaml` fails on `error` and
    // `VerificationTicket` decodes; the Schema then decodes that value again on the Type side, where
    // `VerificationSaml` accepts it, and returns it with `VerificationSaml`'s key order.
    const input = {
      id: "samlacc_1",
      object: "saml_account",
      provider: "saml_custom",
      active: true,
      email_address: "ada@example.com",
      first_name: null,
      last_name: null,
      provider_user_id: null,
      verification: { status: "verified", strategy: "saml", error: "", expire_at: 1, attempts: null }
    }
    expect(agree(Decoders.SAMLAccount, Models.SAMLAccount, input)).toBe(true)
    const result = Decoders.SAMLAccount(input)
    expect(isFailure(result) ? [] : Object.keys(result.verification ?? {})).toStrictEqual([
      "status",
      "strategy",
      "expireAt",
      "attempts"
    ])
  })

  it("fails where the Schema fails", () => {
    const input = JSON.parse(JSON.stringify(fixtures[2]))
    input.email_addresses[0].verification.status = 7
    expect(agree(Decoders.User, Models.User, input)).toBe(false)
    const result = Decoders.User(input)
    expect(isFailure(result) && result.path).toStrictEqual(["email_addresses", 0, "verification", "status"])
    delete input.email_addresses
    expect(agree(Decoders.User, Models.User, input)).toBe(false)
  })
})

/**
 * Objects that `JSON.parse` does not make. A straight-line decoder tests an optional property with `in`,
 * an own-property test only for a plain object: any other goes through the runtime's careful path, whose
 * `in` is `hasOwnProperty`; a table asks `hasOwnProperty` itself. The Schema reads a required property
 * inherited, and leaves an optional one out unless it is the object's own.
 */
describe("objects JSON.parse does not make", () => {
  const inherited = (own: object, proto: object): unknown => Object.assign(Object.create(proto), own)
  const exotic = <A, I>(name: string, decode: Decoder<A>, schema: Schema.Schema<A, I>, value: Record<string, unknown>) => {
    it(`${name}: each property inherited instead of own`, () => {
      for (const key of Object.keys(value)) {
        const { [key]: moved, ...own } = value
        agree(decode, schema, inherited(own, { [key]: moved }))
      }
    })
    it(`${name}: a null prototype`, () => {
      expect(agree(decode, schema, Object.assign(Object.create(null), value))).toBe(true)
    })
  }
  exotic("EmailAddress (straight-line)", Decoders.EmailAddress, Models.EmailAddress, {
    id: "idn_1",
    object: "email_address",
    email_address: "ada@example.com",
    reserved: false,
    verification: { object: "verification_otp", status: "verified", strategy: "email_code", attempts: 1, expire_at: 2 },
    linked_to: [],
    matches_sso_connection: false,
    created_at: 1,
    updated_at: 2
  })
  exotic("AllowlistIdentifier (table)", Decoders.AllowlistIdentifier, Models.AllowlistIdentifier, {
    object: "allowlist_identifier",
    id: "alid_1",
    identifier: "ada@example.com",
    created_at: 1
  })

  it("names the outer field of a failure found inside another struct's careful run", () => {
    const user = JSON.parse(JSON.stringify(userJson({ id: "user_2abc", emailAddress: "ada@example.com" })))
    user.email_addresses[0].verification.status = 7
    const input = inherited(user, {})
    expect(agree(Decoders.User, Models.User, input)).toBe(false)
    const result = Decoders.User(input)
    expect(isFailure(result) && result.path).toStrictEqual(["email_addresses", 0, "verification", "status"])
  })
})
