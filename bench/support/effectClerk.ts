/**
 * effect-clerk as an application outside Effect would run it: one `ManagedRuntime` built at start-up from
 * `Users.Default` + `ClerkClient.layer` + `FetchHttpClient.layer`, and `runtime.runPromise` per call. The
 * `fetch` it uses is `FetchHttpClient.Fetch` in the runtime's context, which the platform's client reads
 * at request time: an in-memory stub, or the real `fetch` for the HTTP benchmarks. The runtime also holds
 * the `ClerkClient` and the `HttpClient` underneath, for the benchmarks that split a call into its parts.
 */
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Redacted from "effect/Redacted"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { Users } from "../../services/Users.js"
import * as ClerkClient from "../../src/ClerkClient.js"
import { SECRET_KEY } from "./users.js"

export const usersRuntime = (apiUrl: string, fetch: typeof globalThis.fetch) =>
  ManagedRuntime.make(
    Layer.merge(
      Users.Default.pipe(
        Layer.provideMerge(ClerkClient.layer({ secretKey: Redacted.make(SECRET_KEY), apiUrl })),
        Layer.provideMerge(FetchHttpClient.layer)
      ),
      Layer.succeed(FetchHttpClient.Fetch, fetch)
    )
  )
