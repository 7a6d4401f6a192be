/**
 * Starts Prism (`@stoplight/prism-cli`, a dev dependency) in dynamic mode on 127.0.0.1, serving Clerk's
 * spec, for the contract tests. Bounded: it gives up after 60 seconds and is always stopped.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { existsSync } from "node:fs"
import { createServer } from "node:net"
import { fileURLToPath } from "node:url"

export const SPEC = fileURLToPath(new URL("../../../shared/clerk-openapi/bapi-2026-05-12.yml", import.meta.url))
const BIN = fileURLToPath(new URL("../../node_modules/.bin/prism", import.meta.url))

export const specAvailable = (): boolean => existsSync(SPEC)

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      server.close(() => typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port")))
    })
  })

export interface Prism {
  readonly url: string
  readonly stop: () => void
}

export const startPrism = async (): Promise<Prism> => {
  const port = await freePort()
  const child: ChildProcess = spawn(BIN, ["mock", "-d", "-h", "127.0.0.1", "-p", String(port), SPEC], {
    stdio: ["ignore", "pipe", "pipe"]
  })
  const stop = () => void child.kill("SIGTERM")
  let output = ""
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      stop()
      reject(new Error(`Prism did not start within 60 s:\n${output.slice(-2_000)}`))
    }, 60_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes("Prism is listening")) {
        clearTimeout(timer)
        resolve()
      }
    }
    child.stdout?.on("data", onData)
    child.stderr?.on("data", onData)
    child.once("exit", (code) => {
      clearTimeout(timer)
      reject(new Error(`Prism exited with ${code}:\n${output.slice(-2_000)}`))
    })
  })
  // Prism logs every request; drain and drop it so the pipe never fills.
  child.stdout?.removeAllListeners("data").resume()
  child.stderr?.removeAllListeners("data").resume()
  return { url: `http://127.0.0.1:${port}`, stop }
}
