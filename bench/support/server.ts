/**
 * A `node:http` server on 127.0.0.1 that answers like the Backend API with the benchmark users. It runs in
 * a child process so that the client's `process.cpuUsage()` holds the client's work only, and so that the
 * two get a core each.
 *
 * `startServer` forks this file; the child listens on an ephemeral port (or `BENCH_PORT`), says which, and
 * exits when told to or when its parent goes away, so no benchmark leaves it running.
 */
import { fork } from "node:child_process"
import { createServer } from "node:http"
import { fileURLToPath } from "node:url"
import { bodies, route } from "./users.js"

export interface Server {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string
  readonly close: () => Promise<void>
}

type Message = { readonly port: number } | { readonly error: string }

const isMessage = (value: unknown): value is Message =>
  typeof value === "object" && value !== null && ("port" in value || "error" in value)

/** Forks the server and waits until it listens. Rejects, saying why, when it cannot. */
export const startServer = (pageSize: number): Promise<Server> =>
  forkServer(fileURLToPath(import.meta.url), ["--serve", String(pageSize)])

/**
 * Forks a module that serves on 127.0.0.1 and sends `{ port }` (or `{ error }`) once it listens, and exits
 * on `disconnect`.
 */
export const forkServer = (module: string, args: ReadonlyArray<string>): Promise<Server> =>
  new Promise((resolve, reject) => {
    const child = fork(module, [...args], {
      stdio: ["ignore", "inherit", "inherit", "ipc"]
    })
    // Should this process die some other way, the child goes with it (it also exits on `disconnect`).
    const killOnExit = () => child.kill()
    process.once("exit", killOnExit)
    const exited = new Promise<void>((done) => child.once("exit", () => done()))
    child.once("error", (error) => reject(error))
    child.once("exit", (code) => reject(new Error(`the server exited before listening (code ${code})`)))
    child.once("message", (message: unknown) => {
      if (!isMessage(message)) return reject(new Error("the server sent an unexpected message"))
      if ("error" in message) return reject(new Error(message.error))
      resolve({
        origin: `http://127.0.0.1:${message.port}`,
        close: async () => {
          process.off("exit", killOnExit)
          if (child.exitCode === null && child.signalCode === null) child.kill()
          await exited
        }
      })
    })
  })

const serve = (pageSize: number): void => {
  const b = bodies(pageSize)
  const buffers = new Map([b.list, b.one, b.count].map((body) => [body, Buffer.from(body)]))
  const server = createServer((request, response) => {
    const url = request.url ?? "/"
    const query = url.indexOf("?")
    const body = buffers.get(route(query === -1 ? url : url.slice(0, query), b)) ?? Buffer.alloc(0)
    response.writeHead(200, { "content-type": "application/json", "content-length": body.length })
    response.end(body)
  })
  // Clients keep their connections alive between calls, as they do against Clerk.
  server.keepAliveTimeout = 60_000
  server.once("error", (error: NodeJS.ErrnoException) => {
    const why = error.code === "EADDRINUSE" ? `port ${process.env.BENCH_PORT} is in use` : error.message
    process.send?.({ error: why })
    process.exit(1)
  })
  const port = Number(process.env.BENCH_PORT ?? 0)
  server.listen(port, "127.0.0.1", () => {
    const address = server.address()
    process.send?.({ port: typeof address === "object" && address !== null ? address.port : port })
  })
  const stop = () => {
    server.closeAllConnections()
    server.close(() => process.exit(0))
  }
  process.on("disconnect", stop)
  process.on("SIGTERM", stop)
}

if (process.argv[2] === "--serve") serve(Number(process.argv[3] ?? 100))
