/**
 * The benchmark harness: every subject of a comparison runs in the same process, in alternating rounds
 * (A B C, then B C A, then C A B …) after a warm-up, so that a slow minute of a noisy machine lands on
 * all of them rather than on one. Each round takes one timed sample per subject: wall time, process CPU
 * time (`process.cpuUsage()`, user + system), the main thread's GC pauses, and, optionally, the latency of every
 * operation.
 *
 * The result of a comparison is its ratios, not its absolute numbers: a ratio is computed per round from
 * the samples that ran next to each other, and its median is reported with its min–max.
 */
import { PerformanceObserver } from "node:perf_hooks"
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"

/** One contender: `run` is one operation (a call, a decode); sync or async, never mixed. */
export interface Subject {
  readonly name: string
  readonly run: () => unknown
  /** Called before each of this subject's samples (and its warm-up): swapping `globalThis.fetch`, say. */
  readonly enter?: () => void
  /** Called after each of its samples. */
  readonly exit?: () => void
}

export interface Options {
  readonly title: string
  readonly subjects: ReadonlyArray<Subject>
  /** Warm-up per subject, before any sample; default 400 ms. */
  readonly warmupMs?: number
  /** Samples per subject; default 8. */
  readonly rounds?: number
  /** The target duration of one sample; the operation count is calibrated from the warm-up. Default 120 ms. */
  readonly sampleMs?: number
  /** Operations in flight at once (async subjects only); default 1. */
  readonly concurrency?: number
  /** Record each operation's latency, for p50/p99 (async subjects only). */
  readonly latency?: boolean
}

export interface Stats {
  readonly median: number
  readonly min: number
  readonly max: number
}

export interface Sample {
  readonly ops: number
  readonly wallMs: number
  readonly cpuMs: number
  /** The GC pauses of the main thread that began inside the sample. */
  readonly gcMs: number
}

export interface Result {
  readonly name: string
  readonly samples: ReadonlyArray<Sample>
  /** Operations per second. */
  readonly opsPerSec: Stats
  /** Wall microseconds per operation (at concurrency 1, the latency; above it, the inverse throughput). */
  readonly usPerOp: Stats
  /** Process CPU microseconds per operation: user + system, every thread of this process. */
  readonly cpuUsPerOp: Stats
  /**
   * Main-thread GC pause microseconds per operation (V8's scavenges and the pauses of its full GCs, from
   * `PerformanceObserver`'s `gc` entries). Part of the wall time; the GC threads' own work shows only in the CPU.
   */
  readonly gcUsPerOp: Stats
  /** Per-operation latency in microseconds, pooled over every sample, when `latency` was asked for. */
  readonly p50?: number
  readonly p99?: number
}

export interface Comparison {
  readonly title: string
  readonly concurrency: number
  readonly results: ReadonlyArray<Result>
}

// -----------------------------------------------------------------------------------------------------------
// Statistics
// -----------------------------------------------------------------------------------------------------------

const sorted = (values: ReadonlyArray<number>): Array<number> => [...values].sort((a, b) => a - b)

export const quantile = (values: ReadonlyArray<number>, q: number): number => {
  const s = sorted(values)
  if (s.length === 0) return Number.NaN
  const at = (s.length - 1) * q
  const lo = Math.floor(at)
  const hi = Math.ceil(at)
  return (s[lo] ?? Number.NaN) + ((s[hi] ?? Number.NaN) - (s[lo] ?? Number.NaN)) * (at - lo)
}

export const stats = (values: ReadonlyArray<number>): Stats => ({
  median: quantile(values, 0.5),
  min: Math.min(...values),
  max: Math.max(...values)
})

// -----------------------------------------------------------------------------------------------------------
// Garbage collection between samples
// -----------------------------------------------------------------------------------------------------------

/**
 * No forced GC between samples by default: measured here, a full `gc()` before each sample made the
 * allocation-heavy subjects up to 2× slower (V8 shrinks the heap, then pays to grow it again inside the
 * sample), which distorts the ratios more than the garbage one subject leaves to the next. Each sample
 * pays for the collections its own allocations cause. `BENCH_GC=1` turns the forced GC on, to compare.
 */
const collect: () => void = (() => {
  if (process.env.BENCH_GC !== "1") return () => {}
  setFlagsFromString("--expose-gc")
  const gc: unknown = runInNewContext("gc")
  return typeof gc === "function" ? () => void gc() : () => {}
})()

/**
 * The main thread's GC pauses, as V8 reports them. Entries arrive after the fact (Node hands them to the
 * observer two turns of the event loop later, measured), so a sample waits two turns, then counts the pauses
 * that began inside it.
 */
const gcPauses: Array<{ readonly start: number; readonly duration: number }> = []
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcPauses.push({ start: entry.startTime, duration: entry.duration })
}).observe({ entryTypes: ["gc"] })

const pausedBetween = (from: number, to: number): number =>
  gcPauses.reduce((sum, p) => (p.start >= from && p.start < to ? sum + p.duration : sum), 0)

// -----------------------------------------------------------------------------------------------------------
// Running
// -----------------------------------------------------------------------------------------------------------

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === "object" && value !== null && typeof Reflect.get(value, "then") === "function"

const now = (): number => performance.now()
const cpuNow = (): number => {
  const usage = process.cpuUsage()
  return (usage.user + usage.system) / 1000
}

/** Runs `n` operations of a sync subject. */
const runSync = (run: () => unknown, n: number): void => {
  for (let i = 0; i < n; i++) run()
}

/**
 * Runs `n` operations of an async subject, `concurrency` at a time; pushes each latency (ms) into `latencies`
 * when given.
 */
const runAsync = async (
  run: () => unknown,
  n: number,
  concurrency: number,
  latencies: Array<number> | undefined
): Promise<void> => {
  let started = 0
  const worker = async () => {
    while (started < n) {
      started++
      if (latencies === undefined) {
        await run()
      } else {
        const t0 = now()
        await run()
        latencies.push(now() - t0)
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker))
}

interface Prepared {
  readonly subject: Subject
  readonly async: boolean
  readonly perSample: number
  readonly samples: Array<Sample>
  readonly latencies: Array<number>
}

const warmUp = async (subject: Subject, warmupMs: number, sampleMs: number, concurrency: number): Promise<Prepared> => {
  subject.enter?.()
  try {
    const first = subject.run()
    const async = isThenable(first)
    if (async) await first
    // Warm up in growing batches until the time is spent, then size a sample from the measured speed.
    let batch = 1
    let ops = 0
    const t0 = now()
    while (now() - t0 < warmupMs) {
      if (async) await runAsync(subject.run, batch, concurrency, undefined)
      else runSync(subject.run, batch)
      ops += batch
      batch = Math.min(batch * 2, 10_000)
    }
    const msPerOp = (now() - t0) / ops
    return {
      subject,
      async,
      perSample: Math.max(1, Math.round(sampleMs / msPerOp)),
      samples: [],
      latencies: []
    }
  } finally {
    subject.exit?.()
  }
}

const sample = async (prepared: Prepared, concurrency: number, latency: boolean): Promise<void> => {
  const { subject, perSample } = prepared
  subject.enter?.()
  try {
    collect()
    const latencies = latency && prepared.async ? prepared.latencies : undefined
    gcPauses.length = 0
    const cpu0 = cpuNow()
    const t0 = now()
    if (prepared.async) await runAsync(subject.run, perSample, concurrency, latencies)
    else runSync(subject.run, perSample)
    const t1 = now()
    const cpuMs = cpuNow() - cpu0
    for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve))
    prepared.samples.push({ ops: perSample, wallMs: t1 - t0, cpuMs, gcMs: pausedBetween(t0, t1) })
  } finally {
    subject.exit?.()
  }
}

const summarise = (prepared: Prepared): Result => {
  const { samples, latencies } = prepared
  const base = {
    name: prepared.subject.name,
    samples,
    opsPerSec: stats(samples.map((s) => (s.ops / s.wallMs) * 1000)),
    usPerOp: stats(samples.map((s) => (s.wallMs * 1000) / s.ops)),
    cpuUsPerOp: stats(samples.map((s) => (s.cpuMs * 1000) / s.ops)),
    gcUsPerOp: stats(samples.map((s) => (s.gcMs * 1000) / s.ops))
  }
  return latencies.length === 0
    ? base
    : { ...base, p50: quantile(latencies, 0.5) * 1000, p99: quantile(latencies, 0.99) * 1000 }
}

/**
 * Warms every subject up, then takes `rounds` samples of each in rotating order.
 */
export const compare = async (options: Options): Promise<Comparison> => {
  // `BENCH_SCALE=0.25` for a quick look (fewer rounds, shorter samples), `2` for steadier numbers.
  const scale = Number(process.env.BENCH_SCALE ?? 1) || 1
  const warmupMs = (options.warmupMs ?? 400) * Math.min(1, scale)
  const rounds = Math.max(3, Math.round((options.rounds ?? 8) * Math.sqrt(scale)))
  const sampleMs = (options.sampleMs ?? 120) * Math.sqrt(scale)
  const concurrency = options.concurrency ?? 1
  const latency = options.latency ?? false
  const prepared: Array<Prepared> = []
  for (const subject of options.subjects) prepared.push(await warmUp(subject, warmupMs, sampleMs, concurrency))
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < prepared.length; i++) {
      const p = prepared[(i + round) % prepared.length]
      if (p !== undefined) await sample(p, concurrency, latency)
    }
  }
  return { title: options.title, concurrency, results: prepared.map(summarise) }
}

// -----------------------------------------------------------------------------------------------------------
// Ratios
// -----------------------------------------------------------------------------------------------------------

export type Metric = "wall" | "cpu"

/**
 * `subject ÷ reference` per round (time per operation, so below 1 means the subject is faster / cheaper),
 * as median and min–max over the rounds.
 */
export const ratio = (subject: Result, reference: Result, metric: Metric): Stats => {
  const perOp = (s: Sample) => (metric === "wall" ? s.wallMs : s.cpuMs) / s.ops
  const ratios = subject.samples.flatMap((s, i) => {
    const r = reference.samples[i]
    return r === undefined ? [] : [perOp(s) / perOp(r)]
  })
  return stats(ratios)
}

export const find = (comparison: Comparison, name: string): Result => {
  const result = comparison.results.find((r) => r.name === name)
  if (result === undefined) throw new Error(`no subject named ${name} in ${comparison.title}`)
  return result
}

/** The first subject whose name starts with `prefix` (a table's row names a subject by its first words). */
export const findByPrefix = (comparison: Comparison, prefix: string): Result => {
  const result = comparison.results.find((r) => r.name.startsWith(prefix))
  if (result === undefined) throw new Error(`no subject named ${prefix}… in ${comparison.title}`)
  return result
}

// -----------------------------------------------------------------------------------------------------------
// Printing (Markdown tables, readable in a terminal and pasteable into bench/README.md)
// -----------------------------------------------------------------------------------------------------------

const digits = (value: number): string =>
  !Number.isFinite(value)
    ? "–"
    : value >= 1000
    ? Math.round(value).toLocaleString("en-US")
    : value >= 100
    ? value.toFixed(0)
    : value >= 10
    ? value.toFixed(1)
    : value >= 1
    ? value.toFixed(2)
    : value.toFixed(3)

export const fmt = digits

const range = (s: Stats): string => `${digits(s.min)}–${digits(s.max)}`

export const times = (s: Stats): string => `${digits(s.median)}× (${digits(s.min)}–${digits(s.max)})`

export const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)))
  const line = (cells: ReadonlyArray<string>) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(" | ")} |`
  const rule = `|${widths.map((w, i) => (i === 0 ? "-".repeat(w + 2) : `${"-".repeat(w + 1)}:`)).join("|")}|`
  return [line(header), rule, ...rows.map(line)].join("\n")
}

/**
 * The comparison as a table: throughput, wall and CPU time per operation, latency percentiles when
 * recorded, and each subject's time and CPU relative to `reference` (default: the first subject).
 */
export const report = (comparison: Comparison, reference?: string): string => {
  const ref = reference === undefined ? comparison.results[0] : find(comparison, reference)
  const withLatency = comparison.results.some((r) => r.p50 !== undefined)
  const header = [
    "subject",
    "ops/s (median)",
    "min–max",
    "µs/op",
    "CPU µs/op",
    "GC pause µs/op",
    ...(withLatency ? ["p50 µs", "p99 µs"] : []),
    `time vs ${ref?.name ?? "–"}`,
    "CPU vs ref"
  ]
  const rows = comparison.results.map((r) => [
    r.name,
    digits(r.opsPerSec.median),
    range(r.opsPerSec),
    digits(r.usPerOp.median),
    digits(r.cpuUsPerOp.median),
    digits(r.gcUsPerOp.median),
    ...(withLatency ? [digits(r.p50 ?? Number.NaN), digits(r.p99 ?? Number.NaN)] : []),
    ref === undefined || r === ref ? "1" : times(ratio(r, ref, "wall")),
    ref === undefined || r === ref ? "1" : times(ratio(r, ref, "cpu"))
  ])
  const title = `### ${comparison.title}${comparison.concurrency > 1 ? ` (${comparison.concurrency} in flight)` : ""}`
  return `${title}\n\n${table(header, rows)}\n`
}

// -----------------------------------------------------------------------------------------------------------
// Goals
// -----------------------------------------------------------------------------------------------------------

export interface Goal {
  readonly goal: string
  readonly met: boolean | "pending"
  readonly measured: string
}

export const goals = (list: ReadonlyArray<Goal>): string =>
  table(
    ["goal", "met", "measured"],
    list.map((g) => [g.goal, g.met === "pending" ? "pending" : g.met ? "yes" : "**no**", g.measured])
  ) + "\n"

/**
 * For a benchmark that cannot run: says why on stderr and exits non-zero.
 */
export const cannotRun = (why: string): never => {
  console.error(`benchmark cannot run: ${why}`)
  process.exit(1)
}

/** `import()` of a dev dependency, or a clear message and a non-zero exit. */
export const requireDev = async <M>(name: string, load: () => Promise<M>): Promise<M> => {
  try {
    return await load()
  } catch (error) {
    return cannotRun(
      `the dev dependency ${name} is missing or broken (${error instanceof Error ? error.message : String(error)}); run npm install`
    )
  }
}

/** The machine the numbers came from. */
export const machine = async (): Promise<string> => {
  const { readFileSync } = await import("node:fs")
  const { availableParallelism } = await import("node:os")
  let cpu = "unknown CPU"
  try {
    cpu = /model name\s*:\s*(.+)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1]?.trim() ?? cpu
  } catch {
    // Not Linux: the CPU model stays unknown.
  }
  return `node ${process.version}, ${availableParallelism()} CPUs (${cpu}), ${process.platform}/${process.arch}`
}
