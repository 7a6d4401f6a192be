/**
 * Decoder emission: `schemas/decoders/Models.ts` (one decoder per model) and `schemas/decoders/Responses.ts`
 * (one per inline JSON success body, named like its Schema).
 *
 * A decoder is a plain function `(input: unknown) => DecodeResult<T>`, `T` the Type of the model's Schema,
 * that validates and renames in one pass: structs and plain unions are tables read by the runtime
 * (`src/internal/decode.ts`'s `struct` and `union`), a fraction of the bytes of straight-line code, with the
 * common checks shared (`D.string`, …) and the rest declared once per file. It returns what
 * `Schema.decodeUnknownEither(schema)` returns on
 * success, and on failure the path (wire names) of the first issue `ParseResult.ArrayFormatter` lists. It
 * mirrors the Schema decode rule by rule:
 *
 * - Struct: an object that is not an array; the fields in the Schema's order, each under its camelCase key;
 *   excess properties dropped. A required property is read even when absent (`Schema.Unknown` then gives
 *   `undefined`, as the Schema does); an optional one is left out when absent and may be `undefined`.
 * - Union (and `NullOr`, and `optional`'s `| undefined`): the members in order, the first that decodes wins;
 *   members with literal properties are first picked by their literals, as `Schema.Union`'s search tree does.
 * - Open enums are any string; closed ones (union discriminators) their literals. Arrays and records are
 *   copied; `Metadata` and `Schema.Unknown` values are the input's own.
 *
 * test/decoders.test.ts checks each decoder against its Schema on generated wire values, valid and broken.
 */
import type { Api, Model } from "./api.js"
import { header } from "./header.js"
import type { Field, Type } from "./ir.js"
import { hasInlineResponse, responseName } from "./schemas.js"

/** What a position compiles to: a guard (the value is the output), or a decoder function (by name). */
type Code =
  | {
    readonly kind: "check"
    /** The condition, on the expression `v`. */
    readonly cond: (v: string) => string
    /** For messages: `Expected <what>`. */
    readonly what: string
    /** The TypeScript type the condition narrows to. */
    readonly ts: string
    /** A named guard of the runtime, when there is one. */
    readonly guard?: string | undefined
  }
  | { readonly kind: "decoder"; readonly fn: string }

/** A member of a union: a type, or the `null` / `undefined` that `NullOr` and `optional` add. */
type Member = Type | "null" | "undefined"

interface Emitter {
  readonly byName: ReadonlyMap<string, Model>
  /** How a model's decoder is named from the file being written. */
  readonly modelDecoder: (name: string) => string
  /** Declarations hoisted out of the decoder being written (nested structs, arrays, unions). */
  readonly hoisted: Array<string>
  /** The decoder being written, and a counter for the names of its hoisted parts. */
  root: string
  counter: number
  /**
   * `wire`: decoding the Encoded side (wire names). `type`: decoding a value of the Type side (camelCase keys),
   * as the second pass of a renaming struct's Schema decode does; used to re-decode a union's winner below.
   */
  level: "wire" | "type"
  /** A struct around the position being written (in this decoder) renames keys. */
  renamed: boolean
  /** The models whose Type-side decoder (`X$type`) is used. */
  readonly typeLevel: Set<string>
  /** The check decoders declared at the top of the file, by condition, and their declarations. */
  readonly shared: Map<string, string>
  readonly sharedDeclarations: Array<string>
}

const R = "D"

const json = (s: string): string => JSON.stringify(s)

const isIdentifier = (s: string): boolean => /^[A-Za-z_$][\w$]*$/.test(s)

const fresh = (emitter: Emitter): string => `${emitter.root}$${++emitter.counter}`

const hoist = (emitter: Emitter, body: string): string => {
  const name = fresh(emitter)
  emitter.hoisted.push(`const ${name} = ${body}\n`)
  return name
}

const resolve = (emitter: Emitter, type: Type): Type => {
  if (type._tag !== "Ref") return type
  const model = emitter.byName.get(type.name)
  if (model === undefined) throw new Error(`decoders: unknown model ${type.name}`)
  return resolve(emitter, model.type)
}

/**
 * The literal properties of a member, as `ParseResult.getSearchTree` finds them on the Encoded side: required
 * properties whose schema is one `Schema.Literal` (a closed enum of one value), by wire name.
 */
const literalsOf = (emitter: Emitter, type: Member): ReadonlyArray<readonly [string, string]> => {
  if (type === "null" || type === "undefined") return []
  const resolved = resolve(emitter, type)
  if (resolved._tag !== "Struct") return []
  return resolved.fields.flatMap((field): ReadonlyArray<readonly [string, string]> => {
    const t = field.type
    if (!field.required || t._tag !== "String" || t.closed !== true || t.enum === undefined) return []
    const [only] = t.enum
    const key = emitter.level === "wire" ? field.wire : field.key
    return t.enum.length === 1 && only !== undefined ? [[key, only]] : []
  })
}

/** Whether a type's Schema accepts `null` or `undefined` (then `v === null ? null : D(v)` would be wrong). */
const acceptsNullish = (emitter: Emitter, type: Member): boolean => {
  if (type === "null" || type === "undefined") return true
  const resolved = resolve(emitter, type)
  switch (resolved._tag) {
    case "Unknown":
    case "Nullable":
      return true
    case "Union":
      return resolved.members.some((m) => acceptsNullish(emitter, m))
    default:
      return false
  }
}

const check = (cond: (v: string) => string, what: string, ts: string, guard?: string): Code => ({
  kind: "check",
  cond,
  what,
  ts,
  guard
})

const always = (c: Code): boolean => c.kind === "check" && c.cond("v") === "true"

/** A decoder function for a code: its name, or a hoisted arrow around its guard. */
const decoderOf = (emitter: Emitter, code: Code): string => {
  if (code.kind === "decoder") return code.fn
  if (always(code)) return `${R}.unknown`
  const cond = code.cond("v")
  const known = runtimeChecks.get(cond)
  if (known !== undefined) return `${R}.${known}`
  // Other checks (enums, mostly) are declared once per file, whichever model meets them first.
  const shared = emitter.shared.get(cond)
  if (shared !== undefined) return shared
  const name = `$check${emitter.shared.size + 1}`
  emitter.shared.set(cond, name)
  emitter.sharedDeclarations.push(
    `const ${name} = (v: unknown): ${R}.DecodeResult<${code.ts}> => ${cond} ? v : ${R}.expected(${json(code.what)}, v)\n`
  )
  return name
}

/** The checks the runtime has a decoder for, by their condition on `v`. */
const runtimeChecks: ReadonlyMap<string, string> = new Map([
  [`typeof v === "string"`, "string"],
  [`typeof v === "number"`, "number"],
  [`typeof v === "boolean"`, "boolean"],
  [`(typeof v === "string") || (v === null)`, "stringOrNull"],
  [`(typeof v === "number") || (v === null)`, "numberOrNull"],
  [`(typeof v === "boolean") || (v === null)`, "booleanOrNull"]
])

/** A guard function for a check: the runtime's, or a hoisted arrow. */
const guardOf = (emitter: Emitter, code: Code & { kind: "check" }): string =>
  code.guard ?? hoist(emitter, `(v: unknown): v is ${code.ts} => ${code.cond("v")}`)

const compile = (emitter: Emitter, type: Type, ts: string): Code => {
  switch (type._tag) {
    case "Ref":
      if (emitter.level === "type") {
        emitter.typeLevel.add(type.name)
        return { kind: "decoder", fn: emitter.modelDecoder(`${type.name}$type`) }
      }
      return { kind: "decoder", fn: emitter.modelDecoder(type.name) }
    case "String": {
      if (type.enum !== undefined && type.closed === true) {
        const values = type.enum
        return check(
          (v) => values.map((value) => `${v} === ${json(value)}`).join(" || "),
          values.map(json).join(" | "),
          values.map(json).join(" | ")
        )
      }
      return check((v) => `typeof ${v} === "string"`, "string", "string", `${R}.isString`)
    }
    case "Number":
      return check((v) => `typeof ${v} === "number"`, "number", "number", `${R}.isNumber`)
    case "Boolean":
      return check((v) => `typeof ${v} === "boolean"`, "boolean", "boolean", `${R}.isBoolean`)
    case "Unknown":
      return check(() => "true", "unknown", "unknown")
    case "Metadata":
      return { kind: "decoder", fn: `${R}.metadata` }
    case "Record": {
      const value = compile(emitter, type.value, `${ts}[string]`)
      const fn = decoderOf(emitter, value)
      return { kind: "decoder", fn: hoist(emitter, `(v: unknown) => ${R}.record(v, ${fn})`) }
    }
    case "Array": {
      const items = compile(emitter, type.items, `${ts}[number]`)
      if (items.kind === "check") {
        if (always(items)) return { kind: "decoder", fn: hoist(emitter, `(v: unknown) => ${R}.arrayOf(v, (_: unknown): _ is unknown => true, "unknown")`) }
        const guard = guardOf(emitter, items)
        return { kind: "decoder", fn: hoist(emitter, `(v: unknown) => ${R}.arrayOf(v, ${guard}, ${json(items.what)})`) }
      }
      return { kind: "decoder", fn: hoist(emitter, `(v: unknown) => ${R}.array(v, ${items.fn})`) }
    }
    case "Struct":
      if (type.fields.length === 0) {
        // `Schema.Struct({})` is `{}`: anything but `null` and `undefined`, as it is.
        return check((v) => `${v} !== null && ${v} !== undefined`, "an object", "{}")
      }
      return { kind: "decoder", fn: struct(emitter, type.fields, ts) }
    case "Union":
      return union(emitter, type.members, ts)
    case "Nullable":
      return union(emitter, [type.type, "null"], ts)
    case "File":
      throw new Error("decoders: a file in a response")
  }
}

/**
 * The type of a union member, from the union's: `Extract<U, { readonly key: unknown }>` with a required key
 * that no other member has. Only anonymous structs need one (the other members' types are their models' or
 * are inferred).
 */
const memberType = (emitter: Emitter, members: ReadonlyArray<Member>, index: number, ts: string): string => {
  const self = members[index]
  if (members.length === 1) return ts
  if (members.every((m, i) => i === index || m === "null" || m === "undefined")) return `Exclude<${ts}, null | undefined>`
  if (self === undefined || self === "null" || self === "undefined" || self._tag !== "Struct") return ts
  const keysOf = (m: Member): ReadonlyArray<string> => {
    if (m === "null" || m === "undefined") return []
    const resolved = resolve(emitter, m)
    return resolved._tag === "Struct" ? resolved.fields.map((f) => f.key) : []
  }
  const others = new Set(members.filter((_, i) => i !== index).flatMap(keysOf))
  const unique = self.fields.find((f) => f.required && !others.has(f.key))
  if (unique === undefined) throw new Error(`decoders: no key tells member ${index} of a union in ${emitter.root} apart`)
  return `Extract<${ts}, { readonly ${isIdentifier(unique.key) ? unique.key : json(unique.key)}: unknown }>`
}

/** The members of a union, decoded on the Type side. */
const typeLevelCodes = (emitter: Emitter, members: ReadonlyArray<Member>, ts: string): ReadonlyArray<Code> => {
  emitter.level = "type"
  try {
    return members.map((m, i) => memberCode(emitter, m, memberType(emitter, members, i, ts)))
  } finally {
    emitter.level = "wire"
  }
}

const memberCode = (emitter: Emitter, m: Member, ts: string): Code =>
  m === "null"
    ? check((v) => `${v} === null`, "null", "null")
    : m === "undefined"
    ? check((v) => `${v} === undefined`, "undefined", "undefined")
    : compile(emitter, m, ts)

/**
 * A union, as `Schema.Union` decodes it. Without literal members: the members in order (a condition for the
 * guards, a function trying each for the rest). With them: the runtime's `discriminated`, given the search
 * tree computed here exactly as `ParseResult.getSearchTree` computes it.
 */
const union = (emitter: Emitter, members: ReadonlyArray<Member>, ts: string): Code => {
  const codes = members.map((m, i) => memberCode(emitter, m, memberType(emitter, members, i, ts)))
  const literals = members.map((m) => literalsOf(emitter, m))
  if (literals.every((l) => l.length === 0)) {
    if (codes.length === 1 && codes[0] !== undefined) return codes[0]
    if (codes.every((c) => c.kind === "check")) {
      const checks = codes.filter((c): c is Code & { kind: "check" } => c.kind === "check")
      if (checks.some(always)) return check(() => "true", "unknown", "unknown")
      return check(
        (v) => checks.map((c) => `(${c.cond(v)})`).join(" || "),
        checks.map((c) => c.what).join(" | "),
        checks.map((c) => c.ts).join(" | ")
      )
    }
    const [first] = codes
    const [firstMember, secondMember] = members
    if (
      codes.length === 2 && first?.kind === "decoder" && firstMember !== undefined &&
      (secondMember === "null" || secondMember === "undefined") && !acceptsNullish(emitter, firstMember)
    ) {
      return { kind: "decoder", fn: hoist(emitter, `(v: unknown) => v === ${secondMember} ? v : ${first.fn}(v)`) }
    }
    // Tried in order; the first failure is the first member's. Inside a renaming struct, the Schema decode
    // decodes the result again on the Type side, where an earlier member may now accept the winner's value
    // (`object` is optional in the verifications): the winner is re-decoded by the earlier members first.
    const renormalize = emitter.renamed && emitter.level === "wire"
    const list = (cs: ReadonlyArray<Code>) => `() => [${cs.map((c) => decoderOf(emitter, c)).join(", ")}]`
    const args = [list(codes), ...(renormalize ? [list(typeLevelCodes(emitter, members, ts))] : [])]
    return { kind: "decoder", fn: hoist(emitter, `/*#__PURE__*/ ${R}.union<${ts}>(${args.join(", ")})`) }
  }
  // The search tree of `ParseResult.getSearchTree`.
  const keys = new Map<string, Map<string, Array<number>>>()
  const otherwise: Array<number> = []
  literals.forEach((tags, index) => {
    if (tags.length === 0) return void otherwise.push(index)
    for (let j = 0; j < tags.length; j++) {
      const [key, literal] = tags[j] ?? ["", ""]
      const buckets = keys.get(key) ?? new Map<string, Array<number>>()
      keys.set(key, buckets)
      const bucket = buckets.get(literal)
      if (bucket !== undefined) {
        if (j < tags.length - 1) continue
        bucket.push(index)
      } else {
        buckets.set(literal, [index])
      }
      break
    }
  })
  const fns = codes.map((c) => decoderOf(emitter, c))
  const fnList = (indices: ReadonlyArray<number>) => `[${indices.map((i) => fns[i]).join(", ")}]`
  const tree = [...keys].map(([key, buckets]) =>
    `[${json(key)}, { ${[...buckets].map(([literal, indices]) => `${json(literal)}: ${fnList(indices)}`).join(", ")} }]`
  )
  return {
    kind: "decoder",
    fn: hoist(emitter, `(v: unknown) => ${R}.discriminated<${ts}>(v, [${tree.join(", ")}], ${fnList(otherwise)})`)
  }
}

/** A struct's decoder, hoisted: returns its name. */
const struct = (emitter: Emitter, fields: ReadonlyArray<Field>, ts: string, name?: string): string => {
  const renamed = emitter.renamed
  emitter.renamed = renamed || fields.some((field) => field.key !== field.wire)
  try {
    return structBody(emitter, fields, ts, name)
  } finally {
    emitter.renamed = renamed
  }
}

/**
 * A struct, as a table the runtime's `struct` walks: `key: [wire name, decoder]`, `, 1` when optional. A table
 * is a fraction of the bytes of straight-line code (every Users operation's models are in a `Users.get`
 * bundle), and its mapped type still checks each field's decoder against the model's field. It is read on
 * the first call, so that the decoders of models declared further down the file can be named in it.
 */
const structBody = (emitter: Emitter, fields: ReadonlyArray<Field>, ts: string, name?: string): string => {
  const entries = fields.map((field) => {
    const key = field.key
    if (/^\d+$/.test(key)) throw new Error(`decoders: ${emitter.root} has an integer-like key ${key}`)
    const wire = emitter.level === "wire" ? field.wire : field.key
    const fieldTs = field.required ? `${ts}[${json(key)}]` : `Exclude<${ts}[${json(key)}], undefined>`
    const code = field.required ? compile(emitter, field.type, fieldTs) : union(emitter, [field.type], fieldTs)
    return `  ${isIdentifier(key) ? key : json(key)}: [${json(wire)}, ${decoderOf(emitter, code)}${field.required ? "" : ", 1"}]`
  })
  const fn = `/*#__PURE__*/ ${R}.struct<${ts}>(() => ({\n${entries.join(",\n")}\n}))`
  if (name !== undefined) return fn
  return hoist(emitter, fn)
}

/** The declaration of a root decoder (a model's, or an inline response's), with its hoisted parts before it. */
const rootDeclaration = (emitter: Emitter, name: string, type: Type, ts: string, doc: string): string => {
  emitter.root = name
  emitter.counter = 0
  emitter.hoisted.length = 0
  emitter.renamed = false
  let value: string
  if (type._tag === "Struct" && type.fields.length > 0) {
    value = struct(emitter, type.fields, ts, name)
  } else {
    const code = compile(emitter, type, ts)
    value = code.kind === "decoder"
      ? `(i: unknown): ${R}.DecodeResult<${ts}> => ${code.fn}(i)`
      : always(code)
      ? `(i: unknown): ${R}.DecodeResult<${ts}> => i`
      : `(i: unknown): ${R}.DecodeResult<${ts}> => ${code.cond("i")} ? i : ${R}.expected(${json(code.what)}, i)`
  }
  return [...emitter.hoisted, `/** ${doc} */\nexport const ${name} = ${value}\n`].join("\n")
}

const runtimeImport = `import * as ${R} from "../../src/internal/decode.js"`

const newEmitter = (api: Api, modelDecoder: (name: string) => string): Emitter => ({
  byName: api.modelsByName,
  modelDecoder,
  hoisted: [],
  root: "",
  counter: 0,
  level: "wire",
  renamed: false,
  typeLevel: new Set(),
  shared: new Map(),
  sharedDeclarations: []
})

export const modelDecodersFile = (api: Api, specFile: string): string => {
  const emitter = newEmitter(api, (name) => name)
  const body = api.models.map((model) =>
    rootDeclaration(emitter, model.name, model.type, `Models.${model.name}`, `Decodes a \`Models.${model.name}\`.`)
  )
  // The Type-side decoders the unions use, and the ones they use in turn.
  const done = new Set<string>()
  for (let next = [...emitter.typeLevel].sort(); next.length > 0; next = [...emitter.typeLevel].filter((n) => !done.has(n)).sort()) {
    for (const name of next) {
      done.add(name)
      const model = api.modelsByName.get(name)
      if (model === undefined) throw new Error(`decoders: unknown model ${name}`)
      emitter.level = "type"
      body.push(rootDeclaration(
        emitter,
        `${name}$type`,
        model.type,
        `Models.${name}`,
        `Decodes a \`Models.${name}\` value of the Type side (camelCase keys), as a renaming struct's Schema decode does in its second pass.`
      ))
      emitter.level = "wire"
    }
  }
  return [
    header(
      [
        "Decoders of the models: each validates and renames a parsed JSON value in one pass, with the result of",
        "`Schema.decodeUnknownEither(Models.X)` (test/decoders.test.ts checks it). See scripts/generator/decoders.ts."
      ],
      specFile
    ),
    runtimeImport,
    `import type * as Models from "../Models.js"`,
    "",
    ...emitter.sharedDeclarations,
    body.join("\n")
  ].join("\n")
}

export const responseDecodersFile = (api: Api, specFile: string): string => {
  const emitter = newEmitter(api, (name) => `Decoders.${name}`)
  const services = new Set<string>()
  const body: Array<string> = []
  for (const service of api.services) {
    for (const operation of service.operations) {
      if (operation.success._tag !== "Json" || !hasInlineResponse(operation)) continue
      services.add(service.name)
      const name = responseName(operation)
      body.push(rootDeclaration(
        emitter,
        name,
        operation.success.type,
        `${service.name}Schemas.${name}`,
        `Decodes the success body of \`${service.group}.${operation.method}\` (\`${service.name}Schemas.${name}\`).`
      ))
    }
  }
  if (emitter.typeLevel.size > 0) {
    // Their Type-side decoders would be in Models.ts only if a model needed them too.
    throw new Error(`decoders: an inline response needs Type-side decoders (${[...emitter.typeLevel].join(", ")})`)
  }
  const uses = body.some((b) => b.includes("Decoders."))
  return [
    header(
      [
        "Decoders of the inline success bodies, named like their Schemas in schemas/<Service>.ts; see",
        "scripts/generator/decoders.ts."
      ],
      specFile
    ),
    runtimeImport,
    ...[...services].sort().map((s) => `import type * as ${s}Schemas from "../${s}.js"`),
    ...(uses ? [`import * as Decoders from "./Models.js"`] : []),
    "",
    ...emitter.sharedDeclarations,
    body.join("\n")
  ].join("\n")
}
