/**
 * The pieces of Clerk's `HandshakeService` that are pure: which requests may be redirected, the redirect
 * to the Frontend API's `/v1/client/handshake`, the redirect-loop counter, and the referrer checks of the
 * cross-origin sync. The effectful parts (resolving a nonce or token) are in `authenticate.ts`.
 */
import * as Cookies from "./cookies.js"
import * as OrganizationSync from "./organizationSync.js"
import type { RequestContext } from "./requestContext.js"

/** The Backend API version the handshake is asked to speak (`__clerk_api_version`). */
export const SUPPORTED_BAPI_VERSION = "2026-05-12"

/** After this many handshake redirects in a row, the request is signed out instead. */
export const MAX_REDIRECTS = 3

/**
 * A handshake is a redirect, so only a page load can take it: a GET whose `Sec-Fetch-Dest` is `document`
 * or `iframe`, or, from a browser that does not send it, whose `Accept` starts with `text/html`.
 */
export const isEligible = (ctx: RequestContext): boolean => {
  if (ctx.method !== "GET") return false
  const dest = ctx.header("sec-fetch-dest")
  if (dest === "document" || dest === "iframe") return true
  return dest === undefined && (ctx.header("accept")?.startsWith("text/html") ?? false)
}

export interface RedirectInput {
  readonly frontendApi: string
  readonly instanceType: "development" | "production"
  readonly usesSuffixedCookies: boolean
  readonly sessionToken: string | undefined
  readonly devBrowserToken: string | undefined
  readonly organizationTarget: OrganizationSync.Target | undefined
}

/** The `Location` of a handshake: `https://<frontend API>/v1/client/handshake?redirect_url=…&…`. */
export const redirectUrl = (ctx: RequestContext, reason: string, input: RedirectInput): string => {
  const back = new URL(ctx.url)
  back.searchParams.delete(Cookies.DEV_BROWSER)
  back.searchParams.delete("__dev_session")
  const base = `${
    (input.frontendApi.startsWith("http") ? input.frontendApi : `https://${input.frontendApi}`).replace(/\/+$/, "")
  }/`
  const url = new URL("v1/client/handshake", base)
  const query = url.searchParams
  query.append("redirect_url", back.href)
  query.append("__clerk_api_version", SUPPORTED_BAPI_VERSION)
  query.append("suffixed_cookies", String(input.usesSuffixedCookies))
  query.append("__clerk_hs_reason", reason)
  query.append("format", "nonce")
  // The Frontend API refreshes the session from it: Clerk's protocol, so the token travels in this URL.
  if (input.sessionToken) query.append("__session", input.sessionToken)
  if (input.instanceType === "development" && input.devBrowserToken) {
    query.append(Cookies.DEV_BROWSER, input.devBrowserToken)
  }
  if (input.organizationTarget !== undefined) {
    const value = OrganizationSync.queryValue(input.organizationTarget)
    if (value !== undefined) query.append("organization_id", value)
  }
  return url.href
}

/** The counter cookie that breaks redirect loops: two seconds, enough for one round trip. */
export const redirectCountCookie = (count: number): string =>
  `${Cookies.REDIRECT_COUNT}=${count + 1}; SameSite=Lax; HttpOnly; Max-Age=2`

const LEGACY_DEV_SUFFIXES = [".lcl.dev", ".lclstage.dev", ".lclclerk.com"]
const CURRENT_DEV_SUFFIXES = [".accounts.dev", ".accountsstage.dev", ".accounts.lclclerk.com"]

const isDevAccountPortal = (host: string): boolean =>
  LEGACY_DEV_SUFFIXES.some((suffix) => host.startsWith("accounts.") && host.endsWith(suffix)) ||
  CURRENT_DEV_SUFFIXES.some((suffix) => host.endsWith(suffix) && !host.endsWith(`.clerk${suffix}`))

/** `@clerk/shared`'s `buildAccountsBaseUrl`. */
const accountsBaseUrl = (frontendApi: string): string =>
  frontendApi === ""
    ? ""
    : `https://${frontendApi.replace(/clerk\.accountsstage\./, "accountsstage.").replace(/clerk\.accounts\.|clerk\./, "accounts.")}`

/** The `Referer` names another origin than the request's. */
export const isCrossOriginReferrer = (ctx: RequestContext): boolean => {
  const referrer = ctx.header("referer")
  if (!referrer) return false
  try {
    return new URL(referrer).origin !== ctx.url.origin
  } catch {
    return false
  }
}

/** The `Referer` is Clerk's: the Frontend API, the Account Portal, or a development Account Portal. */
export const isKnownClerkReferrer = (
  ctx: RequestContext,
  frontendApi: string,
  instanceType: "development" | "production"
): boolean => {
  const referrer = ctx.header("referer")
  if (!referrer) return false
  try {
    const origin = new URL(referrer)
    const host = origin.hostname
    if (frontendApi) {
      const fapiHost = frontendApi.startsWith("http") ? new URL(frontendApi).hostname : frontendApi
      if (host === fapiHost) return true
    }
    if (instanceType !== "production" && isDevAccountPortal(host)) return true
    const accounts = accountsBaseUrl(frontendApi)
    return accounts !== "" && origin.origin === new URL(accounts).origin
  } catch {
    return false
  }
}
