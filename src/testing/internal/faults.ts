/**
 * The fault injector: for each request, the script's entry whose turn it is, else one seeded draw against the
 * rates. All of its state (the generator, the script's counters, the log) moves in one `Ref.modify`, so the
 * same requests in the same order meet the same faults.
 */
import * as Effect from "effect/Effect"
import * as Ref from "effect/Ref"
import type * as Faults from "../Faults.js"
import { operationNames } from "./operationNames.js"

export interface Request {
  readonly method: string
  readonly path: string
  readonly operationId: string | undefined
}

export type Mode = "before" | "afterCommit"

export interface Injector {
  /** The fault for this request, if any, and the mode it applies in. */
  readonly next: (request: Request) => Effect.Effect<{ readonly fault: Faults.Fault; readonly mode: Mode } | undefined>
  /** Replaces the faults in force (`undefined`: none), starting their counters and draws afresh. */
  readonly set: (options: Faults.Options | undefined) => Effect.Effect<void>
  readonly injected: Effect.Effect<ReadonlyArray<Faults.Injected>>
}

/** The log keeps the latest faults only, so a long-running server with rates does not grow without bound. */
const MAX_LOGGED = 1_000

interface State {
  readonly options: Faults.Options | undefined
  readonly random: number
  readonly index: number
  /** How many requests each script entry has matched. */
  readonly seen: ReadonlyArray<number>
  readonly log: ReadonlyArray<Faults.Injected>
}

// mulberry32, one step: a uniform draw in [0, 1) and the next state.
const draw = (state: number): readonly [number, number] => {
  const next = (state + 0x6d2b79f5) >>> 0
  let t = next
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return [((t ^ (t >>> 14)) >>> 0) / 4_294_967_296, next]
}

const initial = (options: Faults.Options | undefined, seed: number): State => ({
  options,
  random: Math.imul((options?.seed ?? seed) ^ 0x2545f491, 0x9e3779b9) >>> 0,
  index: 0,
  seen: (options?.script ?? []).map(() => 0),
  log: []
})

const matches = (match: Faults.Match, request: Request): boolean => {
  if (match.method !== undefined && match.method.toUpperCase() !== request.method) return false
  if (match.path !== undefined) {
    if (typeof match.path === "string" ? match.path !== request.path : !match.path.test(request.path)) return false
  }
  if (match.operation !== undefined) {
    const wanted = typeof match.operation === "string" ? [match.operation] : match.operation
    const id = request.operationId
    if (id === undefined || !wanted.some((name) => name === id || name === operationNames[id])) return false
  }
  return true
}

type RateKind = keyof Faults.Rates

const RATE_KINDS: ReadonlyArray<RateKind> = [
  "rateLimited",
  "internalServerError",
  "serviceUnavailable",
  "timeout",
  "connectionReset",
  "malformedJson",
  "truncatedJson",
  "latency"
]

const faultOf = (kind: RateKind, options: Faults.Options): Faults.Fault => {
  switch (kind) {
    case "rateLimited":
      return { _tag: "RateLimited", retryAfterSeconds: options.retryAfterSeconds ?? 1 }
    case "internalServerError":
      return { _tag: "ServerError", status: 500 }
    case "serviceUnavailable":
      return { _tag: "ServerError", status: 503 }
    case "timeout":
      return { _tag: "Timeout" }
    case "connectionReset":
      return { _tag: "ConnectionReset" }
    case "malformedJson":
      return { _tag: "MalformedJson" }
    case "truncatedJson":
      return { _tag: "TruncatedJson" }
    case "latency":
      return { _tag: "Latency", delay: options.latency ?? "2 seconds" }
  }
}

/** A mistake in the options is the test's bug: it is reported at once, as a defect naming it. */
const invalid = (options: Faults.Options | undefined): string | undefined => {
  if (options === undefined) return undefined
  let total = 0
  for (const kind of RATE_KINDS) {
    const rate = options.rates?.[kind] ?? 0
    if (!(rate >= 0 && rate <= 1)) return `faults: rates.${kind} must be between 0 and 1, not ${rate}`
    total += rate
  }
  if (total > 1 + 1e-9) return `faults: the rates add up to ${Number(total.toFixed(6))}, more than 1`
  for (const entry of options.script ?? []) {
    if (entry.times !== undefined && !(entry.times >= 0)) return "faults: script times must be 0 or more"
    if (entry.skip !== undefined && !(entry.skip >= 0)) return "faults: script skip must be 0 or more"
  }
  return undefined
}

const step = (state: State, request: Request): readonly [Faults.Fault | undefined, State] => {
  const options = state.options
  if (options === undefined) return [undefined, state]
  const script = options.script ?? []
  const seen = state.seen.map((count, i) => {
    const entry = script[i]
    return entry !== undefined && matches(entry, request) ? count + 1 : count
  })
  let fault: Faults.Fault | undefined
  for (let i = 0; i < script.length && fault === undefined; i++) {
    const entry = script[i]
    const count = seen[i] ?? 0
    if (entry === undefined || count === (state.seen[i] ?? 0)) continue
    const skip = entry.skip ?? 0
    if (count > skip && count <= skip + (entry.times ?? 1)) fault = entry.fault
  }
  let random = state.random
  // One draw per request the rates cover, whether or not the script answered it: a script entry added for
  // one request does not shift the faults every later request meets.
  if (options.rates !== undefined && (options.match === undefined || matches(options.match, request))) {
    const [u, next] = draw(random)
    random = next
    let cumulative = 0
    for (const kind of RATE_KINDS) {
      cumulative += options.rates[kind] ?? 0
      if (fault === undefined && u < cumulative) {
        fault = faultOf(kind, options)
        break
      }
    }
  }
  const log = fault === undefined
    ? state.log
    : [...state.log.slice(-(MAX_LOGGED - 1)), {
      index: state.index,
      method: request.method,
      path: request.path,
      operationId: request.operationId,
      fault
    }]
  return [fault, { ...state, random, seen, index: state.index + 1, log }]
}

export const make = (options: Faults.Options | undefined, seed: number): Effect.Effect<Injector> =>
  Effect.gen(function*() {
    const problem = invalid(options)
    if (problem !== undefined) return yield* Effect.dieMessage(problem)
    const ref = yield* Ref.make(initial(options, seed))
    return {
      next: (request) =>
        Ref.modify(ref, (state) => {
          const [fault, next] = step(state, request)
          const mode: Mode = state.options?.mode ?? "before"
          return [fault === undefined ? undefined : { fault, mode }, next]
        }),
      set: (next) => {
        const message = invalid(next)
        return message === undefined ? Ref.set(ref, initial(next, seed)) : Effect.dieMessage(message)
      },
      injected: Effect.map(Ref.get(ref), (state) => state.log)
    }
  })
