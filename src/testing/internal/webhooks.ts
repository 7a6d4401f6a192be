/**
 * The offline Clerk's webhooks: each event of a committed request is wrapped in Clerk's envelope, given its
 * message id and timestamp, kept (the latest 1,000), published to a `PubSub` for the streams, and, when a URL
 * is given, POSTed there by one background fiber in order, with bounded retries. A delivery that fails is
 * recorded and dropped: the offline Clerk itself never fails because a receiver did.
 *
 * Signing (`Webhooks.sign`, WebCrypto's HMAC) happens when a webhook is read, not when it is made. WebCrypto
 * answers on another thread; inside the request it would leave the request's fiber waiting on a promise that
 * `TestClock` counts as suspended, so a test that adjusts the clock past the SDK's timeout could see a
 * request time out at random. The id, timestamp and body are fixed at commit, so every reading signs the
 * same bytes to the same signature.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as PubSub from "effect/PubSub"
import * as Queue from "effect/Queue"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
// The signer behind `Webhooks.sign`, imported from its own module so the testing entry does not pull in the
// verifier and every event schema.
import * as Signing from "../../internal/webhooks/sign.js"
import type * as Events from "./events.js"
import * as Ids from "./ids.js"

/**
 * One webhook the offline Clerk sent: the event and the signed request that carries it. `headers` and
 * `body` verify with `Webhooks.verify` under the instance's signing secret.
 */
export interface SignedWebhook {
  /** The Svix message id (`svix-id`): `msg_…`. */
  readonly id: string
  /** `user.created`, `organizationMembership.deleted`, … */
  readonly type: string
  /** When the change was committed, unix milliseconds (the envelope's `timestamp`). */
  readonly timestamp: number
  /** The envelope as sent: `{ data, object: "event", type, timestamp, instance_id, event_attributes }`. */
  readonly event: Readonly<Record<string, unknown>>
  /** `svix-id`, `svix-timestamp`, `svix-signature`, and `content-type`. */
  readonly headers: Readonly<Record<string, string>>
  /** The JSON body, exactly as signed. */
  readonly body: string
}

/** A webhook as made at commit, before it is signed. */
type Unsigned = Omit<SignedWebhook, "headers">

/** What became of one webhook POSTed to the configured URL. */
export interface Delivery {
  readonly id: string
  readonly type: string
  readonly attempts: number
  /** The receiver's last status, if it answered at all. */
  readonly status: number | undefined
  readonly delivered: boolean
  /** Why the last attempt failed, when it did. */
  readonly error: string | undefined
}

/** Where a change came from: the request's client, for `event_attributes.http_request`. */
export interface Origin {
  readonly clientIp?: string | undefined
  readonly userAgent?: string | undefined
}

export interface Options {
  readonly secret: Redacted.Redacted<string>
  readonly instanceId: string
  readonly seed: number
  readonly url: string | undefined
  readonly maxAttempts: number
  readonly attemptTimeout: Duration.DurationInput
}

export interface Hub {
  /** Signs and publishes the events of one commit. Never fails. */
  readonly publish: (
    events: ReadonlyArray<Events.Event>,
    now: number,
    origin: Origin | undefined
  ) => Effect.Effect<void>
  readonly stream: Stream.Stream<SignedWebhook>
  readonly subscribe: Effect.Effect<Stream.Stream<SignedWebhook>, never, Scope.Scope>
  readonly emitted: Effect.Effect<ReadonlyArray<SignedWebhook>>
  readonly deliveries: Effect.Effect<ReadonlyArray<Delivery>>
}

const MAX_KEPT = 1_000

/** Seeding has no HTTP request; its events say they came from the test itself. */
const SEED_ORIGIN: Origin = { clientIp: "127.0.0.1", userAgent: "effect-clerk/testing" }

/** A URL the offline Clerk may POST to: plain HTTP on the loopback address, nothing that leaves the machine. */
export const checkUrl = (url: string): string | undefined => {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return `webhooks.url is not a URL: ${url}`
  }
  return parsed.protocol === "http:" && parsed.hostname === "127.0.0.1"
    ? undefined
    : "webhooks.url must be an http://127.0.0.1:<port>/… URL: the offline Clerk never sends anything off the machine"
}

class DeliveryFailure {
  readonly _tag = "DeliveryFailure"
  constructor(readonly message: string, readonly status: number | undefined) {}
}

const post = (url: string, webhook: SignedWebhook, timeout: Duration.DurationInput) =>
  Effect.tryPromise({
    try: async (signal) => {
      const response = await fetch(url, {
        method: "POST",
        headers: { ...webhook.headers, "user-agent": "Svix-Webhooks/1.0 (effect-clerk offline)" },
        body: webhook.body,
        signal
      })
      // Drain the body so the connection is released.
      await response.arrayBuffer()
      return response.status
    },
    catch: (cause) => new DeliveryFailure(cause instanceof Error ? cause.message : String(cause), undefined)
  }).pipe(
    Effect.timeoutFail({
      duration: timeout,
      onTimeout: () => new DeliveryFailure(`no answer within ${Duration.format(Duration.decode(timeout))}`, undefined)
    }),
    Effect.filterOrFail(
      (status) => status >= 200 && status < 300,
      (status) => new DeliveryFailure(`the receiver answered ${status}`, status)
    )
  )

export const make = (options: Options): Effect.Effect<Hub, never, Scope.Scope> =>
  Effect.gen(function*() {
    const pubsub = yield* Effect.acquireRelease(PubSub.unbounded<Unsigned>(), PubSub.shutdown)
    const kept = yield* Ref.make<ReadonlyArray<Unsigned>>([])
    const deliveries = yield* Ref.make<ReadonlyArray<Delivery>>([])
    const counter = yield* Ref.make(0)

    const envelope = (event: Events.Event, now: number, origin: Origin, n: number): Unsigned => {
      const event_ = {
        data: event.data,
        object: "event",
        type: event.type,
        timestamp: now,
        instance_id: options.instanceId,
        event_attributes: {
          http_request: { client_ip: origin.clientIp ?? "127.0.0.1", user_agent: origin.userAgent ?? "" }
        }
      }
      return {
        id: Ids.make("msg", options.seed ^ 0x3c6ef372, n, now),
        type: event.type,
        timestamp: now,
        event: event_,
        body: JSON.stringify(event_)
      }
    }

    // The secret was checked when the hub was made, so signing cannot fail.
    const sign = (unsigned: Unsigned): Effect.Effect<SignedWebhook> =>
      Signing.sign({
        secret: options.secret,
        id: unsigned.id,
        timestamp: Math.floor(unsigned.timestamp / 1000),
        body: unsigned.body
      }).pipe(
        Effect.map((signed): SignedWebhook => ({
          ...unsigned,
          headers: { ...signed.headers, "content-type": "application/json" },
          body: signed.body
        })),
        Effect.orDie
      )

    // Synchronous from start to end: it runs inside the request's commit.
    const publish = (events: ReadonlyArray<Events.Event>, now: number, origin: Origin | undefined) =>
      events.length === 0 ? Effect.void : Effect.gen(function*() {
        const first = yield* Ref.getAndUpdate(counter, (n) => n + events.length)
        const made = events.map((event, i) => envelope(event, now, origin ?? SEED_ORIGIN, first + i))
        yield* Ref.update(kept, (all) => [...all, ...made].slice(-MAX_KEPT))
        yield* PubSub.publishAll(pubsub, made)
      })

    if (options.url !== undefined) {
      const url = options.url
      const inbox = yield* PubSub.subscribe(pubsub)
      const deliver = (unsigned: Unsigned) =>
        Effect.gen(function*() {
          const webhook = yield* sign(unsigned)
          let attempts = 0
          const attempt = Effect.suspend(() => {
            attempts++
            return post(url, webhook, options.attemptTimeout)
          })
          const outcome = yield* Effect.either(Effect.retry(
            attempt,
            Schedule.exponential("200 millis").pipe(Schedule.intersect(Schedule.recurs(options.maxAttempts - 1)))
          ))
          const record: Delivery = outcome._tag === "Right"
            ? { id: webhook.id, type: webhook.type, attempts, status: outcome.right, delivered: true, error: undefined }
            : {
              id: webhook.id,
              type: webhook.type,
              attempts,
              status: outcome.left.status,
              delivered: false,
              error: outcome.left.message
            }
          if (!record.delivered) {
            yield* Effect.logWarning(`offline Clerk: webhook ${webhook.type} (${webhook.id}) not delivered: ${record.error}`)
          }
          yield* Ref.update(deliveries, (all) => [...all, record].slice(-MAX_KEPT))
        }).pipe(Effect.catchAllCause((cause) => Effect.logWarning("offline Clerk: webhook delivery failed", cause)))
      yield* Effect.forkScoped(Effect.forever(Effect.flatMap(Queue.take(inbox), deliver)))
    }

    return {
      publish,
      stream: Stream.mapEffect(Stream.fromPubSub(pubsub), sign),
      subscribe: Effect.map(PubSub.subscribe(pubsub), (queue) => Stream.mapEffect(Stream.fromQueue(queue), sign)),
      emitted: Effect.flatMap(Ref.get(kept), (all) => Effect.forEach(all, sign)),
      deliveries: Ref.get(deliveries)
    }
  })

/** Checks a signing secret by signing nothing with it: `whsec_` and base64, as Clerk's are. */
export const checkSecret = (secret: Redacted.Redacted<string>): Effect.Effect<Option.Option<string>> =>
  Signing.sign({ secret, body: "", id: "msg_check", timestamp: 0 }).pipe(
    Effect.as(Option.none()),
    Effect.catchAll((error) => Effect.succeed(Option.some(`webhooks.signingSecret is not a Clerk signing secret: ${error.reason}`)))
  )

/** The signing secret the offline Clerk uses unless told otherwise: fixed, so a receiver is configured once. */
export const DEFAULT_SECRET: Redacted.Redacted<string> = Redacted.make(
  `whsec_${btoa("effect-clerk offline webhook secret")}`
)
