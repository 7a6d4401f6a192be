/**
 * The offline Clerk's engine: one world in a `SynchronizedRef`, and the handler that routes a request,
 * runs it as one transaction against that world, and answers as Clerk would. Requests are serialised by
 * the ref, so concurrent fibers never lose a write; a failed request leaves the world as it was; a defect
 * in a route becomes a 500 rather than crashing the caller. A committed transaction's webhook events are
 * published inside the same critical section, so subscribers see them in commit order.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Ref from "effect/Ref"
import * as SynchronizedRef from "effect/SynchronizedRef"
import type * as Faults from "../Faults.js"
import * as Errors from "./errors.js"
import * as Events from "./events.js"
import * as Ids from "./ids.js"
import * as Model from "./model.js"
import * as Router from "./router.js"
import { Signer, type SignerService } from "./signer.js"
import { Tx } from "./tx.js"
import type * as Webhooks from "./webhooks.js"

/** A request, as the handler sees it. */
export interface ApiRequest {
  readonly method: string
  /** The path without the `/v1` prefix: `/users/user_2x…`. */
  readonly path: string
  readonly query: URLSearchParams
  /** Parsed JSON, a `FormData` for multipart uploads, or `undefined` for none. */
  readonly body: unknown
  /** When given, `authorization` must carry a secret key (`Bearer sk_test_…`), or the answer is a 401. */
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** The caller's address, when it came over a socket: reported in the webhooks' `event_attributes`. */
  readonly clientIp?: string | undefined
}

/**
 * A body that could not be read (JSON that does not parse, a streamed body): Clerk answers 400. The adapters
 * (the `HttpClient`, the local server) put it in `ApiRequest.body` so the answer is made in one place.
 */
export class MalformedBody {
  readonly _tag = "MalformedBody"
  constructor(readonly reason: string) {}
}

/** An answer: a status, headers, and a JSON body (`undefined` for none). */
export interface ApiResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: unknown
}

/** One request the handler answered, for tests that assert what an application called. */
export interface LoggedRequest {
  readonly method: string
  readonly path: string
  /** The spec's operationId, when the path matched one. */
  readonly operationId: string | undefined
  /** The status answered; 0 when no answer came (a timeout or a connection reset fault). */
  readonly status: number
  /** The fault injected into this request, if any. */
  readonly fault?: Faults.Fault["_tag"] | undefined
}

export interface Options {
  readonly seed: number
  readonly instanceId: string
  readonly restrictions: Model.Restrictions
  readonly routes: Router.Routes
  readonly signer: SignerService
  /** Receives the webhook events of every commit, in commit order. Must not fail. */
  readonly publish: (
    events: ReadonlyArray<Events.Event>,
    now: number,
    origin: Webhooks.Origin | undefined
  ) => Effect.Effect<void>
}

export interface HandleOptions {
  /** Answer as the request would be answered, but keep nothing: the world and the webhooks stay as they were. */
  readonly dryRun?: boolean | undefined
  /** The fault the request met, for the log. */
  readonly fault?: Faults.Fault["_tag"] | undefined
}

export interface TransactOptions {
  readonly dryRun?: boolean | undefined
  /** The request behind the transaction, for the webhooks; `undefined` for seeding. */
  readonly origin?: Webhooks.Origin | undefined
}

export interface Engine {
  readonly handle: (request: ApiRequest, options?: HandleOptions) => Effect.Effect<ApiResponse>
  /** Runs `f` as one transaction: its writes commit when it succeeds and vanish when it fails. */
  readonly transact: <A>(
    f: (tx: Tx) => Effect.Effect<A, Errors.ApiFailure, Signer>,
    options?: TransactOptions
  ) => Effect.Effect<A, Errors.ApiFailure>
  /** Clerk's error answer for a failure, with a fresh trace id. */
  readonly failure: (error: Errors.ApiFailure) => Effect.Effect<ApiResponse>
  /** Logs a request that never reached the handler (a fault answered it). */
  readonly record: (entry: LoggedRequest) => Effect.Effect<void>
  readonly world: Effect.Effect<Model.World>
  readonly requests: Effect.Effect<ReadonlyArray<LoggedRequest>>
}

/** The log keeps the latest requests only, so a long-running local server does not grow without bound. */
const MAX_LOGGED = 1_000

const SECRET_KEY = /^Bearer sk_(test|live)_\S+$/
const MACHINE_KEY = /^Bearer ak_\S+$/

/** The operations a machine authenticates to with its own secret key; the routes check which machine. */
const MACHINE_OPERATIONS: ReadonlySet<string> = new Set(["createM2MToken", "getM2MTokens", "revokeM2MToken", "verifyM2MToken"])

const internalError = (defect: unknown) =>
  new Errors.ApiFailure({
    status: 500,
    errors: [{
      code: "internal_clerk_error",
      message: "Something went wrong",
      long_message: `The offline Clerk failed: ${defect instanceof Error ? defect.message : String(defect)}`
    }]
  })

const json = { "content-type": "application/json" }

export const make = (options: Options): Effect.Effect<Engine> =>
  Effect.gen(function*() {
    const ref = yield* SynchronizedRef.make(Model.empty(options.instanceId, options.restrictions))
    const log = yield* Ref.make<ReadonlyArray<LoggedRequest>>([])
    const traces = yield* Ref.make(0)

    const transact = <A>(
      f: (tx: Tx) => Effect.Effect<A, Errors.ApiFailure, Signer>,
      context: TransactOptions = {}
    ): Effect.Effect<A, Errors.ApiFailure> =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        SynchronizedRef.modifyEffect(ref, (world) => {
          const tx = new Tx(world, now, options.seed)
          return f(tx).pipe(
            Effect.provideService(Signer, options.signer),
            Effect.flatMap((a) => {
              if (context.dryRun === true) return Effect.succeed([Either.right(a), world] as const)
              // Computed after the route succeeded and before the next request can run: a defect here is
              // caught below like one in the route, and the write does not commit.
              const events = Events.of(world, tx)
              return Effect.as(
                options.publish(events, now, context.origin),
                [Either.right<A>(a), tx.world] as const
              )
            }),
            Effect.map((result): readonly [Either.Either<A, Errors.ApiFailure>, Model.World] => result),
            Effect.catchAll((failure) => Effect.succeed([Either.left(failure), world] as const)),
            Effect.catchAllDefect((defect) => Effect.succeed([Either.left(internalError(defect)), world] as const))
          )
        })).pipe(Effect.flatMap((result) => result))

    const failure = (error: Errors.ApiFailure): Effect.Effect<ApiResponse> =>
      Effect.map(Ref.getAndUpdate(traces, (n) => n + 1), (n) => {
        const traceId = Ids.traceId(options.seed, n)
        return {
          status: error.status,
          headers: { ...json, "clerk-trace-id": traceId },
          body: { errors: error.errors, clerk_trace_id: traceId }
        }
      })

    const route = (
      request: ApiRequest,
      match: Router.Match | undefined,
      dryRun: boolean
    ): Effect.Effect<ApiResponse> => {
      const authorization = request.headers?.["authorization"]
      const machine = match !== undefined && MACHINE_OPERATIONS.has(match.operationId) && authorization !== undefined &&
        MACHINE_KEY.test(authorization)
      if (request.headers !== undefined && !machine && (authorization === undefined || !SECRET_KEY.test(authorization))) {
        return failure(Errors.unauthenticated())
      }
      if (match === undefined) return failure(Errors.noSuchOperation(request.method, request.path))
      if (request.body instanceof MalformedBody) {
        return failure(Errors.badRequest("malformed_request", `The request body could not be read: ${request.body.reason}.`))
      }
      const handler = options.routes[match.operationId]
      if (handler === undefined) {
        return failure(Errors.notImplemented(match.operationId, match.method, match.template))
      }
      const routeRequest = { params: match.params, query: request.query, body: request.body, authorization }
      const origin = { clientIp: request.clientIp, userAgent: request.headers?.["user-agent"] }
      return transact((tx) => handler(routeRequest, tx), { dryRun, origin }).pipe(
        Effect.map((reply): ApiResponse => ({
          status: reply.status,
          headers: reply.body === undefined ? {} : json,
          body: reply.body
        })),
        Effect.catchAll(failure)
      )
    }

    const record = (entry: LoggedRequest) => Ref.update(log, (entries) => [...entries.slice(-(MAX_LOGGED - 1)), entry])

    const handle = (request: ApiRequest, handleOptions: HandleOptions = {}): Effect.Effect<ApiResponse> => {
      const method = request.method.toUpperCase()
      const match = Router.match(method, request.path)
      return Effect.tap(route({ ...request, method }, match, handleOptions.dryRun === true), (response) =>
        record({
          method,
          path: request.path,
          operationId: match?.operationId,
          status: response.status,
          ...(handleOptions.fault === undefined ? {} : { fault: handleOptions.fault })
        }))
    }

    return { handle, transact, failure, record, world: SynchronizedRef.get(ref), requests: Ref.get(log) }
  })
