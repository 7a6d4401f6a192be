/**
 * `ClerkLive` provides what is loaded (src/internal/registry.ts): its type claims every service and `ClerkAuth`,
 * and a bundle keeps only what the program names. These tests hold the claim to the runtime: built, the layer
 * answers every tag the package exports; bundled, a program that names `Users` carries no other service.
 */
import { describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { fileURLToPath } from "node:url"
import * as Services from "../services/index.js"
import { ClerkAuth } from "../src/ClerkAuth.js"
import * as Clerk from "../src/Clerk.js"
import { ClerkClient } from "../src/ClerkClient.js"

const env = Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["CLERK_SECRET_KEY", "sk_test_registry"]])))

const isTag = (value: unknown): value is Context.Tag<unknown, unknown> => Context.isTag(value)

describe("ClerkLive", () => {
  const exported: Record<string, unknown> = { ...Services }
  const tags = Object.entries(exported).flatMap(([name, value]) => isTag(value) ? [[name, value] as const] : [])

  it("is checked against all 42 services", () => {
    expect(tags.map(([name]) => name)).toHaveLength(42)
  })

  it.effect("provides every service, ClerkClient and ClerkAuth, each a working value", () =>
    Effect.gen(function*() {
      const context = yield* Layer.build(Clerk.ClerkLive)
      const missing = tags.filter(([, tag]) => Context.getOption(context, tag)._tag === "None").map(([name]) => name)
      expect(missing).toEqual([])
      expect(typeof Context.get(context, Services.Users).get).toBe("function")
      expect(typeof Context.get(context, ClerkClient).execute).toBe("function")
      expect(typeof Context.get(context, ClerkAuth).verifyToken).toBe("function")
    }).pipe(Effect.scoped, env))

  it.effect("Clerk.layerConfig gives every service too", () =>
    Effect.gen(function*() {
      const context = yield* Layer.build(Clerk.layerConfig().pipe(Layer.provide(FetchHttpClient.layer)))
      expect(tags.filter(([, tag]) => Context.getOption(context, tag)._tag === "None")).toEqual([])
    }).pipe(Effect.scoped, env))
})

describe("a bundle of a program that calls Users through ClerkLive", () => {
  it("keeps the Users service and leaves out the other services and ClerkAuth", async () => {
    const esbuild = await import("esbuild")
    const entry = fileURLToPath(new URL("../bench/programs/users-get-live.ts", import.meta.url))
    const result = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      format: "esm",
      platform: "neutral",
      mainFields: ["module", "main"],
      write: false,
      metafile: true,
      logLevel: "error"
    })
    const kept = Object.entries(Object.values(result.metafile.outputs)[0]?.inputs ?? {})
      .filter(([, input]) => input.bytesInOutput > 0)
      .map(([path]) => path)
    const services = kept.filter((path) => path.startsWith("services/") && path !== "services/index.ts")
    expect(services).toEqual(["services/Users.ts"])
    expect(kept.filter((path) => path.includes("auth/") || path.includes("ClerkAuth"))).toEqual([])
  }, 30_000)
})
