/**
 * Decoder emission: `schemas/decoders/Models.ts` (one decoder per model) and `schemas/decoders/Responses.ts`
 * (one per inline JSON success body, named like its Schema).
 *
 * A decoder is a plain function `(input: unknown) => DecodeResult<T>`, `T` the Type of the model's Schema,
 * that validates and renames in one pass, with the runtime of `src/internal/decode.ts`. A struct is one of:
 *
 * - straight-line code, for the models `users.list` returns (`straightLineRoots`): a build function that
 *   reads each wire key inline (`i.first_name`), checks it with a field check of the runtime
 *   (`D.stringOrNull(i.first_name)`, `D.decode(Model, i.x)`, …) that returns it or throws, and stores it under
 *   its Type-side key in the Schema's order: an object literal when every field is required, else the `this`
 *   of a constructor filled by named stores, an optional field behind `"wire" in i`. Inline caches and fixed
 *   hidden classes: about 1.6 µs per full user, a fifth of a table walk. The checks take no key: the runtime
 *   works out which field failed when one throws (rare), by running the code again on a proxy that records
 *   the reads.
 * - a table, for every other model: `[wire name, check or decoder]`, `, 1` when optional, the key derived
 *   from the wire name by the runtime (and given fourth when it cannot be), typed by `D.Entry` (the wire name
 *   must be `D.Snake` of a key of the model, the check of that key's type). Walked by a loop: keyed reads
 *   and stores, several times slower, and a table with derived keys is some 2 bytes of gzip smaller per
 *   field than the object tables it replaces, which pays for the straight-line code within the SDK's budget
 *   of bytes (every model of a service is in the bundle of a program that uses one of its operations).
 *
 * Either returns what `Schema.decodeUnknownEither(schema)` returns on success, and on failure the path (wire
 * names) of the first issue `ParseResult.ArrayFormatter` lists. It mirrors the Schema decode rule by rule:
 *
 * - Struct: an object that is not an array; the fields in the Schema's order, each under its camelCase key;
 *   excess properties dropped. A required property is read even when absent (`Schema.Unknown` then gives
 *   `undefined`, as the Schema does); an optional one is left out when absent (not an own property) and may
 *   be `undefined`.
 * - Union (and `NullOr`, and `optional`'s `| undefined`): the members in order, the first that decodes wins;
 *   members with literal properties are first picked by their literals, as `Schema.Union`'s search tree does.
 *   A member whose optional literal (`object` of the verifications) the input contradicts is not tried: it
 *   would fail, and a failure costs a throw.
 * - Open enums are any string; closed ones (union discriminators) their literals. Arrays and records are
 *   copied; `Metadata` and `Schema.Unknown` values are the input's own.
 *
 * test/decoders.test.ts checks each decoder against its Schema on generated wire values, valid and broken.
 */
import type { Api, Model } from "./api.js"
import { header } from "./header.js"
import type { Field, Type } from "./ir.js"
import { hasInlineResponse, responseName } from "./schemas.js"

/**
 * What a position compiles to: a check (the value is the output), a decoder function (by name), or one of
 * the two shapes a straight-line field decodes without a decoder of its own (`D.items`, `D.nullable`): an
 * array of a decoder's items, and a decoder's value or `null`.
 */
type Code =
  | {
    readonly kind: "check"
    /** The condition, on the expression `v`. */
    readonly cond: (v: string) => string
    /** For messages: `Expected <what>`. */
    readonly what: string
    /** The TypeScript type the condition narrows to. */
    readonly ts: string
    /** How the shared field check is made, when not by `D.check` around the condition. */
    readonly field?: string | undefined
  }
  | { readonly kind: "decoder"; readonly fn: string }
  | { readonly kind: "array"; readonly item: string }
  | { readonly kind: "nullable"; readonly inner: string }

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
  /** The decoder being written is straight-line code (its model is in `straightLine`), not a table. */
  straight: boolean
  /** The models decoded by straight-line code (`straightLineModels`). */
  readonly straightLine: ReadonlySet<string>
  /** The models whose Type-side decoder (`X$type`) is used. */
  readonly typeLevel: Set<string>
  /**
   * The checks declared at the top of the file, by condition: field checks (`$checkN`, thrown failures) and
   * decoders (`$decoderN`, returned failures), and their declarations.
   */
  readonly shared: Map<string, string>
  readonly sharedDecoders: Map<string, string>
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

const check = (cond: (v: string) => string, what: string, ts: string, field?: string): Code => ({
  kind: "check",
  cond,
  what,
  ts,
  field
})

const always = (c: Code): boolean => c.kind === "check" && c.cond("v") === "true"

/** The decoders hoisted for the codes that have none of their own (`array`, `nullable`), once per code. */
const hoistedFor = new WeakMap<Code, string>()

/**
 * A decoder function for a code (array items, union members, record values): its name, or a hoisted arrow.
 * A check's is declared once per file, whichever model meets it first.
 */
const decoderOf = (emitter: Emitter, code: Code): string => {
  switch (code.kind) {
    case "decoder":
      return code.fn
    case "array":
    case "nullable": {
      const done = hoistedFor.get(code)
      if (done !== undefined) return done
      const name = hoist(
        emitter,
        code.kind === "array" ? `(v: unknown) => ${R}.array(v, ${code.item})` : `(v: unknown) => v === null ? v : ${code.inner}(v)`
      )
      hoistedFor.set(code, name)
      return name
    }
    case "check": {
      if (always(code)) return `${R}.unknown`
      const cond = code.cond("v")
      const shared = emitter.sharedDecoders.get(cond)
      if (shared !== undefined) return shared
      const name = `$decoder${emitter.sharedDecoders.size + 1}`
      emitter.sharedDecoders.set(cond, name)
      emitter.sharedDeclarations.push(
        `const ${name} = (v: unknown): ${R}.DecodeResult<${code.ts}> => ${cond} ? v : ${R}.expected(${json(code.what)}, v)\n`
      )
      return name
    }
  }
}

/** A field check for a check (`D.string`, `$check3`): returns the value or throws, in a build function. */
const fieldCheckOf = (emitter: Emitter, code: Code & { kind: "check" }): string => {
  const cond = code.cond("v")
  const known = runtimeChecks.get(cond)
  if (known !== undefined) return `${R}.${known}`
  const shared = emitter.shared.get(cond)
  if (shared !== undefined) return shared
  const name = `$check${emitter.shared.size + 1}`
  emitter.shared.set(cond, name)
  emitter.sharedDeclarations.push(
    `const ${name} = /*#__PURE__*/ ${code.field ?? `${R}.check((v): v is ${code.ts} => ${cond}, ${json(code.what)})`}\n`
  )
  return name
}

/** The field checks of the runtime, by their condition on `v`. */
const runtimeChecks: ReadonlyMap<string, string> = new Map([
  [`typeof v === "string"`, "string"],
  [`typeof v === "number"`, "number"],
  [`typeof v === "boolean"`, "boolean"],
  [`(typeof v === "string") || (v === null)`, "stringOrNull"],
  [`(typeof v === "number") || (v === null)`, "numberOrNull"],
  [`(typeof v === "boolean") || (v === null)`, "booleanOrNull"]
])

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
        const [only] = values
        if (values.length === 1 && only !== undefined) {
          return check((v) => `${v} === ${json(only)}`, json(only), json(only), `${R}.literal(${json(only)})`)
        }
        return check(
          (v) => values.map((value) => `${v} === ${json(value)}`).join(" || "),
          values.map(json).join(" | "),
          values.map(json).join(" | ")
        )
      }
      return check((v) => `typeof ${v} === "string"`, "string", "string")
    }
    case "Number":
      return check((v) => `typeof ${v} === "number"`, "number", "number")
    case "Boolean":
      return check((v) => `typeof ${v} === "boolean"`, "boolean", "boolean")
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
      return { kind: "array", item: decoderOf(emitter, items) }
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
const typeLevelCodes = (emitter: Emitter, members: ReadonlyArray<Member>, ts: string): ReadonlyArray<string> => {
  emitter.level = "type"
  try {
    return members.map((m, i) => decoderOf(emitter, memberCode(emitter, m, memberType(emitter, members, i, ts))))
  } finally {
    emitter.level = "wire"
  }
}

/**
 * The literal property by which a plain union skips a member without trying it (`D.union`'s `tags`): the
 * first property of a struct member whose schema is one `Schema.Literal`, required or optional, as
 * `[wire name, Type-side name, literal]`. An input that has it with another value fails that member for sure.
 */
const tagOf = (emitter: Emitter, type: Member): readonly [string, string, string] | undefined => {
  if (type === "null" || type === "undefined") return undefined
  const resolved = resolve(emitter, type)
  if (resolved._tag !== "Struct") return undefined
  for (const field of resolved.fields) {
    const t = field.type
    const [only] = t._tag === "String" && t.closed === true && t.enum?.length === 1 ? t.enum : []
    if (only !== undefined) return [field.wire, field.key, only]
  }
  return undefined
}

/**
 * The tags of a union's members, when they are under one name that the Type side keeps (`object`): that
 * name, and each member's literal (`null` for a member without one). Both passes use them.
 */
const tagsOf = (emitter: Emitter, members: ReadonlyArray<Member>): string | undefined => {
  const tags = members.map((m) => tagOf(emitter, m))
  const [key] = tags.flatMap((tag) => tag === undefined ? [] : [tag[0]])
  if (key === undefined || tags.some((tag) => tag !== undefined && (tag[0] !== key || tag[1] !== key))) return undefined
  return `${json(key)}, [${tags.map((tag) => tag === undefined ? "null" : json(tag[2])).join(", ")}]`
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
      codes.length === 2 && first !== undefined && first.kind !== "check" && firstMember !== undefined &&
      (secondMember === "null" || secondMember === "undefined") && !acceptsNullish(emitter, firstMember)
    ) {
      const inner = decoderOf(emitter, first)
      if (secondMember === "null") return { kind: "nullable", inner }
      return { kind: "decoder", fn: hoist(emitter, `(v: unknown) => v === undefined ? v : ${inner}(v)`) }
    }
    // Tried in order; the first failure is the first member's. Inside a renaming struct, the Schema decode
    // decodes the result again on the Type side, where an earlier member may now accept the winner's value
    // (`object` is optional in the verifications): the winner is re-decoded by the earlier members first.
    const renormalize = emitter.renamed && emitter.level === "wire"
    const list = (entries: ReadonlyArray<string>) => `() => [${entries.join(", ")}]`
    const tags = tagsOf(emitter, members)
    const args = [
      list(codes.map((c) => decoderOf(emitter, c))),
      ...(renormalize ? [list(typeLevelCodes(emitter, members, ts))] : tags !== undefined ? ["undefined"] : []),
      ...(tags !== undefined ? [tags] : [])
    ]
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

/** `object.name`, or `object["name"]` when the name is not an identifier. */
const member = (object: string, name: string): string => isIdentifier(name) ? `${object}.${name}` : `${object}[${json(name)}]`

/** The names `Object.prototype` has: reading one from a plain object does not say whether it is its own. */
const prototypeNames: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype))

/**
 * A field's value in a straight-line build function: `value` (the wire key read, `i.first_name`) checked by a
 * field check (`D.stringOrNull(…)`, `D.decode(Model, …)`, …) that returns it or throws; `, 1` when optional
 * (the property is present, its value may be `undefined`). `Schema.Unknown` is the value as it is. The checks
 * take no key: the runtime finds it (the key read last) when one throws.
 */
const fieldValue = (emitter: Emitter, code: Code, value: string, optional: boolean): string => {
  const args = `${value}${optional ? ", 1" : ""}`
  switch (code.kind) {
    case "check":
      return always(code) ? value : `${fieldCheckOf(emitter, code)}(${args})`
    case "decoder":
      return `${R}.decode(${code.fn}, ${args})`
    case "array":
      return `${R}.items(${code.item}, ${args})`
    case "nullable":
      return `${R}.nullable(${code.inner}, ${args})`
  }
}

/** A field's check or decoder in a table: a field check (it throws) for a check, else a decoder. */
const tableField = (emitter: Emitter, code: Code): string =>
  code.kind === "check" && !always(code) ? fieldCheckOf(emitter, code) : decoderOf(emitter, code)

/** `emailAddress` from `email_address`, as the runtime derives a table's keys. */
const camel = (wire: string): string => wire.replace(/_([a-z\d])/g, (_, c: string) => c.toUpperCase())

/** `email_address` from `emailAddress`, as the type of a table (`D.Snake`) checks it. */
const snake = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)

/**
 * A struct's decoder. Straight-line (`D.struct`, `D.draft`) for `straightLineRoots` and the models they
 * contain: the fields in the Schema's order, each read where it is checked; every field required: an object
 * literal (one hidden class, in-object fields, typed as the model as a whole); else the fields set one by one
 * on `this` by a function the runtime runs as a constructor (typed field by field), an optional one only when
 * present (`"wire" in i`, inline and cached). Otherwise a table (`D.table`): `[wire name, check or decoder]`,
 * `, 1` when optional, the key fourth when the runtime cannot derive it from the wire name. Either is read
 * when it runs, so that it can name the decoders of models declared further down the file.
 */
const structBody = (emitter: Emitter, fields: ReadonlyArray<Field>, ts: string, name?: string): string => {
  const parts = fields.map((field) => {
    const key = field.key
    const wire = emitter.level === "wire" ? field.wire : field.key
    if (/^\d+$/.test(key) || /^\d+$/.test(wire)) throw new Error(`decoders: ${emitter.root} has an integer-like key ${key}`)
    if (key === "__proto__" || wire === "__proto__") throw new Error(`decoders: ${emitter.root} has a __proto__ key`)
    const fieldTs = field.required ? `${ts}[${json(key)}]` : `Exclude<${ts}[${json(key)}], undefined>`
    const code = field.required ? compile(emitter, field.type, fieldTs) : union(emitter, [field.type], fieldTs)
    return { key, wire, optional: !field.required, code }
  })
  let fn: string
  if (!emitter.straight) {
    const rows = parts.map(({ key, wire, optional, code }) => {
      const decode = tableField(emitter, code)
      if (camel(wire) === key && snake(key) === wire) return `[${json(wire)}, ${decode}${optional ? ", 1" : ""}]`
      return `[${json(wire)}, ${decode}, ${optional ? 1 : 0}, ${json(key)}]`
    })
    fn = `/*#__PURE__*/ ${R}.table<${ts}>(() => [\n  ${rows.join(",\n  ")}\n])`
  } else if (parts.every((part) => !part.optional)) {
    const literal = parts.map((part) =>
      `${isIdentifier(part.key) ? part.key : json(part.key)}: ${fieldValue(emitter, part.code, member("i", part.wire), false)}`
    )
    fn = `/*#__PURE__*/ ${R}.struct<${ts}>((i) => ({\n  ${literal.join(",\n  ")}\n}))`
  } else {
    const assignments = parts.map((part) => {
      const value = fieldValue(emitter, part.code, member("i", part.wire), part.optional)
      const assign = `${member("this", part.key)} = ${value}`
      // `in`: an own property of a plain object (`D.struct` sends the others through a proxy whose `in` is
      // `hasOwn`), but for the names `Object.prototype` has.
      const has = prototypeNames.has(part.wire) ? `${R}.hasOwn(i, ${json(part.wire)})` : `${json(part.wire)} in i`
      return part.optional ? `if (${has}) ${assign}` : assign
    })
    fn = `/*#__PURE__*/ ${R}.draft<${ts}>(function(i) {\n${assignments.map((a) => `  ${a}\n`).join("")}})`
  }
  if (name !== undefined) return fn
  return hoist(emitter, fn)
}

/** The declaration of a root decoder (a model's, or an inline response's), with its hoisted parts before it. */
const rootDeclaration = (emitter: Emitter, name: string, type: Type, ts: string, doc: string, model?: string): string => {
  emitter.root = name
  emitter.straight = model !== undefined && emitter.straightLine.has(model)
  emitter.counter = 0
  emitter.hoisted.length = 0
  emitter.renamed = false
  let value: string
  if (type._tag === "Struct" && type.fields.length > 0) {
    value = struct(emitter, type.fields, ts, name)
  } else {
    const code = compile(emitter, type, ts)
    value = code.kind === "array"
      ? `(v) => ${R}.array(v, ${code.item})`
      : code.kind === "nullable"
      ? `(v) => v === null ? v : ${code.inner}(v)`
      : code.kind === "decoder"
      ? code.fn
      : always(code)
      ? `(i: unknown): ${R}.DecodeResult<${ts}> => i`
      : `(i: unknown): ${R}.DecodeResult<${ts}> => ${code.cond("i")} ? i : ${R}.expected(${json(code.what)}, i)`
  }
  return [...emitter.hoisted, `/** ${doc} */\nexport const ${name}: ${R}.Decoder<${ts}> = ${value}\n`].join("\n")
}

/**
 * The models decoded by straight-line code: those `users.list` returns by the hundred (issue 5: its CPU must
 * stay at or under @clerk/backend's, which leaves about 2 µs per user), with every model they contain. The
 * other models are tables, several times slower and a fraction of the bytes: every model of a service is in
 * the bundle of a program that uses one of its operations, and the SDK's bytes over the Effect floor are
 * budgeted. Straight-line code costs about as many bytes as a table with explicit keys, plus 3 bytes of gzip
 * per optional field; a table with keys derived from wire names costs 2 bytes less per field. Each model added
 * here is decoded 4-5 times faster, for its share of those bytes in every bundle that has it.
 */
const straightLineRoots: ReadonlyArray<string> = ["User"]

/**
 * Models a root contains that stay tables: `users.list` returns a user's organization memberships only when
 * asked (`include_organization_memberships`), and their straight-line code would take the Users bundle past
 * its budget of bytes.
 */
const tableModels: ReadonlySet<string> = new Set(["OrganizationMembership"])

const straightLineModels = (api: Api): ReadonlySet<string> => {
  const found = new Set<string>()
  const visit = (type: Type): void => {
    switch (type._tag) {
      case "Ref": {
        if (found.has(type.name) || tableModels.has(type.name)) return
        found.add(type.name)
        const model = api.modelsByName.get(type.name)
        if (model === undefined) throw new Error(`decoders: unknown model ${type.name}`)
        return visit(model.type)
      }
      case "Array":
        return visit(type.items)
      case "Record":
        return visit(type.value)
      case "Nullable":
        return visit(type.type)
      case "Union":
        return type.members.forEach(visit)
      case "Struct":
        return type.fields.forEach((field) => visit(field.type))
      default:
        return
    }
  }
  for (const name of straightLineRoots) visit({ _tag: "Ref", name })
  return found
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
  straight: false,
  straightLine: straightLineModels(api),
  typeLevel: new Set(),
  shared: new Map(),
  sharedDecoders: new Map(),
  sharedDeclarations: []
})

export const modelDecodersFile = (api: Api, specFile: string): string => {
  const emitter = newEmitter(api, (name) => name)
  const body = api.models.map((model) =>
    rootDeclaration(emitter, model.name, model.type, `Models.${model.name}`, `Decodes a \`Models.${model.name}\`.`, model.name)
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
        `Decodes a \`Models.${name}\` value of the Type side (camelCase keys), as a renaming struct's Schema decode does in its second pass.`,
        name
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
