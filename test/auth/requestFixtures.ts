/**
 * Requests for the `authenticateRequest` tests: URLs and headers of the development instance of
 * `fixtures.ts`, and of a production instance (`clerk.example.com`) whose cookie path has no dev browser.
 */
import { createHash } from "node:crypto"
import * as F from "./fixtures.js"

export const API = `${F.ORIGIN}/api/me`
export const PAGE = `${F.ORIGIN}/dashboard`

/** What a browser sends for a page load. */
export const DOCUMENT: Record<string, string> = {
  accept: "text/html,application/xhtml+xml",
  "sec-fetch-dest": "document"
}

export const PROD_FAPI = "clerk.example.com"
export const PROD_PUBLISHABLE_KEY = `pk_live_${btoa(`${PROD_FAPI}$`).replace(/=+$/, "")}`
export const PROD_ISSUER = `https://${PROD_FAPI}`
export const PROD_ORIGIN = "https://www.example.com"
export const PROD_API = `${PROD_ORIGIN}/api/me`
export const PROD_PAGE = `${PROD_ORIGIN}/dashboard`

/** `getCookieSuffix`: base64url(SHA-1(publishable key)), 8 characters. */
export const suffixOf = (publishableKey: string): string =>
  createHash("sha1").update(publishableKey).digest("base64url").slice(0, 8)

export const cookieHeader = (cookies: Record<string, string | number>): string =>
  Object.entries(cookies).map(([name, value]) => `${name}=${value}`).join("; ")
