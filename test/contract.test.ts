/**
 * Contract: every operation against Prism serving Clerk's own spec (dynamic mode, random but
 * schema-shaped bodies). Each operation with a JSON success is called 5 times and every answer must decode;
 * for the operations listed in `errorCases`, each documented error status (`Prefer: code=NNN`) must decode
 * into its tagged error.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Clerk from "../src/Clerk.js"
import { ErrorByStatus } from "../src/ClerkError.js"
import { contractCases } from "./generated/contract.js"
import { type Prism, specAvailable, startPrism } from "./support/prism.js"

const CALLS_PER_OPERATION = 5

let prism: Prism | undefined

const clerk = (prefer?: string) => {
  const http = prefer === undefined
    ? FetchHttpClient.layer
    : Layer.effect(
      HttpClient.HttpClient,
      Effect.map(HttpClient.HttpClient, HttpClient.mapRequest(HttpClientRequest.setHeader("prefer", prefer)))
    ).pipe(Layer.provide(FetchHttpClient.layer))
  return Clerk.layer({ secretKey: Redacted.make("sk_test_contract"), apiUrl: prism?.url ?? "", retry: false }).pipe(
    Layer.provide(http)
  )
}

describe.runIf(specAvailable())("contract against Prism", () => {
  beforeAll(async () => {
    prism = await startPrism()
  }, 90_000)
  afterAll(() => prism?.stop())

  it("covers every operation", () => {
    expect(contractCases).toHaveLength(249)
  })

  const successCases = contractCases.filter((c) => c.jsonSuccess)
  it.effect(`every JSON success decodes (${successCases.length} operations × ${CALLS_PER_OPERATION})`, () =>
    Effect.gen(function*() {
      const failures: Array<string> = []
      yield* Effect.forEach(successCases, (c) =>
        Effect.forEach(Array.from({ length: CALLS_PER_OPERATION }), () =>
          Effect.exit(c.call).pipe(Effect.map((exit) => {
            if (Exit.isFailure(exit)) failures.push(`${c.name}: ${String(exit.cause)}`)
          }))), { concurrency: 8, discard: true })
      expect(failures).toEqual([])
    }).pipe(Effect.provide(clerk())), 120_000)

  const errorCases = contractCases.filter((c) => c.errorStatuses.length > 0)
  it.effect(`documented error statuses decode into their tagged errors (${errorCases.length} operations)`, () =>
    Effect.gen(function*() {
      const mismatches: Array<string> = []
      let checked = 0
      yield* Effect.forEach(errorCases, (c) =>
        Effect.forEach(c.errorStatuses, (status) =>
          Effect.flip(c.call).pipe(
            Effect.provide(clerk(`code=${status}`)),
            Effect.map((error) => {
              checked++
              const expected = Object.entries(ErrorByStatus).find(([known]) => Number(known) === status)?.[1]._tag
              const tag = typeof error === "object" && error !== null && "_tag" in error ? error._tag : undefined
              if (tag !== expected) mismatches.push(`${c.name} ${status}: ${String(tag)} (${String(error)})`)
            })
          )), { concurrency: 8, discard: true })
      expect(mismatches).toEqual([])
      expect(checked).toBeGreaterThan(30)
    }), 120_000)
})
