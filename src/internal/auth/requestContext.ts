/**
 * What `authenticateRequest` reads from a request, from a web `Request` or an `HttpServerRequest`: the
 * method, headers, the URL rebuilt from the forwarding headers, and the cookies, each computed at most
 * once and only when a branch needs it (the bearer path reads one header and nothing else).
 */
import type * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as Cookies from "./cookies.js"

/** A web `Request` or an `@effect/platform` `HttpServerRequest`. */
export type RequestInput = Request | HttpServerRequest.HttpServerRequest

// Told apart by shape rather than by `HttpServerRequest.TypeId`: importing that module for its symbol
// would pull the platform's server-request code (multipart and all) into every bundle that verifies tokens.
const isServerRequest = (input: RequestInput): input is HttpServerRequest.HttpServerRequest =>
  typeof input.headers.get !== "function"

/** Clerk's `parseAuthorizationHeader`: `Bearer <t>` → `t`; a lone word → itself; another scheme → none. */
export const tokenFromAuthorization = (header: string | undefined): string | undefined => {
  if (!header) return undefined
  const space = header.indexOf(" ")
  if (space === -1) return header
  const scheme = header.slice(0, space)
  const rest = header.slice(space + 1)
  const end = rest.indexOf(" ")
  // `split(" ", 2)`: the token is the second space-separated word, and an empty one means "no token".
  const token = end === -1 ? rest : rest.slice(0, end)
  if (token === "") return scheme
  return scheme === "Bearer" ? token : undefined
}

const firstValue = (value: string | undefined): string | undefined =>
  value === undefined ? undefined : value.split(",")[0]

const FALLBACK_URL = "http://localhost/"

const parseUrl = (url: string, base?: string): URL | undefined => {
  try {
    return new URL(url, base)
  } catch {
    return undefined
  }
}

export class RequestContext {
  readonly method: string
  readonly tokenInHeader: string | undefined
  private readonly getHeader: (name: string) => string | undefined
  private readonly rawUrl: string
  private readonly entries: () => Iterable<readonly [string, string]>
  private cachedUrl: URL | undefined
  private cachedCookies: ReadonlyMap<string, string> | undefined

  constructor(input: RequestInput) {
    if (isServerRequest(input)) {
      const headers = input.headers
      this.method = input.method
      this.getHeader = (name) => headers[name] || undefined
      // `originalUrl` is what arrived (before any router prefix was stripped): absolute for requests made
      // from a web `Request`, a path for Node's.
      this.rawUrl = input.originalUrl
      this.entries = () => Object.entries(headers)
    } else {
      const headers = input.headers
      this.method = input.method
      this.getHeader = (name) => headers.get(name) || undefined
      this.rawUrl = input.url
      this.entries = () => headers.entries()
    }
    this.tokenInHeader = tokenFromAuthorization(this.getHeader("authorization"))
  }

  header(name: string): string | undefined {
    return this.getHeader(name)
  }

  headerEntries(): Iterable<readonly [string, string]> {
    return this.entries()
  }

  /**
   * Clerk's `clerkUrl`: the request URL with its origin rebuilt from the first `x-forwarded-host` (else
   * `host`) and the first `x-forwarded-proto` (else the URL's own scheme).
   */
  get url(): URL {
    if (this.cachedUrl !== undefined) return this.cachedUrl
    const host = this.getHeader("host")
    const initial = parseUrl(this.rawUrl) ?? parseUrl(this.rawUrl, `http://${host ?? "localhost"}`) ??
      new URL(FALLBACK_URL)
    const resolvedHost = firstValue(this.getHeader("x-forwarded-host")) ?? host
    const resolvedProtocol = firstValue(this.getHeader("x-forwarded-proto")) ?? initial.protocol.replace(/[:/]/, "")
    const origin = resolvedHost && resolvedProtocol ? `${resolvedProtocol}://${resolvedHost}` : initial.origin
    this.cachedUrl = origin === initial.origin
      ? initial
      : parseUrl(initial.pathname + initial.search, origin) ?? initial
    return this.cachedUrl
  }

  get cookies(): ReadonlyMap<string, string> {
    this.cachedCookies ??= Cookies.parse(this.getHeader("cookie") ?? "")
    return this.cachedCookies
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name) || undefined
  }

  query(name: string): string | undefined {
    return this.url.searchParams.get(name) || undefined
  }
}
