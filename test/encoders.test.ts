/**
 * The generated request encoders (schemas/encoders/*.ts) against their Schemas (schemas/<Service>.ts): on
 * caller inputs generated from each Schema's Type side, valid and broken (a required key dropped, a value of
 * another type, a constraint broken), each encoder succeeds exactly when `Schema.encodeUnknownEither` does,
 * with a deeply equal wire value whose keys come in the same order, and fails with the path and the
 * description `invalidInput` makes of the Schema's first issue (`Request.firstIssue`).
 */
import * as fs from "node:fs"
import * as Arbitrary from "effect/Arbitrary"
import * as Either from "effect/Either"
import * as fc from "effect/FastCheck"
import * as Schema from "effect/Schema"
import { describe, expect, it } from "vitest"
import * as AllSchemas from "../schemas/index.js"
import { type Encoder, isFailure } from "../src/internal/encode.js"
import { firstIssue } from "../src/internal/request.js"
import { FileInput } from "../src/internal/schemas.js"
import { mutate, slots } from "./support/mutations.js"

/** Runs per property (three properties per encoder); `ENCODERS_RUNS=5000` for a long hunt. */
const RUNS = Number(process.env["ENCODERS_RUNS"] ?? 100)

fc.configureGlobal({ baseSize: "xsmall", seed: Number(process.env["ENCODERS_SEED"] ?? 20260512) })

const isSchema = (u: unknown): u is Schema.Schema<unknown, unknown> => Schema.isSchema(u)

const services = fs.readdirSync(new URL("../schemas/encoders", import.meta.url))
  .filter((file) => file.endsWith(".ts"))
  .map((file) => file.slice(0, -".ts".length))

const encoderModules: ReadonlyArray<readonly [string, object]> = await Promise.all(
  services.map(async (service) => [service, await import(`../schemas/encoders/${service}.ts`)] as const)
)

const schemaOf = (service: string, name: string): Schema.Schema<unknown, unknown> => {
  const module: unknown = Reflect.get(AllSchemas, `${service}Schemas`)
  const schema: unknown = typeof module === "object" && module !== null ? Reflect.get(module, name) : undefined
  if (!isSchema(schema)) throw new Error(`no schema ${service}.${name}`)
  return schema
}

const cases: ReadonlyArray<readonly [string, Encoder<unknown>, Schema.Schema<unknown, unknown>]> = encoderModules
  .flatMap(([service, module]) =>
    Object.entries(module).flatMap(([name, value]) =>
      typeof value === "function"
        ? [[`${service}.${name}`, (input: unknown) => Reflect.apply(value, undefined, [input]), schemaOf(service, name)] as const]
        : []
    )
  )

// `FileInput` has no Arbitrary of its own (a `Blob` is a Declaration): inputs are generated from a copy of the
// Struct whose file fields can make one. The comparison always uses the Schema itself.
const FileArbitrary = Schema.Union(
  Schema.instanceOf(Blob, { arbitrary: () => (fc) => fc.constant(new Blob(["logo"])) }),
  Schema.Uint8ArrayFromSelf
)
/** Caller inputs: values of the Schema's Type side. */
const inputsOf = (schema: Schema.Schema<unknown, unknown>): fc.Arbitrary<unknown> => {
  const fields: unknown = "fields" in schema ? schema.fields : undefined
  if (typeof fields !== "object" || fields === null || !Object.values(fields).includes(FileInput)) {
    return Arbitrary.make(Schema.typeSchema(schema))
  }
  const copy: Record<string, Schema.Schema.All | Schema.PropertySignature.All> = {}
  for (const [key, field] of Object.entries(fields) as Array<[string, unknown]>) {
    if (field === FileInput) copy[key] = FileArbitrary
    else if (Schema.isSchema(field) || Schema.isPropertySignature(field)) copy[key] = field
  }
  return Arbitrary.make(Schema.typeSchema(Schema.Struct(copy)))
}

/** The value with its key order made visible: objects become lists of entries. */
const shape = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(shape)
    : typeof value === "object" && value !== null && !(value instanceof Blob) && !(value instanceof Uint8Array)
    ? Object.entries(value).map(([k, v]) => [k, shape(v)])
    : value

/** Encodes with both, and checks that they agree; whether the input was valid. */
const agree = (encode: Encoder<unknown>, schema: Schema.Schema<unknown, unknown>, input: unknown): boolean => {
  const expected = Schema.encodeUnknownEither(schema)(input)
  const actual = encode(input)
  if (Either.isRight(expected)) {
    if (isFailure(actual)) {
      throw new Error(`the encoder failed at ${String(actual.path)}: ${actual.description}`)
    }
    expect(actual).toStrictEqual(expected.right)
    expect(shape(actual)).toStrictEqual(shape(expected.right))
    return true
  }
  if (!isFailure(actual)) throw new Error(`the encoder succeeded where the Schema fails: ${expected.left.message}`)
  const issue = firstIssue(expected.left)
  expect({ path: actual.path, description: actual.description }).toStrictEqual({
    path: issue.path,
    description: issue.description
  })
  return false
}

/**
 * Values of the wrong type, and values that break the spec's constraints: empty and long strings, strings
 * that match no id pattern, zero, negative, fractional, unsafe and non-finite numbers, empty and long arrays.
 */
const wrongValues: ReadonlyArray<unknown> = [
  null,
  undefined,
  0,
  -1,
  1.5,
  501,
  2 ** 53,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  "",
  "ab",
  " padded ",
  "x".repeat(300),
  "user_0",
  true,
  false,
  [],
  [1],
  Array.from({ length: 60 }, () => "user_1"),
  {},
  { key: 1 },
  new Uint8Array([1]),
  new Blob(["x"])
]

const wrong = fc.oneof(fc.constantFrom(...wrongValues), fc.integer(), fc.string(), fc.double())

describe("generated encoders", () => {
  it("cover every operation's input", () => {
    expect(cases.length).toBe(249)
  })

  for (const [name, encode, schema] of cases) {
    it(name, () => {
      const input = inputsOf(schema)
      // Valid inputs: the Schema's Type side.
      fc.assert(fc.property(input, (value) => {
        expect(agree(encode, schema, value)).toBe(true)
      }), { numRuns: RUNS })
      // Broken ones: a key dropped, or a value replaced by one of another type or out of range.
      fc.assert(
        fc.property(input, fc.nat(), fc.boolean(), wrong, (value, at, remove, replacement) => {
          const all = slots(value)
          const path = all[at % all.length] ?? []
          agree(encode, schema, mutate(value, path, replacement, remove))
        }),
        { numRuns: RUNS }
      )
      // Every slot of a few values broken, one at a time, every way.
      fc.assert(
        fc.property(input, (value) => {
          for (const path of slots(value)) {
            for (const replacement of wrongValues) agree(encode, schema, mutate(value, path, replacement, false))
            agree(encode, schema, mutate(value, path, undefined, true))
          }
        }),
        { numRuns: Math.max(1, Math.round(RUNS / 20)) }
      )
    })
  }
})
