/**
 * A tiny printer for the generated TypeScript: expressions are built as trees and laid out here, on one line
 * when they fit and broken over several lines (2-space indents, no semicolons, double quotes) when they do not.
 */
import { propertyKey } from "./naming.js"

export const WIDTH = 120

const PURE = "/*#__PURE__*/ "

export type Expr =
  | { readonly _tag: "Raw"; readonly code: string }
  | {
    readonly _tag: "Call"
    readonly callee: string | Expr
    readonly args: ReadonlyArray<Expr>
    /** `/*#__PURE__*\/` in front, so that bundlers can drop the value when it is unused. */
    readonly pure: boolean
  }
  | { readonly _tag: "Object"; readonly entries: ReadonlyArray<Entry>; readonly multiline?: boolean }
  | { readonly _tag: "Array"; readonly items: ReadonlyArray<Expr> }
  | { readonly _tag: "Arrow"; readonly params: string; readonly body: Expr }
  | { readonly _tag: "Member"; readonly object: Expr; readonly name: string }

export interface Entry {
  readonly key: string
  readonly value: Expr
  /** JSDoc paragraphs. */
  readonly doc?: ReadonlyArray<string> | undefined
}

export const raw = (code: string): Expr => ({ _tag: "Raw", code })

export const str = (value: string): Expr => raw(JSON.stringify(value))

/** A pure call: `/*#__PURE__*\/ callee(args)`. */
export const call = (callee: string | Expr, ...args: ReadonlyArray<Expr>): Expr => ({
  _tag: "Call",
  callee,
  args,
  pure: true
})

/** A call that is not annotated (inside a function body, where annotations mean nothing). */
export const impureCall = (callee: string | Expr, ...args: ReadonlyArray<Expr>): Expr => ({
  _tag: "Call",
  callee,
  args,
  pure: false
})

/** `receiver.method(args)`, annotated as a whole. */
export const method = (receiver: Expr, name: string, ...args: ReadonlyArray<Expr>): Expr => ({
  _tag: "Call",
  callee: { _tag: "Member", object: unpure(receiver), name },
  args,
  pure: true
})

const unpure = (expr: Expr): Expr => expr._tag === "Call" ? { ...expr, pure: false } : expr

export const object = (entries: ReadonlyArray<Entry>, multiline = false): Expr => ({
  _tag: "Object",
  entries,
  multiline
})

export const array = (items: ReadonlyArray<Expr>): Expr => ({ _tag: "Array", items })

export const arrow = (params: string, body: Expr): Expr => ({ _tag: "Arrow", params, body })

/** A JSON-like value as an expression (`undefined` allowed). */
export const literal = (value: unknown): Expr => {
  if (value === undefined) return raw("undefined")
  if (value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
    return raw(JSON.stringify(value))
  }
  if (Array.isArray(value)) return array(value.map(literal))
  if (value instanceof Uint8Array) return raw(`new Uint8Array([${[...value].join(", ")}])`)
  if (typeof value === "object") {
    return object(Object.entries(value).map(([key, v]) => ({ key, value: literal(v) })))
  }
  throw new Error(`Cannot print ${String(value)}`)
}

const pad = (n: number): string => " ".repeat(n)

/** An arrow function returning an object literal needs parentheses. */
const arrowBody = (code: string, body: Expr): string => body._tag === "Object" ? `(${code})` : code

const calleeCode = (callee: string | Expr): string => typeof callee === "string" ? callee : printFlat(callee)

export const printFlat = (expr: Expr): string => {
  switch (expr._tag) {
    case "Raw":
      return expr.code
    case "Call":
      return `${expr.pure ? PURE : ""}${calleeCode(expr.callee)}(${expr.args.map(printFlat).join(", ")})`
    case "Object":
      return expr.entries.length === 0
        ? "{}"
        : `{ ${expr.entries.map((e) => `${propertyKey(e.key)}: ${printFlat(e.value)}`).join(", ")} }`
    case "Array":
      return `[${expr.items.map(printFlat).join(", ")}]`
    case "Arrow":
      return `${expr.params} => ${arrowBody(printFlat(expr.body), expr.body)}`
    case "Member":
      return `${printFlat(expr.object)}.${expr.name}`
  }
}

const mustBreak = (expr: Expr): boolean => {
  switch (expr._tag) {
    case "Raw":
      return expr.code.includes("\n")
    case "Call":
      return (typeof expr.callee !== "string" && mustBreak(expr.callee)) || expr.args.some(mustBreak)
    case "Object":
      return (expr.multiline === true && expr.entries.length > 0) ||
        expr.entries.some((e) => e.doc !== undefined && e.doc.length > 0) || expr.entries.some((e) => mustBreak(e.value))
    case "Array":
      return expr.items.some(mustBreak)
    case "Arrow":
      return mustBreak(expr.body)
    case "Member":
      return mustBreak(expr.object)
  }
}

const lastLineLength = (text: string): number => text.length - text.lastIndexOf("\n") - 1

/** The column after `text` when it starts at `column`. */
const after = (text: string, column: number): number =>
  text.includes("\n") ? lastLineLength(text) : column + text.length

const huggable = (expr: Expr): boolean =>
  expr._tag === "Object" || expr._tag === "Array" || expr._tag === "Arrow" ||
  (expr._tag === "Call" && expr.args.length > 0 && expr.args.every((a, i) => i === expr.args.length - 1 || !mustBreak(a)))

/**
 * Prints an expression that starts at `column`, on a line indented by `indent`, and is followed by `trail`
 * characters on its last line (a comma, closing parentheses).
 */
export const print = (expr: Expr, indent: number, column: number = indent, trail = 0): string => {
  const flat = printFlat(expr)
  if (!mustBreak(expr) && column + flat.length + trail <= WIDTH) return flat
  switch (expr._tag) {
    case "Raw":
      return expr.code
    case "Call": {
      const pure = expr.pure ? PURE : ""
      const callee = typeof expr.callee === "string"
        ? expr.callee
        : print(expr.callee, indent, column + pure.length, 1)
      const head = `${pure}${callee}(`
      if (expr.args.length === 0) return `${head})`
      const last = expr.args[expr.args.length - 1]
      const init = expr.args.slice(0, -1).map(printFlat)
      // Hug the last argument when everything before it fits on the first line: `Schema.Struct({`.
      if (last !== undefined && huggable(last) && !expr.args.slice(0, -1).some(mustBreak)) {
        const prefix = head + init.map((a) => `${a}, `).join("")
        const start = after(prefix, column)
        const hugged = print(last, indent, start, trail + 1)
        const firstLine = hugged.split("\n")[0] ?? ""
        const fits = hugged.includes("\n") ? start + firstLine.length <= WIDTH : start + hugged.length + trail + 1 <= WIDTH
        if (fits) return `${prefix}${hugged})`
      }
      const inner = expr.args.map((a) => pad(indent + 2) + print(a, indent + 2, indent + 2, 1)).join(",\n")
      return `${head}\n${inner}\n${pad(indent)})`
    }
    case "Member": {
      const object = print(expr.object, indent, column, expr.name.length + 2)
      return `${object}.${expr.name}`
    }
    case "Object": {
      if (expr.entries.length === 0) return "{}"
      const lines = expr.entries.map((e) => {
        const doc = jsDoc(e.doc ?? [], indent + 2)
        const key = `${propertyKey(e.key)}: `
        return `${doc}${pad(indent + 2)}${key}${print(e.value, indent + 2, indent + 2 + key.length, 1)}`
      })
      return `{\n${lines.join(",\n")}\n${pad(indent)}}`
    }
    case "Array": {
      const lines = expr.items.map((item) => pad(indent + 2) + print(item, indent + 2, indent + 2, 1))
      return `[\n${lines.join(",\n")}\n${pad(indent)}]`
    }
    case "Arrow": {
      const head = `${expr.params} => `
      if (expr.body._tag === "Object") {
        return head + arrowBody(print(expr.body, indent, column + head.length + 1, trail + 1), expr.body)
      }
      // A body that fits on the next line goes there: `(params) =>\n  client.execute(Op, params)`.
      const body = printFlat(expr.body)
      if (!mustBreak(expr.body) && indent + 2 + body.length + trail <= WIDTH) {
        return `${head.trimEnd()}\n${pad(indent + 2)}${body}`
      }
      return head + print(expr.body, indent, column + head.length, trail)
    }
  }
}

/** Neutralises the end of a comment inside a comment. */
const commentSafe = (line: string): string => line.replace(/\*\//g, "*\\/")

/**
 * A JSDoc block (with its trailing newline), indented by `indent`, from paragraphs: each is wrapped to the
 * width, except its lines that start with a tag (`@see …`); paragraphs are separated by a blank line.
 */
export const jsDoc = (paragraphs: ReadonlyArray<string>, indent: number): string => {
  const lines = paragraphs
    .filter((paragraph) => paragraph.trim() !== "")
    .flatMap((paragraph, i) => [
      ...(i > 0 ? [""] : []),
      ...paragraph.split("\n").flatMap((line) => line.startsWith("@") ? [line] : wrap(line, WIDTH - indent - 3))
    ])
    .map(commentSafe)
  if (lines.length === 0) return ""
  if (lines.length === 1 && indent + 7 + (lines[0] ?? "").length <= WIDTH) return `${pad(indent)}/** ${lines[0]} */\n`
  const body = lines.map((line) => line === "" ? `${pad(indent)} *` : `${pad(indent)} * ${line}`).join("\n")
  return `${pad(indent)}/**\n${body}\n${pad(indent)} */\n`
}

/** Wraps text at `width` columns, breaking at spaces. */
export const wrap = (text: string, width: number): ReadonlyArray<string> => {
  const out: Array<string> = []
  let line = ""
  for (const word of text.split(/\s+/).filter((w) => w !== "")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      out.push(line)
      line = word
    } else {
      line = line === "" ? word : `${line} ${word}`
    }
  }
  if (line !== "") out.push(line)
  return out
}

/** The first paragraph of a description, as one line of text. */
export const firstParagraph = (description: string | undefined): string => {
  if (description === undefined) return ""
  const [first = ""] = description.trim().split(/\n\s*\n/)
  return first.replace(/\s+/g, " ").trim()
}
