/**
 * The building blocks of src/internal/schemas.ts are built for cold start (one instance per argument, one class
 * per open enum), and must stay the schemas they stand for: the same AST, so the same decoding, encoding and
 * error messages as the plain `Schema` combinators.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { Metadata, NullOr, openEnum, optional } from "../src/internal/schemas.js"

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
