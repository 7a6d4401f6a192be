/**
 * From a method and a path to the spec's operation: the route templates come from the spec's own table, so
 * an implemented route is bound to its operationId and nothing else, and an operation the offline Clerk
 * does not implement can still be named in its 501.
 */
import type * as Effect from "effect/Effect"
import type * as Errors from "./errors.js"
import type * as Input from "./input.js"
import type { Signer } from "./signer.js"
import { specRoutes } from "./specRoutes.js"
import type { Tx } from "./tx.js"

/** One operation's behaviour. The instance's signing key is in context for the routes that mint tokens. */
export type RouteHandler = (
  request: Input.RouteRequest,
  tx: Tx
) => Effect.Effect<Input.Reply, Errors.ApiFailure, Signer>

/** Handlers by operationId. */
export type Routes = Readonly<Record<string, RouteHandler>>

export interface Match {
  readonly operationId: string
  readonly method: string
  /** The route template: `/users/{user_id}`. */
  readonly template: string
  readonly params: Readonly<Record<string, string>>
}

interface Compiled {
  readonly method: string
  readonly template: string
  readonly operationId: string
  readonly segments: ReadonlyArray<string>
}

const split = (path: string): Array<string> => path.split("/").filter((s, i) => i > 0 || s !== "")

const compiled: ReadonlyArray<Compiled> = specRoutes.map(([method, template, operationId]) => ({
  method,
  template,
  operationId,
  segments: split(template)
}))

const isParam = (segment: string): boolean => segment.startsWith("{") && segment.endsWith("}")

const decode = (segment: string): string | undefined => {
  try {
    return decodeURIComponent(segment)
  } catch {
    return undefined
  }
}

const bind = (route: Compiled, segments: ReadonlyArray<string>): Record<string, string> | undefined => {
  if (route.segments.length !== segments.length) return undefined
  const params: Record<string, string> = {}
  for (let i = 0; i < segments.length; i++) {
    const template = route.segments[i] ?? ""
    const actual = segments[i] ?? ""
    if (isParam(template)) {
      const value = decode(actual)
      if (value === undefined || value === "") return undefined
      params[template.slice(1, -1)] = value
    } else if (template !== actual) {
      return undefined
    }
  }
  return params
}

// `/users/count` beats `/users/{user_id}`: at the first position where two templates differ, a literal
// segment wins over a parameter.
const moreSpecific = (a: Compiled, b: Compiled): boolean => {
  for (let i = 0; i < a.segments.length; i++) {
    const aParam = isParam(a.segments[i] ?? "")
    const bParam = isParam(b.segments[i] ?? "")
    if (aParam !== bParam) return !aParam
  }
  return false
}

/** The spec operation a request addresses, with its path parameters decoded. */
export const match = (method: string, path: string): Match | undefined => {
  const segments = split(path)
  let best: { readonly route: Compiled; readonly params: Record<string, string> } | undefined
  for (const route of compiled) {
    if (route.method !== method) continue
    const params = bind(route, segments)
    if (params !== undefined && (best === undefined || moreSpecific(route, best.route))) best = { route, params }
  }
  return best === undefined
    ? undefined
    : { operationId: best.route.operationId, method, template: best.route.template, params: best.params }
}

/** Every operationId of the spec. */
export const allOperations: ReadonlyArray<string> = compiled.map((route) => route.operationId)
