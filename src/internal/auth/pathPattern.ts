/**
 * Path patterns as `path-to-regexp` 6.x reads them (the version `@clerk/shared` bundles for
 * `organizationSyncOptions`): `/orgs/:slug`, `/orgs/:id/(.*)`, `/me{/:rest}?`, `:name+`. Parsed once into
 * one case-insensitive regular expression per list of patterns, matched against a URL's pathname.
 *
 * Only what matching needs is ported: the lexer, the parser and `tokensToRegexp` with the defaults `match`
 * uses (`strict: false`, `end: true`, delimiter `/#?`, prefixes `./`), and the parameter extraction.
 */

type LexToken =
  | { readonly type: "MODIFIER" | "ESCAPED_CHAR" | "OPEN" | "CLOSE" | "NAME" | "PATTERN" | "CHAR"; readonly index: number; readonly value: string }
  | { readonly type: "END"; readonly index: number; readonly value: "" }

const isNameChar = (code: number): boolean =>
  (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95

const lex = (input: string): Array<LexToken> => {
  const tokens: Array<LexToken> = []
  let i = 0
  while (i < input.length) {
    const char = input[i]!
    if (char === "*" || char === "+" || char === "?") {
      tokens.push({ type: "MODIFIER", index: i, value: char })
      i++
    } else if (char === "\\") {
      tokens.push({ type: "ESCAPED_CHAR", index: i, value: input[i + 1] ?? "" })
      i += 2
    } else if (char === "{" || char === "}") {
      tokens.push({ type: char === "{" ? "OPEN" : "CLOSE", index: i, value: char })
      i++
    } else if (char === ":") {
      let name = ""
      let j = i + 1
      while (j < input.length && isNameChar(input.charCodeAt(j))) name += input[j++]
      if (name === "") throw new TypeError(`Missing parameter name at ${i}`)
      tokens.push({ type: "NAME", index: i, value: name })
      i = j
    } else if (char === "(") {
      let depth = 1
      let pattern = ""
      let j = i + 1
      if (input[j] === "?") throw new TypeError(`Pattern cannot start with "?" at ${j}`)
      while (j < input.length) {
        if (input[j] === "\\") {
          pattern += input[j++]! + (input[j++] ?? "")
          continue
        }
        if (input[j] === ")") {
          depth--
          if (depth === 0) {
            j++
            break
          }
        } else if (input[j] === "(") {
          depth++
          if (input[j + 1] !== "?") throw new TypeError(`Capturing groups are not allowed at ${j}`)
        }
        pattern += input[j++]
      }
      if (depth !== 0) throw new TypeError(`Unbalanced pattern at ${i}`)
      if (pattern === "") throw new TypeError(`Missing pattern at ${i}`)
      tokens.push({ type: "PATTERN", index: i, value: pattern })
      i = j
    } else {
      tokens.push({ type: "CHAR", index: i, value: char })
      i++
    }
  }
  tokens.push({ type: "END", index: i, value: "" })
  return tokens
}

interface Key {
  readonly name: string | number
  readonly prefix: string
  readonly suffix: string
  readonly pattern: string
  readonly modifier: string
}

type Token = string | Key

const DELIMITER = "/#?"
const PREFIXES = "./"

const escape = (value: string): string => value.replace(/([.+*?=^!:${}()[\]|/\\])/g, "\\$1")

const parse = (input: string, nextIndex: { value: number }): Array<Token> => {
  const tokens = lex(input)
  const result: Array<Token> = []
  let i = 0
  let path = ""

  const tryConsume = (type: LexToken["type"]): string | undefined =>
    i < tokens.length && tokens[i]!.type === type ? tokens[i++]!.value : undefined
  const mustConsume = (type: LexToken["type"]): string => {
    const value = tryConsume(type)
    if (value !== undefined) return value
    const token = tokens[i]!
    throw new TypeError(`Unexpected ${token.type} at ${token.index}, expected ${type}`)
  }
  const consumeText = (): string => {
    let text = ""
    for (let value = tryConsume("CHAR") ?? tryConsume("ESCAPED_CHAR"); value !== undefined;) {
      text += value
      value = tryConsume("CHAR") ?? tryConsume("ESCAPED_CHAR")
    }
    return text
  }
  const isSafe = (value: string): boolean => [...DELIMITER].some((d) => value.indexOf(d) > -1)
  const safePattern = (prefix: string): string => {
    const previous = result[result.length - 1]
    const prevText = prefix || (typeof previous === "string" ? previous : "")
    if (previous !== undefined && typeof previous !== "string" && !prevText) {
      throw new TypeError(`Must have text between two parameters, missing text after "${previous.name}"`)
    }
    return !prevText || isSafe(prevText)
      ? `[^${escape(DELIMITER)}]+?`
      : `(?:(?!${escape(prevText)})[^${escape(DELIMITER)}])+?`
  }

  while (i < tokens.length) {
    const char = tryConsume("CHAR")
    const name = tryConsume("NAME")
    const pattern = tryConsume("PATTERN")
    if (name !== undefined || pattern !== undefined) {
      let prefix = char ?? ""
      if (PREFIXES.indexOf(prefix) === -1) {
        path += prefix
        prefix = ""
      }
      if (path) {
        result.push(path)
        path = ""
      }
      result.push({
        name: name ?? nextIndex.value++,
        prefix,
        suffix: "",
        pattern: pattern ?? safePattern(prefix),
        modifier: tryConsume("MODIFIER") ?? ""
      })
      continue
    }
    const value = char ?? tryConsume("ESCAPED_CHAR")
    if (value !== undefined) {
      path += value
      continue
    }
    if (path) {
      result.push(path)
      path = ""
    }
    if (tryConsume("OPEN") !== undefined) {
      const prefix = consumeText()
      const groupName = tryConsume("NAME") ?? ""
      const groupPattern = tryConsume("PATTERN") ?? ""
      const suffix = consumeText()
      mustConsume("CLOSE")
      result.push({
        name: groupName || (groupPattern ? nextIndex.value++ : ""),
        pattern: groupName && !groupPattern ? safePattern(prefix) : groupPattern,
        prefix,
        suffix,
        modifier: tryConsume("MODIFIER") ?? ""
      })
      continue
    }
    mustConsume("END")
  }
  return result
}

const toSource = (tokens: ReadonlyArray<Token>, keys: Array<Key>): string => {
  const delimiter = `[${escape(DELIMITER)}]`
  let route = "^"
  for (const token of tokens) {
    if (typeof token === "string") {
      route += escape(token)
      continue
    }
    const prefix = escape(token.prefix)
    const suffix = escape(token.suffix)
    if (token.pattern) {
      keys.push(token)
      if (prefix || suffix) {
        if (token.modifier === "+" || token.modifier === "*") {
          const optional = token.modifier === "*" ? "?" : ""
          route += `(?:${prefix}((?:${token.pattern})(?:${suffix}${prefix}(?:${token.pattern}))*)${suffix})${optional}`
        } else {
          route += `(?:${prefix}(${token.pattern})${suffix})${token.modifier}`
        }
      } else {
        if (token.modifier === "+" || token.modifier === "*") {
          throw new TypeError(`Can not repeat "${token.name}" without a prefix and suffix`)
        }
        route += `(${token.pattern})${token.modifier}`
      }
    } else {
      route += `(?:${prefix}${suffix})${token.modifier}`
    }
  }
  return `${route}${delimiter}?$`
}

export interface Match {
  readonly params: Readonly<Record<string | number, string | ReadonlyArray<string>>>
}

export type Matcher = (pathname: string) => Match | undefined

/**
 * A matcher for a list of patterns (any of them), as `match(patterns)` builds it. Throws a `TypeError` on
 * a malformed pattern: callers check patterns when they are configured.
 */
export const compile = (patterns: ReadonlyArray<string>): Matcher => {
  const keys: Array<Key> = []
  // Unnamed groups are numbered per pattern, as each pattern is parsed on its own.
  const sources = patterns.map((pattern) => toSource(parse(pattern, { value: 0 }), keys))
  const regexp = new RegExp(`(?:${sources.join("|")})`, "i")
  return (pathname) => {
    const found = regexp.exec(pathname)
    if (found === null) return undefined
    const params: Record<string | number, string | ReadonlyArray<string>> = Object.create(null)
    for (let i = 1; i < found.length; i++) {
      const value = found[i]
      const key = keys[i - 1]
      if (value === undefined || key === undefined) continue
      params[key.name] = key.modifier === "*" || key.modifier === "+"
        ? value.split(key.prefix + key.suffix)
        : value
    }
    return { params }
  }
}
