/**
 * `@clerk/backend` 3.25.0, loaded after the fetch switch is in place (see `fetch.ts`), or a clear message
 * and a non-zero exit when the dev dependency is missing.
 */
import { requireDev } from "../harness.js"
import { installFetchSwitch } from "./fetch.js"

export type ClerkBackend = typeof import("@clerk/backend")
export type ClerkBackendClient = ReturnType<ClerkBackend["createClerkClient"]>

export const loadClerkBackend = async (): Promise<ClerkBackend> => {
  installFetchSwitch()
  return requireDev("@clerk/backend", () => import("@clerk/backend"))
}

/** The request options `@clerk/backend`'s endpoint classes pass to their `request` function. */
export interface RequestOptions {
  readonly method: "GET"
  readonly path: string
  readonly queryParams?: Record<string, unknown>
}

/**
 * The `request` function behind `clerk.users` (every endpoint class holds it as `this.request`): what
 * `getUserList` calls twice, once for the page and once for `/users/count`. Calling it for the page alone
 * is `@clerk/backend`'s cost of one list request, for a like-for-like comparison with `users.list`.
 */
export const usersRequest = (client: ClerkBackendClient): (options: RequestOptions) => Promise<unknown> => {
  const request: unknown = Reflect.get(client.users, "request")
  if (typeof request !== "function") throw new Error("@clerk/backend: users.request is no longer a function")
  return (options) => Promise.resolve(Reflect.apply(request, client.users, [options]))
}
