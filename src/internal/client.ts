/**
 * The client behind `ClerkClient`: one call is build → send (with timeout) → read, retried by the policy,
 * inside a span named after the operation.
 */
import * as Chunk from "effect/Chunk"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { identity } from "effect/Function"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type { ClerkClientService, ConfigOptions, Options } from "../ClerkClient.js"
import { ClerkDecodeError, type ClerkError, ClerkRequestError, type CommonError, type ErrorOfStatus, type KnownStatus } from "../ClerkError.js"
import * as Retry from "../Retry.js"
import type * as Operation from "./operation.js"
import { handOver } from "./handover.js"
import * as Request from "./request.js"
import * as Response from "./response.js"
import * as RetrySchedule from "./retry.js"
import { CurrentSecretKey } from "./secretKey.js"

/** @internal */
export const DEFAULT_API_URL = "https://api.clerk.com/v1"
/** The version this SDK was generated from. */
export const DEFAULT_API_VERSION = "2026-05-12"
/** Kept in step with package.json by a test. */
export const VERSION = "0.1.0"
const DEFAULT_PAGE_SIZE = 100

// Never echo a URL: Clerk's query strings hold emails and phone numbers.
const withoutUrls = (text: string): string => text.replace(/[a-z][a-z0-9+.-]*:\/\/\S+/gi, "<url>")

const transportError = (operation: Operation.Any, error: HttpClientError.HttpClientError): ClerkRequestError => {
  const cause = error.cause instanceof Error ? error.cause : undefined
  const code = cause !== undefined && cause.cause instanceof Error && "code" in cause.cause
    ? ` (${String(cause.cause.code)})`
    : ""
  return new ClerkRequestError({
    operation: operation.name,
    route: Response.route(operation),
    reason: error._tag === "RequestError" && error.reason === "Encode" ? "Encode" : "Transport",
    description: withoutUrls(`${error.reason}${cause === undefined ? "" : `: ${cause.message}`}${code}`)
  })
}

const repeatedPage = (operation: Operation.Any, parameter: string) =>
  new ClerkDecodeError({
    operation: operation.name,
    route: Response.route(operation),
    status: 200,
    path: "$",
    description: `the page repeats the previous one: the server ignored ${parameter}`
  })

const timeoutError = (operation: Operation.Any, timeout: Duration.Duration) =>
  new ClerkRequestError({
    operation: operation.name,
    route: Response.route(operation),
    reason: "Timeout",
    description: `no answer within ${Duration.format(timeout)}`
  })

const numberField = (input: unknown, key: string): number | undefined =>
  typeof input === "object" && input !== null && key in input && typeof Reflect.get(input, key) === "number"
    ? Reflect.get(input, key)
    : undefined

const stringField = (input: unknown, key: string): string | undefined => {
  const value = typeof input === "object" && input !== null ? Reflect.get(input, key) : undefined
  return typeof value === "string" ? value : undefined
}

/** The cursor needs `created_at` ordering; any other order falls back to offsets. */
const usesCursor = (input: unknown): boolean => {
  const orderBy = stringField(input, "orderBy")
  return orderBy === undefined || /^[+-]?created_at$/.test(orderBy)
}

const fields = (input: unknown): object => typeof input === "object" && input !== null ? input : {}

type PageState = {
  readonly offset: number
  readonly startingAfter: string | undefined
  /** The id of the previous page's first item, when items have ids. */
  readonly firstId: string | undefined
}

export const make = (options: Options): Effect.Effect<ClerkClientService, never, HttpClient.HttpClient> =>
  Effect.map(HttpClient.HttpClient, (base) => {
    const apiUrl = (options.apiUrl ?? DEFAULT_API_URL).replace(/\/+$/, "")
    const headers = {
      "clerk-api-version": options.apiVersion ?? DEFAULT_API_VERSION,
      "user-agent": options.userAgent ?? `effect-clerk/${VERSION}`,
      accept: "application/json"
    }
    const http = base.pipe(
      HttpClient.mapRequest((request) =>
        request.pipe(
          HttpClientRequest.prependUrl(apiUrl),
          // A call run under `withSecretKey` comes with its own.
          request.headers["authorization"] === undefined ? HttpClientRequest.bearerToken(options.secretKey) : identity,
          HttpClientRequest.setHeaders(headers)
        )
      ),
      // Clerk gains nothing from our trace context, and the platform's own span records the full URL
      // (emails in query strings): the operation's span below replaces it.
      HttpClient.withTracerPropagation(false),
      HttpClient.withTracerDisabledWhen(() => true)
    )
    const timeout = Duration.decode(options.timeout ?? "30 seconds")
    const layerPolicy: Retry.Policy = options.retry ?? {}

    const run = <I, A, S extends KnownStatus>(
      operation: Operation.Operation<I, A, S>,
      input: unknown
    ): Effect.Effect<A, ErrorOfStatus<S> | CommonError> => {
      const call = Effect.flatMap(Effect.zip(Request.build(operation, input), CurrentSecretKey), ([built, key]) => {
        const request = Option.isSome(key) ? HttpClientRequest.bearerToken(built, key.value) : built
        let attempts = 0
        let status: number | undefined
        const attempt = Effect.suspend(() => {
          attempts++
          // The timeout bounds the exchange; the decoding comes after, on this fiber. The timeout runs the exchange
          // in a forked fiber, which keeps its result: the reply is handed over (`handover.ts`).
          const exchange = http.execute(request).pipe(
            Effect.mapError((error) => transportError(operation, error)),
            Effect.flatMap((response) => {
              status = response.status
              return Response.readReply(operation, response)
            })
          )
          return handOver(
            exchange,
            Effect.timeoutFail({ duration: timeout, onTimeout: () => timeoutError(operation, timeout) })
          ).pipe(
            Effect.flatMap((reply) => Response.interpret(operation, operation.success, reply)),
            Effect.tapError((error: ClerkError) =>
              Effect.logDebug(`clerk: ${operation.name} attempt ${attempts} failed: ${error._tag}`)
            )
          )
        })
        return Effect.flatMap(Retry.CurrentPolicy, (override) => {
          const schedule = RetrySchedule.schedule(Option.getOrElse(override, () => layerPolicy), operation.method)
          return schedule === undefined ? attempt : Effect.retry(attempt, schedule)
        }).pipe(
          Effect.tapBoth({
            onFailure: (error) => annotate(attempts, status, error),
            onSuccess: () => annotate(attempts, status, undefined)
          })
        )
      })
      // The one assertion of the client: `Response.read` answers a status the operation does not declare
      // (beyond 401, 403 and 429) with `ClerkUnexpectedStatus`, so the status errors it can fail with are
      // exactly those of `S`; TypeScript cannot follow that through the status lookup.
      // The span keeps the exit it ends with: it sees the value in a cell (`handover.ts`).
      return handOver(call, (inCell) =>
        Effect.withSpan(inCell, `clerk.${operation.name}`, {
          kind: "client",
          // The call site would be this line for every operation: not worth an `Error` per call.
          captureStackTrace: false,
          attributes: { "clerk.operation_id": operation.operationId, "clerk.route": Response.route(operation) }
        })) as Effect.Effect<A, ErrorOfStatus<S> | CommonError>
    }

    const stream = <I, A, S extends KnownStatus>(
      operation: Operation.Operation<I, A, S>,
      input: unknown
    ): Stream.Stream<Operation.Item<A>, ErrorOfStatus<S> | CommonError> => {
      const paging = operation.paging
      if (paging === undefined) return Stream.dieMessage(`${operation.name} does not page`)
      const limit = numberField(input, "limit") ?? DEFAULT_PAGE_SIZE
      const cursor = paging.cursor !== undefined && usesCursor(input) ? paging.cursor : undefined
      const initial: PageState = { offset: 0, startingAfter: undefined, firstId: undefined }
      return Stream.paginateChunkEffect(initial, (state) => {
        const position = cursor === undefined
          ? { offset: state.offset }
          : state.startingAfter === undefined
          ? {}
          : { startingAfter: state.startingAfter }
        return Effect.flatMap(run(operation, { ...fields(input), ...position, limit }), (page) => {
          const items = paging.items(page)
          const offset = state.offset + items.length
          const total = paging.total?.(page)
          const last = items[items.length - 1]
          const firstId = stringField(items[0], "id")
          // A server (or a cache in front of it) that ignores `offset`/`starting_after` answers the same full
          // page forever: a stream that would never end fails instead.
          if (firstId !== undefined && firstId === state.firstId) {
            return Effect.fail(repeatedPage(operation, cursor === undefined ? "offset" : "starting_after"))
          }
          const done = items.length < limit || last === undefined || (total !== undefined && offset >= total)
          return Effect.succeed(
            [
              Chunk.fromIterable(items),
              done ? Option.none() : Option.some({ offset, startingAfter: cursor?.(last), firstId })
            ] as const
          )
        })
      })
    }

    return {
      execute: (operation, input) => run(operation, input),
      stream: (operation, input) => stream(operation, input)
    }
  })

const annotate = (attempts: number, status: number | undefined, error: ClerkError | undefined) =>
  Effect.annotateCurrentSpan({
    "clerk.attempts": attempts,
    ...(status === undefined ? {} : { "http.response.status_code": status }),
    ...(error === undefined ? {} : { "clerk.error": error._tag }),
    ...(error !== undefined && "clerkTraceId" in error && error.clerkTraceId !== undefined
      ? { "clerk.trace_id": error.clerkTraceId }
      : {})
  })

const optional = <A>(config: Config.Config<A> | undefined): Config.Config<A | undefined> =>
  config ?? Config.succeed(undefined)

/**
 * Reads the options from `Config`, with the environment as the default for each.
 */
export const makeFromConfig = (
  options: ConfigOptions
): Effect.Effect<ClerkClientService, ConfigError.ConfigError, HttpClient.HttpClient> =>
  Effect.flatMap(
    Config.all({
      secretKey: options.secretKey ?? Config.redacted(Config.nonEmptyString("CLERK_SECRET_KEY")),
      apiUrl: options.apiUrl ?? Config.string("CLERK_API_URL").pipe(Config.withDefault(DEFAULT_API_URL)),
      apiVersion: options.apiVersion ??
        Config.string("CLERK_API_VERSION").pipe(Config.withDefault(DEFAULT_API_VERSION)),
      userAgent: optional(options.userAgent),
      timeout: optional(options.timeout)
    }),
    (config) =>
      make({
        secretKey: config.secretKey,
        apiUrl: config.apiUrl,
        apiVersion: config.apiVersion,
        userAgent: config.userAgent,
        timeout: config.timeout,
        retry: options.retry
      })
  )
