/**
 * In-memory `fetch` stubs, and the switch that lets `@clerk/backend` use them.
 *
 * `@clerk/backend` 3.25.0 binds `fetch` once, when its module loads (`dist/chunk-SEYNRELD.mjs`:
 * `var globalFetch = fetch.bind(globalThis)`, read through `runtime.fetch` unless `NODE_ENV === "test"`).
 * Replacing `globalThis.fetch` after the import therefore changes nothing for it. `installFetchSwitch` puts
 * a trampoline on `globalThis.fetch` *before* `@clerk/backend` is imported; a benchmark then points the
 * trampoline at a stub for that SDK's rounds and back at the real `fetch` afterwards. The trampoline is one
 * extra call per request.
 */
import { type Bodies, route } from "./users.js"

type Fetch = typeof globalThis.fetch

const realFetch: Fetch = globalThis.fetch
let target: Fetch = realFetch
let installed = false

/** Must run before `@clerk/backend` is imported (benchmarks import it dynamically, after this). */
export const installFetchSwitch = (): void => {
  if (installed) return
  installed = true
  globalThis.fetch = (input, init) => target(input, init)
}

/** Sends every `fetch` through `fetch` until `reset`. */
export const useFetch = (fetch: Fetch): void => {
  target = fetch
}

export const reset = (): void => {
  target = realFetch
}

export { realFetch }

const JSON_HEADERS = { "content-type": "application/json" }

const pathnameOf = (input: string | URL | Request): string => {
  const href = typeof input === "string" ? input : input instanceof URL ? input.href : input.url
  const start = href.indexOf("/", href.indexOf("//") + 2)
  const end = href.indexOf("?", start)
  return href.slice(start, end === -1 ? undefined : end)
}

/**
 * A `fetch` that answers from memory with pre-serialised JSON: a fresh `Response` per call (a body can be
 * read once), `Content-Type: application/json` exactly (`@clerk/backend` reads JSON only on that header).
 */
export const stubFetch = (bodies: Bodies): Fetch => (input) =>
  Promise.resolve(new Response(route(pathnameOf(input), bodies), { status: 200, headers: JSON_HEADERS }))
