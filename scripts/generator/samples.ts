/**
 * Sample values: inputs for every operation (as source, camelCase, and as the wire values the runtime must send
 * for them), and minimal response bodies that decode.
 */
import type { InputField, Operation } from "./api.js"
import type { Expr } from "./code.js"
import { literal, object, raw } from "./code.js"
import type { Field, Type } from "./ir.js"

/** A value as the caller writes it, and as it must reach the wire. */
export interface Sample {
  readonly code: Expr
  readonly wire: unknown
}

const hex32 = "0123456789abcdef0123456789abcdef"
const ksuid = "2abcdefghijklmnopqrstuvwxyz"

/**
 * A value for each `pattern` of the spec. The generator fails on a pattern it does not know: add it here.
 */
const patternSamples: Readonly<Record<string, string>> = {
  "^[A-Z]{2}$": "US",
  "^[^_][A-Za-z0-9_-]*$": "sample",
  "^(\\S(.*\\S)?)?$": "sample",
  "^user_\\w{27}$": `user_${ksuid}`,
  "^org_\\w{27}$": `org_${ksuid}`,
  "^mch_\\w{27}$": `mch_${ksuid}`,
  "^ins_\\w{27}$": `ins_${ksuid}`,
  "^apl_\\w{27}$": `apl_${ksuid}`,
  "^(user|org|mch)_\\w{27}$": `user_${ksuid}`,
  "^(user|org|mch|scim)_\\w{27}$": `user_${ksuid}`,
  "^ak_[0-9A-Fa-f]{32}$": `ak_${hex32}`,
  "^(ak|api_key)_[0-9A-Fa-f]{32}$": `ak_${hex32}`,
  "^mt_[0-9A-Fa-f]{32}$": `mt_${hex32}`,
  "^oat_[0-9A-Fa-f]{32}$": `oat_${hex32}`,
  "^aplt_[0-9A-Fa-f]{32}$": `aplt_${hex32}`,
  "^oauth_[a-z]+$": "oauth_google",
  "^oauth_(?:(?:token_)|(?:custom_))?[a-z]+$": "oauth_google",
  "^from_oauth_(?:(?:token_)|(?:custom_))?[a-z]+$": "from_oauth_google"
}

const patternSample = (pattern: string): string => {
  const sample = patternSamples[pattern]
  if (sample === undefined) throw new Error(`No sample value for the pattern ${pattern}: add one to patternSamples`)
  if (!new RegExp(pattern).test(sample)) throw new Error(`The sample ${sample} does not match ${pattern}`)
  return sample
}

const formatSamples: Readonly<Record<string, string>> = {
  email: "jane@example.com",
  uri: "https://example.com",
  date: "2024-01-01",
  "date-time": "2024-01-01T00:00:00Z"
}

const stringSample = (type: Extract<Type, { _tag: "String" }>, index: number): string => {
  const [first, second] = type.enum ?? []
  if (first !== undefined) return index > 0 && second !== undefined ? second : first
  if (type.pattern !== undefined) return patternSample(type.pattern)
  let value = formatSamples[type.format ?? ""] ?? (index > 0 ? `sample_${index + 1}` : "sample")
  if (type.minLength !== undefined && value.length < type.minLength) value = value.padEnd(type.minLength, "x")
  if (type.maxLength !== undefined && value.length > type.maxLength) value = value.slice(0, type.maxLength)
  return value
}

const numberSample = (type: Extract<Type, { _tag: "Number" }>, wire: string): number => {
  let value = wire === "limit" ? 10 : wire === "offset" ? 0 : type.integer ? 1 : 1.5
  if (type.minimum !== undefined && value < type.minimum) value = type.minimum + (type.exclusiveMinimum === true ? 1 : 0)
  if (type.maximum !== undefined && value > type.maximum) value = type.maximum - (type.exclusiveMaximum === true ? 1 : 0)
  return value
}

/** Metadata: a snake_case key and a nested camelCase key, both of which must reach the wire unchanged. */
const metadataSample = { snake_key: { innerKey: null } }

export type Style =
  /** Every field, optional ones too; path values with characters that need encoding; some nulls. */
  | "full"
  /** What a validating server accepts: required fields only (plus `limit`), plain path values, no nulls. */
  | "contract"

interface State {
  readonly style: Style
  nullables: number
}

/** The first set of alternative fields with no deprecated field (`domains` rather than `domain`). */
const preferredAlternative = (
  alternatives: ReadonlyArray<ReadonlyArray<string>>,
  fields: ReadonlyArray<Field>
): ReadonlyArray<string> => {
  const deprecated = new Set(fields.filter((field) => field.deprecated).map((field) => field.wire))
  return alternatives.find((names) => names.every((name) => !deprecated.has(name))) ?? alternatives[0] ?? []
}

const same = (value: unknown): Sample => ({ code: literal(value), wire: value })

const sampleOf = (type: Type, state: State, where: "query" | "body", wire: string, index = 0): Sample => {
  switch (type._tag) {
    case "Ref":
      throw new Error("request schemas never refer to models")
    case "String":
      return same(stringSample(type, index))
    case "Number":
      return same(numberSample(type, wire))
    case "Boolean":
      return same(type.enum?.[0] ?? true)
    case "Array": {
      // Query arrays get two items, to show the repeated keys; bodies get the fewest the schema allows.
      const wanted = where === "query" && state.style === "full" ? 2 : 1
      const count = Math.min(Math.max(wanted, type.minItems ?? 0), type.maxItems ?? Infinity)
      const items = Array.from({ length: count }, (_, i) => sampleOf(type.items, state, where, wire, i))
      // `+`/`-` prefixes (include/exclude filters) must survive the query string's encoding.
      const prefixed = where === "query" && type.items._tag === "String" && type.items.enum === undefined &&
          type.items.pattern === undefined
        ? items.map((item, i) => same(`${i === 0 ? "+" : "-"}${String(item.wire)}`))
        : items
      return { code: { _tag: "Array", items: prefixed.map((i) => i.code) }, wire: prefixed.map((i) => i.wire) }
    }
    case "Struct": {
      const alternative = preferredAlternative(type.alternatives ?? [], type.fields)
      const fields = type.fields.filter((field) =>
        state.style === "full" || field.required || alternative.includes(field.wire)
      )
      const samples = fields.map((field) => ({ field, sample: sampleOf(field.type, state, where, field.wire) }))
      return {
        code: object(samples.map(({ field, sample }) => ({ key: field.key, value: sample.code }))),
        wire: Object.fromEntries(samples.map(({ field, sample }) => [field.wire, sample.wire]))
      }
    }
    case "Record": {
      const value = sampleOf(type.value, state, where, wire)
      return { code: object([{ key: "sample_key", value: value.code }]), wire: { sample_key: value.wire } }
    }
    case "Metadata":
      return same(metadataSample)
    case "Unknown":
      return same({ sample_key: "sample" })
    case "Union": {
      const [first] = type.members
      if (first === undefined) throw new Error("empty union")
      return sampleOf(first, state, where, wire)
    }
    case "File":
      return { code: raw("new Uint8Array([1, 2, 3])"), wire: "file" }
    case "Nullable": {
      if (where === "body" && state.style === "full") {
        state.nullables += 1
        // Every second nullable body field is null, so that `null` is seen to reach the wire.
        if (state.nullables % 2 === 0) return same(null)
      }
      return sampleOf(type.type, state, where, wire, index)
    }
  }
}

const pathSample = (field: InputField, position: number, style: Style): string => {
  const type = field.type
  if (type._tag === "String" && (type.enum !== undefined || type.pattern !== undefined)) return stringSample(type, 0)
  return style === "full"
    ? `${field.wire.replace(/_/g, " ")}:${position}/x`
    : `sample_${position}`
}

/** An operation's sample input, and the request the runtime must make for it. */
export interface SampleCall {
  /** The input object, `undefined` when the operation takes none. */
  readonly input: Expr | undefined
  readonly path: string
  readonly query: ReadonlyArray<readonly [string, string]>
  readonly body: unknown
}

const queryValue = (value: unknown): string => {
  if (typeof value === "string") return value
  if (typeof value === "number" || typeof value === "boolean") return String(value)
  throw new Error(`Cannot put ${JSON.stringify(value)} in a query string`)
}

export const sampleCall = (operation: Operation, style: Style): SampleCall => {
  const state: State = { style, nullables: 0 }
  const entries: Array<{ readonly key: string; readonly value: Expr }> = []
  let path = operation.path
  const query: Array<readonly [string, string]> = []
  const body: Record<string, unknown> = {}
  let bodyValue: unknown = undefined
  let position = 0
  for (const field of operation.fields) {
    if (field.origin === "path") {
      position += 1
      const value = pathSample(field, position, style)
      path = path.replace(`{${field.wire}}`, encodeURIComponent(value))
      entries.push({ key: field.key, value: literal(value) })
      continue
    }
    const alternative = preferredAlternative(operation.bodyAlternatives, operation.fields)
    const wanted = field.required || field.wire === "limit" || (field.origin === "body" && alternative.includes(field.wire))
    if (style === "contract" && !wanted) continue
    const sample = sampleOf(field.type, state, field.origin === "query" ? "query" : "body", field.wire)
    entries.push({ key: field.key, value: sample.code })
    if (field.origin === "query") {
      if (Array.isArray(sample.wire)) {
        const values = sample.wire.map(queryValue)
        if (operation.commaJoined.includes(field.wire)) query.push([field.wire, values.join(",")])
        else for (const value of values) query.push([field.wire, value])
      } else if (sample.wire !== null) {
        query.push([field.wire, queryValue(sample.wire)])
      }
    } else if (operation.bodyKey !== undefined) {
      bodyValue = sample.wire
    } else {
      body[field.wire] = sample.wire
    }
  }
  const wireBody = operation.body === "none"
    ? undefined
    : operation.body === "multipart"
    ? "multipart"
    : operation.bodyKey !== undefined
    ? bodyValue
    : body
  return {
    input: operation.fields.length === 0 ? undefined : object(entries),
    path,
    query,
    body: wireBody
  }
}

/**
 * The smallest body that decodes: required properties only, `null` where nullable, the first literal of each
 * enum, `{}` for metadata. Arrays are empty, except a list's items (a body that is an array, or the `data` /
 * `m2m_tokens` of a page), which hold one item so that decoding them is exercised. A model is referred to
 * through `ref` (the cases share one body per model).
 */
export const responseBody = (type: Type, ref: (name: string) => Expr, items = false): Expr => {
  switch (type._tag) {
    case "Ref":
      return ref(type.name)
    case "String":
      return literal(type.enum?.[0] ?? "sample")
    case "Number":
      return literal(1)
    case "Boolean":
      return literal(type.enum?.[0] ?? true)
    case "Array":
      return { _tag: "Array", items: items ? [responseBody(type.items, ref)] : [] }
    case "Struct":
      return object(
        type.fields
          .filter((field) => field.required)
          .map((field) => ({
            key: field.wire,
            value: responseBody(field.type, ref, field.wire === "data" || field.wire === "m2m_tokens")
          }))
      )
    case "Record":
    case "Metadata":
      return literal({})
    case "Unknown":
    case "Nullable":
      return literal(null)
    case "Union": {
      const [first] = type.members
      if (first === undefined) throw new Error("empty union")
      return responseBody(first, ref, items)
    }
    case "File":
      throw new Error("a file in a response")
  }
}
