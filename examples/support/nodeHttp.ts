/**
 * Serving a web handler (`(Request) => Promise<Response>`, what `HttpApiBuilder.toWebHandler` and
 * `HttpApp.toWebHandler` give) with plain `node:http`, without `@effect/platform-node`: the request
 * becomes a web `Request` (the body read whole, which is what a webhook's signature check needs anyway;
 * aborted when the client goes away), the `Response` is written back with every `Set-Cookie` kept.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"

export type WebHandler = (request: Request) => Promise<Response>

const readBody = async (req: IncomingMessage): Promise<Blob> => {
  const chunks: Array<Uint8Array<ArrayBuffer>> = []
  for await (const chunk of req) chunks.push(new Uint8Array(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk))))
  return new Blob(chunks)
}

const toWebRequest = async (req: IncomingMessage, res: ServerResponse): Promise<Request> => {
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue
    if (Array.isArray(value)) for (const item of value) headers.append(name, item)
    else headers.set(name, value)
  }
  const controller = new AbortController()
  res.on("close", () => {
    if (!res.writableFinished) controller.abort()
  })
  const method = req.method ?? "GET"
  const body = method === "GET" || method === "HEAD" ? null : await readBody(req)
  return new Request(`http://${req.headers.host ?? "127.0.0.1"}${req.url ?? "/"}`, {
    method,
    headers,
    body,
    signal: controller.signal
  })
}

const writeWebResponse = async (response: Response, res: ServerResponse): Promise<void> => {
  res.statusCode = response.status
  for (const [name, value] of response.headers) {
    if (name !== "set-cookie") res.setHeader(name, value)
  }
  const cookies = response.headers.getSetCookie()
  if (cookies.length > 0) res.setHeader("set-cookie", cookies)
  // Small JSON answers: read whole, written once.
  res.end(Buffer.from(await response.arrayBuffer()))
}

export interface Server {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  readonly close: () => Promise<void>
}

/** Serves `handler` on `host:port` (port 0: an ephemeral one). */
export const serve = (handler: WebHandler, options: { readonly host?: string; readonly port?: number } = {}) =>
  new Promise<Server>((resolve, reject) => {
    const server = createServer((req, res) => {
      toWebRequest(req, res)
        .then(handler)
        .then((response) => writeWebResponse(response, res))
        .catch(() => {
          if (!res.headersSent) res.statusCode = 500
          res.end()
        })
    })
    server.once("error", reject)
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      const address = server.address()
      if (address === null || typeof address === "string") return reject(new Error("not listening on TCP"))
      resolve({
        url: `http://${address.address}:${address.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections()
            server.close(() => done())
          })
      })
    })
  })
