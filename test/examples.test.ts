/**
 * The examples run as a user runs them (`npx tsx examples/<name>.ts`, no environment), against the offline
 * Clerk or keys they make themselves, and say what they should. Each is a bounded child process.
 */
import { describe, expect, it } from "@effect/vitest"
import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))
const tsx = fileURLToPath(new URL("../node_modules/.bin/tsx", import.meta.url))

const run = (example: string) =>
  new Promise<{ readonly code: number; readonly stdout: string }>((resolve) => {
    const env = { ...process.env }
    delete env["CLERK_SECRET_KEY"]
    delete env["CLERK_PUBLISHABLE_KEY"]
    delete env["CLERK_WEBHOOK_SIGNING_SECRET"]
    execFile(tsx, [`examples/${example}.ts`], { cwd: root, env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout: stdout + stderr })
    })
  })

describe("examples", () => {
  it("quickstart (npm start) tells the whole story and exits 0", async () => {
    const { code, stdout } = await run("quickstart")
    expect(stdout).toContain("created users Ada and Grace")
    expect(stdout).toContain("authenticated a request: signed in as Ada")
    expect(stdout).toContain("verified a webhook")
    expect(stdout).toContain("404 resource_not_found")
    expect(stdout).toContain("deleted what it created")
    expect(code).toBe(0)
  }, 60_000)

  it("auth-server answers 200 with a token and 401 without, over HTTP on 127.0.0.1", async () => {
    const { code, stdout } = await run("auth-server")
    expect(stdout).toMatch(/GET \/me, no token\s*: 401/)
    expect(stdout).toMatch(/GET \/me, a valid token\s*: 200/)
    expect(code).toBe(0)
  }, 60_000)

  it("webhook-receiver accepts a signed webhook and refuses a tampered one", async () => {
    const { code, stdout } = await run("webhook-receiver")
    expect(stdout).toContain("signed webhook: 204")
    expect(stdout).toContain("tampered webhook: 400")
    expect(code).toBe(0)
  }, 60_000)

  for (const example of ["streaming", "errors", "retries"]) {
    it(`${example} runs and exits 0`, async () => {
      const { code, stdout } = await run(example)
      expect(stdout).not.toContain("Error:")
      expect(code).toBe(0)
    }, 60_000)
  }
})
