/**
 * Publishable keys (`pk_test_…`, `pk_live_…`): the instance type and the Frontend API host, base64-encoded
 * with a trailing `$`. The issuer of the instance's session tokens is `https://<frontend API host>`.
 */

export interface PublishableKey {
  readonly instanceType: "development" | "production"
  /** `foo-bar-13.clerk.accounts.dev`, `clerk.example.com`. */
  readonly frontendApi: string
}

const decodeBase64 = (encoded: string): string | undefined => {
  try {
    return atob(encoded)
  } catch {
    return undefined
  }
}

/**
 * The key's parts, or `undefined` when it is not a publishable key: the same acceptance rules as
 * `@clerk/shared`'s `isPublishableKey` (prefix, one base64 part, a decoded value with a dot and exactly
 * one `$`, at the end), plus a host made only of host characters, since it becomes the pinned issuer.
 */
export const parse = (key: string): PublishableKey | undefined => {
  const instanceType = key.startsWith("pk_live_")
    ? "production"
    : key.startsWith("pk_test_")
    ? "development"
    : undefined
  const parts = key.split("_")
  const encoded = parts[2]
  if (instanceType === undefined || parts.length !== 3 || encoded === undefined || encoded === "") return undefined
  const decoded = decodeBase64(encoded)
  if (decoded === undefined || !decoded.endsWith("$")) return undefined
  const frontendApi = decoded.slice(0, -1)
  if (frontendApi.includes("$") || !frontendApi.includes(".") || !/^[A-Za-z0-9.:-]+$/.test(frontendApi)) {
    return undefined
  }
  return { instanceType, frontendApi }
}
