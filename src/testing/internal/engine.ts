/**
 * The offline Clerk's engine: one world in a `SynchronizedRef`, and the handler that routes a request,
 * runs it as one transaction against that world, and answers as Clerk would. Requests are serialised by
 * the ref, so concurrent fibers never lose a write; a failed request leaves the world as it was; a defect
 * in a route becomes a 500 rather than crashing the caller.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Ref from "effect/Ref"
import * as SynchronizedRef from "effect/SynchronizedRef"
import * as Errors from "./errors.js"
import * as Ids from "./ids.js"
import * as Model from "./model.js"
import * as Router from "./router.js"
import { Signer, type SignerService } from "./signer.js"
import { Tx } from "./tx.js"

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
  readonly status: number
}

export interface Options {
  readonly seed: number
  readonly instanceId: string
  readonly restrictions: Model.Restrictions
  readonly routes: Router.Routes
  readonly signer: SignerService
}

export interface Engine {
  readonly handle: (request: ApiRequest) => Effect.Effect<ApiResponse>
  /** Runs `f` as one transaction: its writes commit when it succeeds and vanish when it fails. */
  readonly transact: <A>(
    f: (tx: Tx) => Effect.Effect<A, Errors.ApiFailure, Signer>
  ) => Effect.Effect<A, Errors.ApiFailure>
  readonly world: Effect.Effect<Model.World>
  readonly requests: Effect.Effect<ReadonlyArray<LoggedRequest>>
}

/** The log keeps the latest requests only, so a long-running local server does not grow without bound. */
const MAX_LOGGED = 1_000

const SECRET_KEY = /^Bearer sk_(test|live)_\S+$/

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
      f: (tx: Tx) => Effect.Effect<A, Errors.ApiFailure, Signer>
    ): Effect.Effect<A, Errors.ApiFailure> =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        SynchronizedRef.modifyEffect(ref, (world) => {
          const tx = new Tx(world, now, options.seed)
          return f(tx).pipe(
            Effect.provideService(Signer, options.signer),
            Effect.map((a): readonly [Either.Either<A, Errors.ApiFailure>, Model.World] => [Either.right(a), tx.world]),
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

    const route = (request: ApiRequest, match: Router.Match | undefined): Effect.Effect<ApiResponse> => {
      const authorization = request.headers?.["authorization"]
      if (request.headers !== undefined && (authorization === undefined || !SECRET_KEY.test(authorization))) {
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
      const routeRequest = { params: match.params, query: request.query, body: request.body }
      return transact((tx) => handler(routeRequest, tx)).pipe(
        Effect.map((reply): ApiResponse => ({
          status: reply.status,
          headers: reply.body === undefined ? {} : json,
          body: reply.body
        })),
        Effect.catchAll(failure)
      )
    }

    const handle = (request: ApiRequest): Effect.Effect<ApiResponse> => {
      const method = request.method.toUpperCase()
      const match = Router.match(method, request.path)
      return Effect.tap(route({ ...request, method }, match), (response) =>
        Ref.update(log, (entries) =>
          [...entries.slice(-(MAX_LOGGED - 1)), {
            method,
            path: request.path,
            operationId: match?.operationId,
            status: response.status
          }]))
    }

    return { handle, transact, world: SynchronizedRef.get(ref), requests: Ref.get(log) }
  })
