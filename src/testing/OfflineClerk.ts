/**
 * The offline Clerk: an in-memory Backend API. `handle` answers a request the way Clerk would, over state
 * that lives in the service (each build of the layer is a fresh, empty instance); the seeding and
 * inspection methods let a test set up and look at that state without going through HTTP.
 *
 * The same handler backs `ClerkTest`'s `HttpClient`, and is served over HTTP by `OfflineServer.serve`.
 *
 * Every state change it makes emits the webhook Clerk would send (`user.created`, `organization.updated`,
 * `organizationMembership.deleted`, `session.created`, `email.created`, …), signed with a test secret: read
 * them from `webhooks`, `subscribeWebhooks` or `emittedWebhooks`, or have them POSTed to a local URL. Faults
 * (`Faults`) make it answer as Clerk does on a bad day.
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import type * as Stream from "effect/Stream"
import type { JWK } from "jose"
import type * as Faults from "./Faults.js"
import * as Engine from "./internal/engine.js"
import type * as Errors from "./internal/errors.js"
import * as Exchange from "./internal/exchange.js"
import * as FaultInjector from "./internal/faults.js"
import * as Model from "./internal/model.js"
import * as Organizations from "./internal/organizations.js"
import * as Router from "./internal/router.js"
import * as Serialize from "./internal/serialize.js"
import * as Sessions from "./internal/sessions.js"
import * as SessionTokens from "./internal/sessionTokens.js"
import * as Signer from "./internal/signer.js"
import type { Tx } from "./internal/tx.js"
import * as Users from "./internal/users.js"
import * as Webhooks from "./internal/webhooks.js"
import { routes } from "./routes/index.js"

/**
 * A request as the handler takes it: the method, the path without `/v1`, the query, and the body (parsed
 * JSON, a `FormData`, or `undefined`).
 *
 * @since 0.1.0
 * @category models
 */
export type ApiRequest = Engine.ApiRequest

/**
 * @since 0.1.0
 * @category models
 */
export type ApiResponse = Engine.ApiResponse

/**
 * @since 0.1.0
 * @category models
 */
export type LoggedRequest = Engine.LoggedRequest

/**
 * A request as the wire answers it, faults included: a response with its body as text, or a dropped
 * connection. (An answer that never comes is an `exchange` that never completes.)
 *
 * @since 0.1.0
 * @category models
 */
export type ExchangeResult = Exchange.Exchange

/**
 * A webhook the offline Clerk sent: `type`, the envelope as `event`, and `headers` + `body` signed as Svix
 * signs them, ready for `Webhooks.verify`.
 *
 * @since 0.1.0
 * @category models
 */
export type SignedWebhook = Webhooks.SignedWebhook

/**
 * What became of a webhook POSTed to `webhooks.url`.
 *
 * @since 0.1.0
 * @category models
 */
export type WebhookDelivery = Webhooks.Delivery

/**
 * A body that could not be read; the handler answers it with a 400.
 *
 * @since 0.1.0
 * @category models
 */
export const MalformedBody = Engine.MalformedBody

/**
 * A Backend API object in wire format (snake_case JSON), as `GET` would return it.
 *
 * @since 0.1.0
 * @category models
 */
export type Json = Serialize.Json

/**
 * A wire object with its id: what the seeding methods return.
 *
 * @since 0.1.0
 * @category models
 */
export type Wire = Serialize.Wire

/**
 * The instance's restriction settings (`PATCH /instance/restrictions`). Off by default, as on a new Clerk
 * instance: enable `allowlist` or `blocklist` for user creation to check the lists.
 *
 * @since 0.1.0
 * @category models
 */
export interface Restrictions extends Model.Restrictions {}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Seeds the id generator: the same seed and the same requests make the same ids. Default `1`. */
  readonly seed?: number | undefined
  /** Default `ins_offline`. */
  readonly instanceId?: string | undefined
  readonly restrictions?: Partial<Restrictions> | undefined
  /** The `iss` of the tokens it mints. Default `https://offline.clerk.accounts.dev`. */
  readonly issuer?: string | undefined
  readonly webhooks?: WebhookOptions | undefined
  /** Faults to inject from the start; `setFaults` changes them later. None by default. */
  readonly faults?: Faults.Options | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface WebhookOptions {
  /** `whsec_…`; default `ClerkTest.webhookSecret`, a fixed test secret. */
  readonly signingSecret?: string | Redacted.Redacted<string> | undefined
  /**
   * POST every webhook here, in order, as Svix would: `http://127.0.0.1:<port>/…` only. A receiver that fails
   * is retried (`maxAttempts`) and then skipped; the offline Clerk carries on either way.
   */
  readonly url?: string | undefined
  /** Attempts per webhook, the first included; default 3. */
  readonly maxAttempts?: number | undefined
  /** How long one attempt may take; default 5 seconds. */
  readonly attemptTimeout?: Duration.DurationInput | undefined
}

/**
 * A user to seed. Identifiers are verified unless listed in `reserved…`; timestamps are unix milliseconds
 * and default to the clock's now.
 *
 * @since 0.1.0
 * @category models
 */
export interface SeedUser {
  readonly id?: string | undefined
  readonly emailAddress?: string | ReadonlyArray<string> | undefined
  readonly phoneNumber?: string | ReadonlyArray<string> | undefined
  readonly web3Wallet?: string | ReadonlyArray<string> | undefined
  readonly username?: string | undefined
  readonly password?: string | undefined
  readonly firstName?: string | undefined
  readonly lastName?: string | undefined
  readonly externalId?: string | undefined
  readonly locale?: string | undefined
  readonly publicMetadata?: Record<string, unknown> | undefined
  readonly privateMetadata?: Record<string, unknown> | undefined
  readonly unsafeMetadata?: Record<string, unknown> | undefined
  readonly banned?: boolean | undefined
  readonly locked?: boolean | undefined
  readonly createdAt?: number | undefined
  readonly lastActiveAt?: number | undefined
  readonly lastSignInAt?: number | undefined
  /** OAuth accounts, for the `provider`/`provider_user_id` filters: `{ provider: "oauth_google", … }`. */
  readonly externalAccounts?: ReadonlyArray<{
    readonly provider: string
    readonly providerUserId: string
    readonly emailAddress?: string | undefined
  }> | undefined
}

/**
 * An organization to seed; `createdBy` becomes its first admin.
 *
 * @since 0.1.0
 * @category models
 */
export interface SeedOrganization {
  readonly id?: string | undefined
  readonly name: string
  readonly slug?: string | undefined
  readonly createdBy?: string | undefined
  readonly publicMetadata?: Record<string, unknown> | undefined
  readonly privateMetadata?: Record<string, unknown> | undefined
  /** 0 (the default) for no limit. */
  readonly maxAllowedMemberships?: number | undefined
  readonly createdAt?: number | undefined
}

/**
 * A membership to seed. `role` defaults to `org:member`.
 *
 * @since 0.1.0
 * @category models
 */
export interface SeedMembership {
  readonly organizationId: string
  readonly userId: string
  readonly role?: "org:admin" | "org:member" | undefined
  readonly publicMetadata?: Record<string, unknown> | undefined
  readonly privateMetadata?: Record<string, unknown> | undefined
}

/**
 * A session token to mint: for an existing session, or for a user (a new session is made, as `POST /sessions`
 * would, with the organization active when given).
 *
 * @since 0.1.0
 * @category models
 */
export type MintSessionToken = {
  readonly expiresInSeconds?: number | undefined
  /** `azp`: the origin the token is for. Omitted unless given. */
  readonly authorizedParty?: string | undefined
} & (
  | { readonly sessionId: string }
  | {
    readonly userId: string
    readonly organizationId?: string | undefined
    /** An impersonator (`act`): `{ sub: "user_…" }`. */
    readonly actor?: Record<string, unknown> | undefined
  }
)

/**
 * A minted token and the session it belongs to.
 *
 * @since 0.1.0
 * @category models
 */
export interface MintedSessionToken {
  readonly sessionId: string
  readonly userId: string
  readonly token: string
}

/**
 * Seeding was refused, for the reason Clerk would give (a taken email address, an unknown organization).
 *
 * @since 0.1.0
 * @category errors
 */
export class OfflineClerkError extends Data.TaggedError("OfflineClerkError")<{
  readonly status: number
  readonly code: string
  readonly message: string
}> {}

/**
 * @since 0.1.0
 * @category models
 */
export interface OfflineClerkService {
  /** Answers one Backend API request. No faults apply: see `exchange`. */
  readonly handle: (request: ApiRequest) => Effect.Effect<ApiResponse>
  /**
   * Answers one request as the wire would, with the faults in force applied: what the `HttpClient` of
   * `ClerkTest` and the local server serve.
   */
  readonly exchange: (request: ApiRequest) => Effect.Effect<ExchangeResult>
  /**
   * Adds a user directly, with `POST /users`'s uniqueness and format checks (plus a chosen id and
   * timestamps), but past the password rules and the allow-list and block-list: seeding sets state up.
   */
  readonly seedUser: (user: SeedUser) => Effect.Effect<Wire, OfflineClerkError>
  /** Adds an organization directly, with the same checks as `POST /organizations`. */
  readonly seedOrganization: (organization: SeedOrganization) => Effect.Effect<Wire, OfflineClerkError>
  /** Adds a member to an organization, with the same checks as `POST /organizations/{id}/memberships`. */
  readonly seedMembership: (membership: SeedMembership) => Effect.Effect<Wire, OfflineClerkError>
  /** Mints a v2 session token signed with the instance key, as `POST /sessions/{id}/tokens` does. */
  readonly mintSessionToken: (input: MintSessionToken) => Effect.Effect<MintedSessionToken, OfflineClerkError>
  /** The `iss` of the tokens it mints. */
  readonly issuer: string
  /** The public keys, as `GET /jwks` serves them. */
  readonly jwks: Effect.Effect<{ readonly keys: ReadonlyArray<JWK> }>
  /** Changes the instance's restriction settings. */
  readonly setRestrictions: (restrictions: Partial<Restrictions>) => Effect.Effect<Restrictions>
  /** Every user, oldest first, as `GET /users/{id}` returns them. */
  readonly users: Effect.Effect<ReadonlyArray<Wire>>
  /** Every organization, oldest first, with `members_count`. */
  readonly organizations: Effect.Effect<ReadonlyArray<Wire>>
  /** Every membership, oldest first. */
  readonly memberships: Effect.Effect<ReadonlyArray<Wire>>
  /** Every session, oldest first. */
  readonly sessions: Effect.Effect<ReadonlyArray<Wire>>
  /** Every request answered so far (the latest 1,000), oldest first. */
  readonly requests: Effect.Effect<ReadonlyArray<LoggedRequest>>
  /** The secret the webhooks are signed with, for `Webhooks.layer({ signingSecret })`. */
  readonly webhookSecret: Redacted.Redacted<string>
  /** A publishable key naming the instance's Frontend API (the issuer's host), for front-end code. */
  readonly publishableKey: string
  /** The webhooks sent from the moment the stream runs on. */
  readonly webhooks: Stream.Stream<SignedWebhook>
  /**
   * Subscribes now: the stream it returns has every webhook sent after this effect completes, however late
   * it is run. Prefer it to `webhooks` when a test forks the reader and then makes the change.
   */
  readonly subscribeWebhooks: Effect.Effect<Stream.Stream<SignedWebhook>, never, Scope.Scope>
  /** Every webhook sent so far (the latest 1,000), oldest first. */
  readonly emittedWebhooks: Effect.Effect<ReadonlyArray<SignedWebhook>>
  /** What became of each webhook POSTed to `webhooks.url`, oldest first. */
  readonly webhookDeliveries: Effect.Effect<ReadonlyArray<WebhookDelivery>>
  /**
   * Replaces the faults in force (`undefined` for none), their script counters and draws starting afresh.
   * Options that make no sense (a rate above 1) are a defect.
   */
  readonly setFaults: (faults: Faults.Options | undefined) => Effect.Effect<void>
  /** The faults injected since they were last set, oldest first. */
  readonly injectedFaults: Effect.Effect<ReadonlyArray<Faults.Injected>>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class OfflineClerk extends Context.Tag("effect-clerk/testing/OfflineClerk")<OfflineClerk, OfflineClerkService>() {}

const seedError = (failure: Errors.ApiFailure): OfflineClerkError => {
  const first = failure.errors[0]
  return new OfflineClerkError({
    status: failure.status,
    code: first?.code ?? "unknown",
    message: first?.long_message ?? "seeding failed"
  })
}

const list = (value: string | ReadonlyArray<string> | undefined): ReadonlyArray<string> =>
  value === undefined ? [] : typeof value === "string" ? [value] : value

/** `pk_test_` and the base64 of the Frontend API host with a `$`, as Clerk's publishable keys are. */
const publishableKey = (issuer: string): string => {
  let host: string
  try {
    host = new URL(issuer).host
  } catch {
    host = issuer
  }
  return `pk_test_${btoa(`${host}$`).replace(/=+$/, "")}`
}

/**
 * A fresh offline Clerk. The scope holds its webhook delivery, when `webhooks.url` is given.
 *
 * Misconfiguration is a defect when it is built: a `webhooks.url` that is not on 127.0.0.1, a signing secret
 * that is not `whsec_` and base64, fault rates outside [0, 1].
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<OfflineClerkService, never, Scope.Scope> =>
  Effect.gen(function*() {
    const instanceId = options.instanceId ?? "ins_offline"
    const seedNumber = options.seed ?? 1
    const signer = yield* Signer.make({
      kid: `ins_${instanceId.replace(/^ins_/, "")}`,
      issuer: options.issuer ?? "https://offline.clerk.accounts.dev"
    })
    const secretOption = options.webhooks?.signingSecret
    const webhookSecret = secretOption === undefined
      ? Webhooks.DEFAULT_SECRET
      : Redacted.isRedacted(secretOption)
      ? secretOption
      : Redacted.make(secretOption)
    const badSecret = yield* Webhooks.checkSecret(webhookSecret)
    if (Option.isSome(badSecret)) return yield* Effect.dieMessage(badSecret.value)
    const url = options.webhooks?.url
    const badUrl = url === undefined ? undefined : Webhooks.checkUrl(url)
    if (badUrl !== undefined) return yield* Effect.dieMessage(badUrl)
    const hub = yield* Webhooks.make({
      secret: webhookSecret,
      instanceId,
      seed: seedNumber,
      url,
      maxAttempts: Math.max(1, options.webhooks?.maxAttempts ?? 3),
      attemptTimeout: options.webhooks?.attemptTimeout ?? "5 seconds"
    })
    const engine = yield* Engine.make({
      seed: seedNumber,
      instanceId,
      restrictions: { ...Model.defaultRestrictions, ...options.restrictions },
      routes,
      signer,
      publish: hub.publish
    })
    const injector = yield* FaultInjector.make(options.faults, seedNumber)
    const seed = <A>(f: (tx: Tx) => Effect.Effect<A, Errors.ApiFailure>) =>
      Effect.mapError(engine.transact(f), seedError)

    return {
      handle: (request) => engine.handle(request),
      exchange: Exchange.make(engine, injector),
      seedUser: (user) =>
        seed((tx) =>
          Effect.map(
            Users.create(tx, {
              id: user.id,
              externalId: user.externalId,
              firstName: user.firstName,
              lastName: user.lastName,
              locale: user.locale,
              emailAddresses: list(user.emailAddress).map((value) => ({ value })),
              phoneNumbers: list(user.phoneNumber).map((value) => ({ value })),
              web3Wallets: list(user.web3Wallet),
              username: user.username,
              password: user.password === undefined ? null : { _tag: "Plain", value: user.password },
              skipPasswordChecks: true,
              skipUserRequirement: true,
              skipRestrictionChecks: true,
              publicMetadata: user.publicMetadata,
              privateMetadata: user.privateMetadata,
              unsafeMetadata: user.unsafeMetadata,
              banned: user.banned,
              locked: user.locked,
              createdAt: user.createdAt,
              lastActiveAt: user.lastActiveAt,
              lastSignInAt: user.lastSignInAt,
              externalAccounts: user.externalAccounts?.map((account) => ({
                provider: account.provider,
                providerUserId: account.providerUserId,
                emailAddress: account.emailAddress ?? list(user.emailAddress)[0] ?? ""
              }))
            }),
            (row) => Serialize.user(tx.world, row, tx.now)
          )
        ),
      seedOrganization: (organization) =>
        seed((tx) =>
          Effect.map(
            Organizations.create(tx, organization),
            (row) => Serialize.organization(tx.world, row, { counts: true })
          )
        ),
      seedMembership: (membership) =>
        seed((tx) =>
          Effect.map(
            Organizations.addMember(tx, { ...membership, role: membership.role ?? "org:member" }),
            (row) => Serialize.membership(tx.world, row)
          )
        ),
      mintSessionToken: (input) =>
        seed((tx) =>
          Effect.gen(function*() {
            const session = "sessionId" in input
              ? yield* Sessions.find(tx, input.sessionId)
              : yield* Sessions.create(tx, { userId: input.userId, organizationId: input.organizationId, actor: input.actor })
            const claims = SessionTokens.sessionClaims(tx, session, {
              issuer: signer.issuer,
              expiresInSeconds: input.expiresInSeconds ?? SessionTokens.DEFAULT_LIFETIME_SECONDS,
              authorizedParty: input.authorizedParty
            })
            return { sessionId: session.id, userId: session.userId, token: yield* signer.sign(claims) }
          })
        ),
      issuer: signer.issuer,
      jwks: Effect.map(signer.jwk, (jwk) => ({ keys: [jwk] })),
      setRestrictions: (restrictions) =>
        Effect.orDie(engine.transact((tx) => {
          const next = { ...tx.world.instance.restrictions, ...restrictions }
          tx.setInstance({ ...tx.world.instance, restrictions: next })
          return Effect.succeed(next)
        })),
      users: Effect.zipWith(
        engine.world,
        Clock.currentTimeMillis,
        (world, now) => Model.rows(world, "users").map((row) => Serialize.user(world, row, now))
      ),
      organizations: Effect.map(
        engine.world,
        (world) => Model.rows(world, "organizations").map((row) => Serialize.organization(world, row, { counts: true }))
      ),
      memberships: Effect.map(
        engine.world,
        (world) => Model.rows(world, "memberships").map((row) => Serialize.membership(world, row))
      ),
      sessions: Effect.map(engine.world, (world) => Model.rows(world, "sessions").map(Serialize.session)),
      requests: engine.requests,
      webhookSecret,
      publishableKey: publishableKey(signer.issuer),
      webhooks: hub.stream,
      subscribeWebhooks: hub.subscribe,
      emittedWebhooks: hub.emitted,
      webhookDeliveries: hub.deliveries,
      setFaults: injector.set,
      injectedFaults: injector.injected
    }
  })

/**
 * The operationIds the offline Clerk implements, in the spec's order.
 *
 * @since 0.1.0
 * @category coverage
 */
export const implementedOperations = (): ReadonlyArray<string> =>
  Router.allOperations.filter((operationId) => operationId in routes)

/**
 * Every operationId of the spec the offline Clerk follows (249).
 *
 * @since 0.1.0
 * @category coverage
 */
export const allOperations = (): ReadonlyArray<string> => Router.allOperations
