/**
 * Faults: each kind reaches the SDK as the documented typed error, or as a retry that succeeds, under
 * `TestClock`; a faulted write does not happen (unless `afterCommit`); the same seed gives the same faults.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import { AllServices } from "../../services/index.js"
import { Users } from "../../services/Users.js"
import type * as ClerkClient from "../../src/ClerkClient.js"
import { ClerkTest, Faults, OfflineClerk, type Options } from "../../src/testing/index.js"

/** The SDK with its default retry policy (or `client`'s) on a fresh offline Clerk. */
const sdk = (options: Options = {}, client: Partial<ClerkClient.Options> = {}) =>
  Layer.provideMerge(AllServices, ClerkTest.layerClient(options, client))

const retrying = (options: Options = {}) => <A, E>(effect: Effect.Effect<A, E, Layer.Layer.Success<ReturnType<typeof sdk>>>) =>
  Effect.provide(effect, sdk(options))

const once = (options: Options = {}) => <A, E>(effect: Effect.Effect<A, E, Layer.Layer.Success<ReturnType<typeof sdk>>>) =>
  Effect.provide(effect, sdk(options, { retry: false }))

const script = (...entries: ReadonlyArray<Faults.Scripted>): Options => ({ faults: { script: entries } })

const count = Effect.map(Users.count(), (c) => c.totalCount)

const injected = Effect.flatMap(OfflineClerk, (clerk) => clerk.injectedFaults)

describe("faults: 429 with Retry-After", () => {
  it.effect("a GET waits at least Retry-After, then succeeds", () =>
    retrying(script({ operation: "users.list", fault: Faults.rateLimited(3) }))(Effect.gen(function*() {
      const fiber = yield* Effect.fork(Users.list({}))
      yield* TestClock.adjust("2900 millis")
      expect(yield* Fiber.poll(fiber)).toEqual(Option.none())
      yield* TestClock.adjust("100 millis")
      expect(yield* Fiber.join(fiber)).toEqual([])
      expect((yield* injected).map((f) => f.fault)).toEqual([{ _tag: "RateLimited", retryAfterSeconds: 3 }])
    })))

  it.effect("a POST is retried too (Clerk did nothing), and the write happens once", () =>
    retrying(script({ operation: "CreateUser", times: 2, fault: Faults.rateLimited(1) }))(Effect.gen(function*() {
      const fiber = yield* Effect.fork(Users.create({ emailAddress: ["ada@example.com"] }))
      yield* TestClock.adjust("10 seconds")
      const user = yield* Fiber.join(fiber)
      expect(user.emailAddresses[0]?.emailAddress).toBe("ada@example.com")
      expect(yield* count).toBe(1)
    })))

  it.effect("with retries off, it is ClerkRateLimited with retryAfter", () =>
    once(script({ fault: Faults.rateLimited(7) }))(Effect.gen(function*() {
      const error = yield* Effect.flip(Users.list({}))
      expect(error).toMatchObject({ _tag: "ClerkRateLimited", status: 429, errors: [{ code: "too_many_requests" }] })
      expect(error._tag === "ClerkRateLimited" && error.retryAfter && Duration.toMillis(error.retryAfter)).toBe(7000)
    })))
})

describe("faults: 500 and 503", () => {
  it.effect("the first 2 requests to users.list answer 503: a GET is retried and succeeds", () =>
    retrying(script({ operation: "users.list", times: 2, fault: Faults.serverError(503) }))(Effect.gen(function*() {
      const clerk = yield* OfflineClerk
      const fiber = yield* Effect.fork(Users.list({}))
      yield* TestClock.adjust("10 seconds")
      expect(yield* Fiber.join(fiber)).toEqual([])
      const log = (yield* clerk.requests).filter((r) => r.operationId === "GetUserList")
      expect(log.map((r) => [r.status, r.fault])).toEqual([[503, "ServerError"], [503, "ServerError"], [200, undefined]])
    })))

  it.effect("a POST is not retried: ClerkUnexpectedStatus 503, and nothing was written", () =>
    retrying(script({ method: "POST", path: "/users", fault: Faults.serverError(503) }))(Effect.gen(function*() {
      const error = yield* Effect.flip(Users.create({ emailAddress: ["ada@example.com"] }))
      expect(error).toMatchObject({ _tag: "ClerkUnexpectedStatus", status: 503, errors: [{ code: "service_unavailable" }] })
      expect(error._tag === "ClerkUnexpectedStatus" && error.clerkTraceId).toMatch(/^[0-9a-f]{32}$/)
      expect(yield* count).toBe(0)
    })))

  it.effect("a 500 a POST does not declare is ClerkUnexpectedStatus 500", () =>
    once(script({ operation: "users.create", fault: Faults.serverError(500) }))(Effect.gen(function*() {
      const error = yield* Effect.flip(Users.create({ emailAddress: ["ada@example.com"] }))
      expect(error).toMatchObject({ _tag: "ClerkUnexpectedStatus", status: 500, errors: [{ code: "internal_clerk_error" }] })
    })))

  it.effect("afterCommit: the write happened, only its answer was lost", () =>
    once({ faults: { mode: "afterCommit", script: [{ operation: "users.create", fault: Faults.serverError(500) }] } })(
      Effect.gen(function*() {
        yield* Effect.flip(Users.create({ emailAddress: ["ada@example.com"] }))
        expect(yield* count).toBe(1)
      })
    ))
})

describe("faults: timeouts", () => {
  it.effect("no answer: the SDK's per-attempt timeout fires, ClerkRequestError Timeout", () =>
    once(script({ fault: Faults.timeout }))(Effect.gen(function*() {
      const fiber = yield* Effect.fork(Effect.flip(Users.create({ emailAddress: ["ada@example.com"] })))
      yield* TestClock.adjust("29 seconds")
      expect(yield* Fiber.poll(fiber)).toEqual(Option.none())
      yield* TestClock.adjust("1 second")
      expect(yield* Fiber.join(fiber)).toMatchObject({ _tag: "ClerkRequestError", reason: "Timeout" })
      expect(yield* count).toBe(0)
    })))

  it.effect("a GET that times out is retried and succeeds", () =>
    retrying(script({ operation: "users.list", fault: Faults.timeout }))(Effect.gen(function*() {
      const fiber = yield* Effect.fork(Users.list({}))
      yield* TestClock.adjust("40 seconds")
      expect(yield* Fiber.join(fiber)).toEqual([])
    })))

  it.effect("afterCommit: the POST timed out but the user exists", () =>
    once({ faults: { mode: "afterCommit", script: [{ operation: "users.create", fault: Faults.timeout }] } })(
      Effect.gen(function*() {
        const fiber = yield* Effect.fork(Effect.flip(Users.create({ emailAddress: ["ada@example.com"] })))
        yield* TestClock.adjust("30 seconds")
        expect(yield* Fiber.join(fiber)).toMatchObject({ _tag: "ClerkRequestError", reason: "Timeout" })
        expect(yield* count).toBe(1)
      })
    ))
})

describe("faults: connection resets", () => {
  it.effect("a reset is ClerkRequestError Transport, naming ECONNRESET", () =>
    once(script({ fault: Faults.connectionReset }))(Effect.gen(function*() {
      const error = yield* Effect.flip(Users.list({}))
      expect(error).toMatchObject({ _tag: "ClerkRequestError", reason: "Transport" })
      expect(error._tag === "ClerkRequestError" && error.description).toMatch(/ECONNRESET/)
      expect((yield* OfflineClerk.pipe(Effect.flatMap((c) => c.requests)))[0]).toMatchObject({
        status: 0,
        fault: "ConnectionReset"
      })
    })))

  it.effect("a GET is retried past a reset", () =>
    retrying(script({ operation: "GetUserList", times: 3, fault: Faults.connectionReset }))(Effect.gen(function*() {
      const fiber = yield* Effect.fork(Users.list({}))
      yield* TestClock.adjust("20 seconds")
      expect(yield* Fiber.join(fiber)).toEqual([])
      expect(yield* injected).toHaveLength(3)
    })))
})

describe("faults: broken JSON", () => {
  it.effect("malformed JSON is ClerkDecodeError at $, and the faulted write did not happen", () =>
    retrying(script({ operation: "users.create", fault: Faults.malformedJson }))(Effect.gen(function*() {
      const error = yield* Effect.flip(Users.create({ emailAddress: ["ada@example.com"] }))
      expect(error).toMatchObject({ _tag: "ClerkDecodeError", status: 200, path: "$", description: "the body is not JSON" })
      expect(yield* count).toBe(0)
    })))

  it.effect("truncated JSON is ClerkDecodeError too; afterCommit keeps the write", () =>
    once({ faults: { mode: "afterCommit", script: [{ operation: "users.create", fault: Faults.truncatedJson }] } })(
      Effect.gen(function*() {
        const error = yield* Effect.flip(Users.create({ emailAddress: ["ada@example.com"] }))
        expect(error).toMatchObject({ _tag: "ClerkDecodeError", path: "$" })
        expect(yield* count).toBe(1)
      })
    ))

  it.effect("broken JSON on an error answer still surfaces the status", () =>
    once(script({ operation: "users.get", fault: Faults.truncatedJson }))(Effect.gen(function*() {
      const error = yield* Effect.flip(Users.get({ userId: "user_missing" }))
      expect(error).toMatchObject({ _tag: "ClerkNotFound", status: 404, errors: [] })
    })))

  it.effect("a dry run makes the broken answer: the ids of later requests are unaffected", () =>
    Effect.gen(function*() {
      const plain = yield* once()(Users.create({ emailAddress: ["ada@example.com"] }))
      const faulted = yield* once(script({ operation: "users.create", fault: Faults.truncatedJson }))(
        Effect.zipRight(
          Effect.flip(Users.create({ emailAddress: ["ada@example.com"] })),
          Users.create({ emailAddress: ["ada@example.com"] })
        )
      )
      expect(faulted.id).toBe(plain.id)
    }))
})

describe("faults: latency", () => {
  it.effect("a slow answer still succeeds, after the delay", () =>
    once(script({ operation: "users.list", fault: Faults.latency("2 seconds") }))(Effect.gen(function*() {
      const fiber = yield* Effect.fork(Users.list({}))
      yield* TestClock.adjust("1999 millis")
      expect(yield* Fiber.poll(fiber)).toEqual(Option.none())
      yield* TestClock.adjust("1 millis")
      expect(yield* Fiber.join(fiber)).toEqual([])
    })))
})

describe("faults: scripts and rates", () => {
  it.effect("skip and times pick which matching requests fail; others pass", () =>
    once(script({ operation: ["users.get", "GetUserList"], skip: 1, times: 2, fault: Faults.serverError(502) }))(
      Effect.gen(function*() {
        const outcomes = yield* Effect.forEach([1, 2, 3, 4], () => Effect.exit(Users.list({})))
        expect(outcomes.map(Exit.isSuccess)).toEqual([true, false, false, true])
        yield* Users.count()
        expect((yield* injected).map((f) => [f.index, f.operationId])).toEqual([[1, "GetUserList"], [2, "GetUserList"]])
      })
    ))

  it.effect("withFaults scopes faults to one effect", () =>
    once()(Effect.gen(function*() {
      const failed = yield* Effect.exit(Users.list({}).pipe(ClerkTest.withFaults({ rates: { serviceUnavailable: 1 } })))
      expect(Exit.isFailure(failed)).toBe(true)
      expect(yield* Users.list({})).toEqual([])
    })))

  /** 60 calls, each given time to time out or be slow; the outcome of each as a tag. */
  const sequence = (seed: number) =>
    once({
      faults: {
        seed,
        latency: "1 second",
        rates: {
          rateLimited: 0.1,
          internalServerError: 0.05,
          serviceUnavailable: 0.1,
          timeout: 0.05,
          connectionReset: 0.05,
          malformedJson: 0.05,
          truncatedJson: 0.05,
          latency: 0.1
        }
      }
    })(Effect.gen(function*() {
      const outcomes: Array<string> = []
      for (let i = 0; i < 60; i++) {
        const call = i % 2 === 0 ? Effect.asVoid(Users.list({})) : Effect.asVoid(Users.create({ emailAddress: [`u${i}@example.com`] }))
        const fiber = yield* Effect.fork(Effect.exit(call))
        yield* TestClock.adjust("31 seconds")
        const exit = yield* Fiber.join(fiber)
        outcomes.push(Exit.match(exit, {
          onSuccess: () => "ok",
          onFailure: (cause) => Option.match(Cause.failureOption(cause), { onNone: () => "defect", onSome: (e) => e._tag })
        }))
      }
      return { outcomes, faults: (yield* injected).map((f) => [f.index, f.fault._tag]) }
    }))

  it.effect("the same seed gives the same fault sequence; another seed another", () =>
    Effect.gen(function*() {
      const first = yield* sequence(7)
      const again = yield* sequence(7)
      const other = yield* sequence(8)
      expect(again).toEqual(first)
      expect(other.faults).not.toEqual(first.faults)
      // Most kinds turned up, about as often as asked (55% of 60 requests), and each reached the caller.
      expect(new Set(first.faults.map(([, tag]) => tag)).size).toBeGreaterThanOrEqual(5)
      expect(first.faults.length).toBeGreaterThan(20)
      expect(first.faults.length).toBeLessThan(45)
      expect(new Set(first.outcomes)).toEqual(
        new Set(["ok", "ClerkRateLimited", "ClerkUnexpectedStatus", "ClerkRequestError", "ClerkDecodeError"])
      )
    }))

  it.effect("rates that make no sense are a defect naming them", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(once({ faults: { rates: { timeout: 0.7, rateLimited: 0.6 } } })(Users.list({})))
      expect(Exit.isFailure(exit) && String(exit.cause)).toMatch(/add up to 1\.3/)
      const clerk = yield* Effect.exit(once()(Effect.flatMap(OfflineClerk, (c) => c.setFaults({ rates: { latency: 2 } }))))
      expect(Exit.isFailure(clerk) && String(clerk.cause)).toMatch(/rates\.latency must be between 0 and 1/)
    }))
})
