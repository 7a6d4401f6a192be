/**
 * Effect 4.1.0's HTTP client (dev dependency `effect4`, an npm alias of `effect@4.1.0`), set up as
 * bench/effect4.ts compares it with the Effect 3 one effect-clerk builds on: one `ManagedRuntime` with the
 * fetch client, `fetch` pointed at an in-memory stub, the client's tracing off (as effect-clerk turns the
 * platform's off). Nothing of effect-clerk runs on it: DESIGN.md pins Effect 3.
 */
import * as Effect from "effect4/Effect"
import * as FetchHttpClient from "effect4/http/FetchHttpClient"
import * as HttpClient from "effect4/http/HttpClient"
import * as Layer from "effect4/Layer"
import * as ManagedRuntime from "effect4/ManagedRuntime"

export const client = async (fetch: typeof globalThis.fetch) => {
  const runtime = ManagedRuntime.make(Layer.mergeAll(
    FetchHttpClient.layer,
    Layer.succeed(FetchHttpClient.Fetch, fetch),
    Layer.succeed(HttpClient.TracerDisabledWhen, () => true),
    Layer.succeed(HttpClient.TracerPropagationEnabled, false)
  ))
  const http = await runtime.runPromise(Effect.service(HttpClient.HttpClient))
  return {
    /** One call: `get`, the body as text, `JSON.parse`, `decode`, under `Effect.timeout(timeoutMs)`. */
    get: (url: string, decode: (json: unknown) => unknown, timeoutMs: number): () => Promise<unknown> => {
      const call = Effect.timeout(
        Effect.map(Effect.flatMap(http.get(url), (r) => r.text), (text) => decode(JSON.parse(text))),
        timeoutMs
      )
      return () => runtime.runPromise(call)
    },
    dispose: () => runtime.dispose()
  }
}
