/**
 * The building blocks of src/internal/schemas.ts are built for cold start (one instance per argument, one class
 * per open enum, every generated schema built on first use), and must stay the schemas they stand for: the same
 * AST, so the same decoding, encoding and error messages as the plain `Schema` combinators.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as Models from "../schemas/Models.js"
import { lazy, Metadata, NullOr, openEnum, optional } from "../src/internal/schemas.js"

const plainOpenEnum = (...literals: ReadonlyArray<string>) =>
  Schema.Union(Schema.Literal(...literals), Schema.String)

const decoded = <A, I>(schema: Schema.Schema<A, I>, input: unknown): string =>
  Either.match(Schema.decodeUnknownEither(schema)(input), {
    onLeft: (error) => `error: ${ParseResult.TreeFormatter.formatErrorSync(error)}`,
    onRight: (value) => `ok: ${JSON.stringify(value)}`
  })

describe("openEnum", () => {
  it.each([[[]], [["active"]], [["pending", "accepted", "revoked"]]])("has the AST of a union of literals and string (%j)", (literals) => {
    expect(openEnum(...literals).ast).toEqual(plainOpenEnum(...literals).ast)
    expect(String(openEnum(...literals).ast)).toBe(String(plainOpenEnum(...literals).ast))
  })

  it("decodes and fails like that union", () => {
    for (const input of ["pending", "something_new", 1, null, undefined]) {
      expect(decoded(openEnum("pending", "accepted"), input)).toBe(decoded(plainOpenEnum("pending", "accepted"), input))
    }
  })
})

describe("NullOr and optional", () => {
  it("are Schema.NullOr and Schema.optional, one instance per argument", () => {
    expect(NullOr(Schema.String).ast).toEqual(Schema.NullOr(Schema.String).ast)
    expect(optional(Metadata).ast).toEqual(Schema.optional(Metadata).ast)
    expect(NullOr(Schema.String)).toBe(NullOr(Schema.String))
    expect(optional(Schema.Number)).toBe(optional(Schema.Number))
    expect(NullOr(Schema.Number)).not.toBe(NullOr(Schema.String))
  })

  it("shared by two structs, decode each one as its own fields say", () => {
    const A = Schema.Struct({ name: NullOr(Schema.String), note: optional(Schema.String) })
    const B = Schema.Struct({
      title: Schema.fromKey(Schema.propertySignature(NullOr(Schema.String)), "title_text"),
      note: Schema.fromKey(optional(Schema.String), "note_text")
    })
    expect(Schema.decodeUnknownSync(A)({ name: null })).toEqual({ name: null })
    expect(Schema.decodeUnknownSync(B)({ title_text: "t", note_text: "n" })).toEqual({ title: "t", note: "n" })
    expect(Schema.encodeSync(B)({ title: null })).toEqual({ title_text: null })
  })
})

describe("lazy", () => {
  const plain = () =>
    Schema.Struct({
      id: Schema.String,
      status: openEnum("active", "banned"),
      createdAt: Schema.fromKey(Schema.propertySignature(Schema.Number), "created_at")
    }).annotations({ identifier: "Thing" })

  it("builds nothing until the schema is read, then builds it once", () => {
    let builds = 0
    const Thing = lazy(() => {
      builds++
      return plain()
    })
    expect(builds).toBe(0)
    expect(Schema.isSchema(Thing)).toBe(true)
    expect(Thing.ast).toBe(Thing.ast)
    expect(builds).toBe(1)
  })

  it("is the schema it builds to Schema's functions and to the reader of its fields", () => {
    const Thing = lazy(plain)
    const Plain = plain()
    const wire = { id: "t_1", status: "archived", created_at: 1 }
    expect(typeof Thing).toBe("function")
    expect(Thing.ast).toEqual(Plain.ast)
    expect(String(Thing)).toBe(String(Plain))
    expect(Object.keys(Thing)).toEqual(Object.keys(Plain))
    expect(Object.keys(Thing.fields)).toEqual(["id", "status", "createdAt"])
    expect(Schema.decodeUnknownSync(Thing)(wire)).toEqual({ id: "t_1", status: "archived", createdAt: 1 })
    expect(decoded(Thing, { id: 1 })).toBe(decoded(Plain, { id: 1 }))
    expect(Schema.encodeSync(Thing)({ id: "t_1", status: "active", createdAt: 2 })).toEqual({
      id: "t_1",
      status: "active",
      created_at: 2
    })
    expect(Schema.Array(Thing).ast).toEqual(Schema.Array(Plain).ast)
    expect(Thing.pipe(Schema.pick("id")).ast).toEqual(Plain.pipe(Schema.pick("id")).ast)
    expect(Schema.Struct({ ...Thing.fields, extra: Schema.Boolean }).ast).toEqual(
      Schema.Struct({ ...Plain.fields, extra: Schema.Boolean }).ast
    )
    expect(Thing.annotations({ title: "t" }).ast).toEqual(Plain.annotations({ title: "t" }).ast)
  })

  it("is how the generated models are declared", () => {
    // A schema class's `prototype` is not configurable; the proxy must report it as configurable.
    expect(Object.getOwnPropertyDescriptor(Schema.Struct({}), "prototype")?.configurable).toBe(false)
    expect(Object.getOwnPropertyDescriptor(Models.User, "prototype")?.configurable).toBe(true)
    expect(Schema.isSchema(Models.User)).toBe(true)
  })
})
