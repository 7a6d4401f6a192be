/**
 * The offline Clerk over real HTTP, on 127.0.0.1: the Backend API at `/v1/…`, for clients in other languages
 * or frameworks (Clerk's own `@clerk/backend` with `apiUrl`, say) and for `npm run server`. Built on
 * `node:http` alone (Node, Bun and Deno all have it), around the same `exchange` as `ClerkTest`, so faults
 * and webhooks behave the same: a reset destroys the socket, a timeout holds the request until the client
 * gives up.
 *
 * ```ts
 * Effect.scoped(Effect.gen(function*() {
 *   const server = yield* OfflineServer.serve({ port: 0 })
 *   const clerk = createClerkClient({ secretKey: "sk_test_offline", apiUrl: server.url })
 *   // …
 * }))
 * ```
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as FiberId from "effect/FiberId"
import * as FiberSet from "effect/FiberSet"
import type * as Scope from "effect/Scope"
import * as Http from "node:http"
import * as OfflineClerk from "./OfflineClerk.js"

/**
 * The port `serve` and `npm run server` listen on unless told otherwise.
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_PORT = 4100

/**
 * @since 0.1.0
 * @category models
 */
export interface ServeOptions extends OfflineClerk.Options {
  /** Default `DEFAULT_PORT` (4100); 0 for any free port (read it back from `port`). */
  readonly port?: number | undefined
  /** The loopback address, and nothing else: the offline Clerk is never reachable from another machine. */
  readonly hostname?: "127.0.0.1" | undefined
  /** Serve this offline Clerk; by default a fresh one is made from the other options. */
  readonly clerk?: OfflineClerk.OfflineClerkService | undefined
  /** The largest request body read; larger is a 413. Default 20 MB. */
  readonly maxBodyBytes?: number | undefined
}

/**
 * A running server.
 *
 * @since 0.1.0
 * @category models
 */
export interface OfflineServer {
  /** `http://127.0.0.1:<port>`: what `@clerk/backend` takes as `apiUrl` (it adds `/v1` itself). */
  readonly url: string
  /** `url` + `/v1`: what this SDK takes as `apiUrl`. */
  readonly apiUrl: string
  readonly port: number
  /** The offline Clerk it serves, for seeding, inspection, webhooks and faults. */
  readonly clerk: OfflineClerk.OfflineClerkService
}

/**
 * The server could not start (the port is taken, say).
 *
 * @since 0.1.0
 * @category errors
 */
export class OfflineServerError extends Data.TaggedError("OfflineServerError")<{
  readonly message: string
  readonly cause?: unknown
}> {}

const LOOPBACK = "127.0.0.1"
const JSON_HEADERS = { "content-type": "application/json" }

class TooLarge {
  readonly _tag = "TooLarge"
}

const clerkError = (status: number, code: string, message: string) => ({
  status,
  body: JSON.stringify({ errors: [{ code, message, long_message: message }] })
})

const readBody = (request: Http.IncomingMessage, max: number): Effect.Effect<Buffer, TooLarge | Error> =>
  Effect.async((resume) => {
    const chunks: Array<Buffer> = []
    let size = 0
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > max) {
        request.off("data", onData)
        // Keep reading (and dropping) so the 413 can be written back on the same connection.
        request.resume()
        resume(Effect.fail(new TooLarge()))
      } else {
        chunks.push(chunk)
      }
    }
    request.on("data", onData)
    request.once("end", () => {
      if (size <= max) resume(Effect.succeed(Buffer.concat(chunks)))
    })
    request.once("error", (error) => resume(Effect.fail(error)))
  })

/** The body as the handler takes it: JSON, a `FormData` for uploads, or a `MalformedBody` it answers with 400. */
const parseBody = (contentType: string | undefined, bytes: Buffer): Effect.Effect<unknown> => {
  if (bytes.length === 0) return Effect.succeed(undefined)
  if (contentType !== undefined && contentType.toLowerCase().startsWith("multipart/form-data")) {
    return Effect.tryPromise(() =>
      new Response(new Uint8Array(bytes), { headers: { "content-type": contentType } }).formData()
    ).pipe(Effect.orElseSucceed(() => new OfflineClerk.MalformedBody("the multipart body could not be read")))
  }
  try {
    return Effect.succeed(JSON.parse(bytes.toString("utf8")))
  } catch {
    return Effect.succeed(new OfflineClerk.MalformedBody("it is not JSON"))
  }
}

const headersOf = (request: Http.IncomingMessage): Record<string, string> => {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value
  }
  return headers
}

const write = (response: Http.ServerResponse, status: number, headers: Readonly<Record<string, string>>, body: string) => {
  if (response.headersSent || response.destroyed) return
  response.writeHead(status, { ...headers, "content-length": String(Buffer.byteLength(body)) })
  response.end(body)
}

const answer = (
  clerk: OfflineClerk.OfflineClerkService,
  request: Http.IncomingMessage,
  response: Http.ServerResponse,
  maxBodyBytes: number
): Effect.Effect<void> =>
  Effect.gen(function*() {
    const url = new URL(request.url ?? "/", `http://${LOOPBACK}`)
    if (!/^\/v1(\/|$)/.test(url.pathname)) {
      const { status, body } = clerkError(404, "resource_not_found", "The offline Clerk serves the Backend API at /v1/….")
      return write(response, status, JSON_HEADERS, body)
    }
    const headers = headersOf(request)
    const bytes = yield* readBody(request, maxBodyBytes)
    const result = yield* clerk.exchange({
      method: request.method ?? "GET",
      path: url.pathname.replace(/^\/v1/, "") || "/",
      query: url.searchParams,
      body: yield* parseBody(headers["content-type"], bytes),
      headers,
      clientIp: request.socket.remoteAddress
    })
    if (result._tag === "ConnectionReset") {
      request.socket.destroy()
      return
    }
    write(response, result.status, result.headers, result.body)
  }).pipe(
    Effect.catchTag("TooLarge", () => {
      const { status, body } = clerkError(413, "request_body_too_large", "The request body is too large.")
      return Effect.sync(() => write(response, status, JSON_HEADERS, body))
    }),
    // Whatever goes wrong is this request's problem, never the server's: answer 500 and carry on.
    Effect.catchAllCause((cause) =>
      Effect.zipRight(
        Effect.logWarning("offline Clerk server: a request failed", cause),
        Effect.sync(() => {
          const { status, body } = clerkError(500, "internal_clerk_error", "The offline Clerk server failed.")
          write(response, status, JSON_HEADERS, body)
        })
      )
    )
  )

const listen = (server: Http.Server, port: number) =>
  Effect.async<number, OfflineServerError>((resume) => {
    const onError = (error: Error) =>
      resume(Effect.fail(
        new OfflineServerError({ message: `cannot listen on ${LOOPBACK}:${port}: ${error.message}`, cause: error })
      ))
    server.once("error", onError)
    server.listen(port, LOOPBACK, () => {
      server.off("error", onError)
      const address = server.address()
      resume(Effect.succeed(typeof address === "object" && address !== null ? address.port : port))
    })
  })

const close = (server: Http.Server) =>
  Effect.async<void>((resume) => {
    server.close(() => resume(Effect.void))
    // Requests held open by a timeout fault, and idle keep-alive connections, would keep `close` waiting.
    server.closeAllConnections()
  })

/**
 * Serves an offline Clerk on 127.0.0.1 until the scope closes. Each request runs in a fiber of the scope:
 * a client that disconnects interrupts its request, and closing the scope stops them all.
 *
 * @since 0.1.0
 * @category constructors
 */
export const serve = (options: ServeOptions = {}): Effect.Effect<OfflineServer, OfflineServerError, Scope.Scope> =>
  Effect.gen(function*() {
    const hostname: string = options.hostname ?? LOOPBACK
    if (hostname !== LOOPBACK) return yield* Effect.dieMessage("OfflineServer.serve listens on 127.0.0.1 only")
    const clerk = options.clerk ?? (yield* OfflineClerk.make(options))
    const maxBodyBytes = options.maxBodyBytes ?? 20 * 1024 * 1024
    const run = yield* FiberSet.makeRuntime<never, void, never>()
    const server = Http.createServer((request, response) => {
      const fiber = run(answer(clerk, request, response, maxBodyBytes))
      response.once("close", () => {
        // The client went away before the answer (its own timeout, say): stop working on it.
        if (!response.writableFinished) fiber.unsafeInterruptAsFork(FiberId.none)
      })
    })
    const port = yield* Effect.acquireRelease(listen(server, options.port ?? DEFAULT_PORT), () => close(server))
    const url = `http://${LOOPBACK}:${port}`
    return { url, apiUrl: `${url}/v1`, port, clerk }
  })
