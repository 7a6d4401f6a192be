/**
 * A tracer and a logger that keep everything they are given, so tests can assert what reached telemetry.
 */
import * as Effect from "effect/Effect"
import type * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Tracer from "effect/Tracer"

export interface RecordedSpan {
  readonly name: string
  readonly attributes: Map<string, unknown>
  readonly kind: Tracer.SpanKind
  /** What the span ended with, as a span keeps it. */
  exit?: Exit.Exit<unknown, unknown>
}

export const makeTelemetry = () => {
  const spans: Array<RecordedSpan> = []
  const logs: Array<string> = []
  let ids = 0
  const tracer = Tracer.make({
    span(name, parent, context, links, startTime, kind, options) {
      const attributes = new Map<string, unknown>(Object.entries(options?.attributes ?? {}))
      const recorded: RecordedSpan = { name, attributes, kind }
      spans.push(recorded)
      const id = String(++ids)
      const span: Tracer.Span = {
        _tag: "Span",
        name,
        spanId: id,
        traceId: "trace",
        parent,
        context,
        status: { _tag: "Started", startTime },
        attributes,
        links,
        sampled: true,
        kind,
        end: (_endTime, exit) => void (recorded.exit = exit),
        attribute: (key, value) => void attributes.set(key, value),
        event: (event, _time, eventAttributes) => void logs.push(`${event} ${JSON.stringify(eventAttributes ?? {})}`),
        addLinks: () => undefined
      }
      return span
    },
    context: (f) => f()
  })
  const logger = Logger.make(({ message, annotations }) => {
    logs.push(`${JSON.stringify(message)} ${JSON.stringify(Object.fromEntries(annotations))}`)
  })
  const layer = Layer.mergeAll(
    Layer.setTracer(tracer),
    Logger.add(logger),
    Logger.minimumLogLevel(LogLevel.All)
  )
  const everything = () =>
    [...logs, ...spans.flatMap((s) => [s.name, ...[...s.attributes].map(([k, v]) => `${k}=${String(v)}`)])].join("\n")
  return { spans, logs, layer, everything }
}

export const withTelemetry = <A, E, R>(telemetry: ReturnType<typeof makeTelemetry>, effect: Effect.Effect<A, E, R>) =>
  Effect.provide(effect, telemetry.layer)

