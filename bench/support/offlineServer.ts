/**
 * The offline Clerk over HTTP on 127.0.0.1, in a child process, seeded with `count` users: what the
 * streaming benchmark walks, so that the client's memory and time are the client's alone.
 *
 * `startOfflineServer` forks this file (with the parent's `--import tsx`); the child seeds, listens on an
 * ephemeral port, says which, and exits when its parent goes away.
 */
import * as Effect from "effect/Effect"
import { fileURLToPath } from "node:url"
import * as OfflineServer from "../../src/testing/OfflineServer.js"
import { forkServer, type Server } from "./server.js"

export const startOfflineServer = (count: number): Promise<Server> =>
  forkServer(fileURLToPath(import.meta.url), ["--serve-offline-clerk", String(count)])

/** The `i`th seeded user: its email, its name and a creation time one millisecond after the previous one. */
const seedUser = (i: number) => ({
  emailAddress: `user${i}@example.com`,
  firstName: "Ada",
  lastName: `N${i}`,
  createdAt: 1_700_000_000_000 + i
})

// Serves until the parent goes away: the process exits then, closing the listener with it.
const serve = (count: number) =>
  Effect.scoped(Effect.gen(function*() {
    const server = yield* OfflineServer.serve({ port: 0 })
    yield* Effect.forEach(Array.from({ length: count }, (_, i) => i), (i) => server.clerk.seedUser(seedUser(i)), {
      discard: true
    })
    process.on("disconnect", () => process.exit(0))
    process.send?.({ port: server.port })
    return yield* Effect.never
  }))

if (process.argv[2] === "--serve-offline-clerk") {
  Effect.runPromise(serve(Number(process.argv[3] ?? 0))).catch((error: unknown) => {
    process.send?.({ error: error instanceof Error ? error.message : String(error) })
    process.exit(1)
  })
}
