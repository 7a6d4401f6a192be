/**
 * `authenticateRequest`: Clerk's decision tree (`tokens/request.ts`), branch for branch, over a request
 * context that reads only what each branch needs.
 *
 * - Routing on `acceptsToken` and the `Authorization` header (§3.2 of the reference).
 * - A session token in the header (§3.3): verified first, classified only when it fails or names a
 *   machine, so a valid bearer token costs one header read and a signature-cache lookup.
 * - The cookie path (§3.4): handshake resolution, satellite sync, dev-browser, the uat/session cookie
 *   states, staleness against `__client_uat`, the cross-origin sync and organization sync.
 * - Verification errors (§3.5): refresh with `__refresh` on GET, else the handshake for page loads.
 *
 * Every outcome is a state; nothing throws and nothing fails. Plain functions returning Effects, no
 * generators: this runs on every request.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import type { AcceptsToken, AuthenticateRequestOptions, VerifyOptions } from "../../ClerkAuth.js"
import type { SessionBackendService } from "./backend.js"
import type { SessionClaims } from "./claims.js"
import * as Cookies from "./cookies.js"
import { type ClerkTokenError, fail } from "./errors.js"
import * as Handshake from "./handshake.js"
import * as Jwt from "./jwt.js"
import * as Machine from "./machine.js"
import * as OrganizationSync from "./organizationSync.js"
import { RequestContext, type RequestInput } from "./requestContext.js"
import * as State from "./state.js"

/** What the publishable key (and proxy or satellite domain) say about the instance. */
export interface SessionInstance {
  readonly instanceType: "development" | "production"
  /** The Frontend API the handshake goes to: the proxy URL, `clerk.<domain>` for a production satellite, or the key's host. */
  readonly frontendApi: string
  /** The key's own Frontend API host: what a session cookie's `iss` is compared with. */
  readonly originalFrontendApi: string
  readonly cookieSuffix: string
}

export interface Config {
  readonly instance: State.InstanceInfo
  /** `undefined` when the session paths cannot work; `problem` says why. */
  readonly session: SessionInstance | undefined
  readonly problem: string
  readonly isSatellite: boolean
  readonly signInUrl: string | undefined
  readonly satelliteAutoSync: boolean
  readonly acceptsToken: AcceptsToken
  readonly organizationSync: OrganizationSync.OrganizationMatcher
}

export interface Deps {
  readonly config: Config
  readonly verifySession: (token: string, options: VerifyOptions | undefined) => Effect.Effect<SessionClaims, ClerkTokenError>
  readonly verifyMachine: (
    token: string,
    options: VerifyOptions | undefined
  ) => Effect.Effect<Machine.MachineToken, Machine.ClerkMachineTokenError>
  /** The legacy `__clerk_handshake` token: signature only, its `handshake` claim holds cookie directives. */
  readonly verifyHandshakeToken: (token: string) => Effect.Effect<Jwt.Jwt, ClerkTokenError>
  readonly sessionBackend: SessionBackendService | undefined
}

export type Authenticate = (
  input: RequestInput,
  options?: AuthenticateRequestOptions
) => Effect.Effect<State.RequestState>

type Carrier = "header" | "cookie"

/** Clerk's `getFullMessage()` of a verification error. */
const fullMessage = (error: ClerkTokenError, carrier: Carrier): string =>
  `${error.description} (reason=${error.reason}, token-carrier=${carrier})`

const HANDSHAKE_REASONS: ReadonlySet<string> = new Set(["token-expired", "token-not-active-yet", "token-iat-in-the-future"])

const isMachineType = (value: AcceptsToken): value is Machine.MachineTokenType =>
  value === "m2m_token" || value === "oauth_token" || value === "api_key"

const isAccepted = (type: Machine.TokenType, accepts: AcceptsToken): boolean =>
  accepts === "any" || (typeof accepts === "string" ? accepts === type : accepts.includes(type))

/** The cookies and query values the cookie path reads (Clerk's `initCookieValues`/`initHandshakeValues`). */
interface CookieValues {
  readonly usesSuffixedCookies: boolean
  readonly sessionTokenInCookie: string | undefined
  readonly refreshTokenInCookie: string | undefined
  readonly clientUat: number
  readonly devBrowserToken: string | undefined
  readonly handshakeToken: string | undefined
  readonly handshakeNonce: string | undefined
  readonly redirectCount: number
}

const decodedPayload = (token: string): Readonly<Record<string, unknown>> | undefined => {
  if (token === "") return undefined
  const jwt = Jwt.decode(token)
  return "payload" in jwt ? jwt.payload : undefined
}

const numberClaim = (payload: Readonly<Record<string, unknown>> | undefined, name: string): number => {
  const value = payload?.[name]
  return typeof value === "number" ? value : 0
}

/**
 * Clerk's `usesSuffixedCookies()`: whether this instance's cookies are the suffixed ones (`__session_<s>`,
 * since Core 2, so two apps on one domain do not clobber each other) or the plain ones, decided from both
 * sets as the reference lists it.
 */
const usesSuffixed = (ctx: RequestContext, session: SessionInstance, now: number): boolean => {
  const s = session.cookieSuffix
  const suffixedUat = ctx.cookie(Cookies.suffixed(Cookies.CLIENT_UAT, s))
  const uat = ctx.cookie(Cookies.CLIENT_UAT)
  const suffixedSession = ctx.cookie(Cookies.suffixed(Cookies.SESSION, s)) ?? ""
  const plainSession = ctx.cookie(Cookies.SESSION) ?? ""
  const plainPayload = decodedPayload(plainSession)
  if (plainSession) {
    const iss = plainPayload?.["iss"]
    if (!iss) return false
    // Another instance's cookie on a shared domain: ours must be the suffixed one.
    if (typeof iss !== "string" || iss.replace(/https?:\/\//gi, "") !== session.originalFrontendApi) return true
  }
  if (!suffixedUat && !suffixedSession) return false
  const suffixedPayload = decodedPayload(suffixedSession)
  if (suffixedUat !== "0" && uat !== "0" && numberClaim(plainPayload, "iat") > numberClaim(suffixedPayload, "iat")) {
    return false
  }
  if (suffixedUat === "0" && uat !== "0") return false
  if (session.instanceType !== "production") {
    const exp = suffixedPayload?.["exp"]
    const expired = typeof exp === "number" && exp <= Math.trunc(now / 1000)
    if (suffixedUat !== "0" && uat === "0" && expired) return false
  }
  if (!suffixedUat && suffixedSession) return false
  return true
}

const cookieValues = (ctx: RequestContext, session: SessionInstance, now: number): CookieValues => {
  const suffixed = usesSuffixed(ctx, session, now)
  const get = (name: string) => ctx.cookie(suffixed ? Cookies.suffixed(name, session.cookieSuffix) : name)
  return {
    usesSuffixedCookies: suffixed,
    sessionTokenInCookie: get(Cookies.SESSION),
    refreshTokenInCookie: ctx.cookie(Cookies.suffixed(Cookies.REFRESH, session.cookieSuffix)),
    clientUat: Number.parseInt(get(Cookies.CLIENT_UAT) ?? "") || 0,
    devBrowserToken: ctx.query(Cookies.DEV_BROWSER) ?? get(Cookies.DEV_BROWSER),
    handshakeToken: ctx.query(Cookies.HANDSHAKE) ?? ctx.cookie(Cookies.HANDSHAKE),
    handshakeNonce: ctx.query(Cookies.HANDSHAKE_NONCE) ?? ctx.cookie(Cookies.HANDSHAKE_NONCE),
    redirectCount: Number(ctx.cookie(Cookies.REDIRECT_COUNT)) || 0
  }
}

export const make = (deps: Deps): Authenticate => {
  const { config } = deps
  const instance = config.instance
  let warnedMissingAzp = false

  const signedOutSession = (reason: State.AuthReason, message = "", headers?: Headers) =>
    State.signedOut(instance, "session_token", reason, message, headers)

  // Organization-sync options given per call are compiled once per options object.
  const matchers = new WeakMap<object, OrganizationSync.OrganizationMatcher | TypeError>()
  const matcherFor = (
    options: AuthenticateRequestOptions | undefined
  ): OrganizationSync.OrganizationMatcher | TypeError => {
    const sync = options?.organizationSyncOptions
    if (sync === undefined) return config.organizationSync
    let matcher = matchers.get(sync)
    if (matcher === undefined) {
      try {
        matcher = OrganizationSync.make(sync)
      } catch (error) {
        matcher = error instanceof TypeError ? error : new TypeError("invalid pattern")
      }
      matchers.set(sync, matcher)
    }
    return matcher
  }

  /** One call: the request, its options, and what has been read from it so far. */
  class Attempt {
    private values: CookieValues | undefined
    constructor(
      readonly ctx: RequestContext,
      readonly options: AuthenticateRequestOptions | undefined,
      readonly session: SessionInstance,
      readonly organization: OrganizationSync.OrganizationMatcher
    ) {}

    cookies(now: number): CookieValues {
      this.values ??= cookieValues(this.ctx, this.session, now)
      return this.values
    }

    /**
     * Clerk's `handleMaybeHandshakeStatus`: a page load gets the handshake (with the loop counter), anything
     * else is signed out with the same reason.
     */
    maybeHandshake(
      values: CookieValues,
      reason: State.AuthReason,
      message: string,
      location?: string
    ): State.RequestState {
      const ctx = this.ctx
      if (!Handshake.isEligible(ctx)) return signedOutSession(reason, message)
      // The loop guard: after three redirects in a row, the same reason, signed out, no redirect.
      if (values.redirectCount === Handshake.MAX_REDIRECTS) return signedOutSession(reason, message)
      const headers = new Headers()
      headers.set(
        "location",
        location ?? Handshake.redirectUrl(ctx, reason, {
          frontendApi: this.session.frontendApi,
          instanceType: this.session.instanceType,
          usesSuffixedCookies: values.usesSuffixedCookies,
          sessionToken: values.sessionTokenInCookie ?? ctx.tokenInHeader,
          devBrowserToken: values.devBrowserToken,
          organizationTarget: this.organization.findTarget(ctx.url)
        })
      )
      // Chrome caches 307s; a cached handshake redirect would loop.
      headers.set("cache-control", "no-store")
      headers.append("set-cookie", Handshake.redirectCountCookie(values.redirectCount))
      return State.handshake(instance, reason, message, headers)
    }

    /** `maybeHandshake`, logging when the loop guard turned it into a sign-out. */
    handshakeOrLoop(
      values: CookieValues,
      reason: State.AuthReason,
      message: string,
      location?: string
    ): Effect.Effect<State.RequestState> {
      const state = this.maybeHandshake(values, reason, message, location)
      return state._tag === "SignedOut" && values.redirectCount === Handshake.MAX_REDIRECTS &&
          Handshake.isEligible(this.ctx)
        ? Effect.as(
          Effect.logWarning(
            reason === "satellite-needs-syncing"
              ? "Clerk: satellite-domain authentication resulted in an infinite redirect loop; check that this request uses a configured primary or satellite domain"
              : "Clerk: refreshing the session token resulted in an infinite redirect loop; check that the publishable key and the keys used to verify belong to the same instance"
          ).pipe(Effect.annotateLogs("reason", reason)),
          state
        )
        : Effect.succeed(state)
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // Verification errors and refresh (§3.5)
  // ---------------------------------------------------------------------------------------------------------

  type Refreshed = { readonly _tag: "Refreshed"; readonly state: State.SignedInSession } | {
    readonly _tag: "NotRefreshed"
    readonly reason: State.RefreshErrorReason
  }

  const notRefreshed = (reason: State.RefreshErrorReason): Effect.Effect<Refreshed> =>
    Effect.succeed({ _tag: "NotRefreshed", reason })

  const attemptRefresh = (attempt: Attempt, values: CookieValues): Effect.Effect<Refreshed> => {
    const backend = deps.sessionBackend
    if (backend === undefined) return notRefreshed("missing-api-client")
    const expiredToken = values.sessionTokenInCookie ?? attempt.ctx.tokenInHeader
    if (!expiredToken) return notRefreshed("missing-session-token")
    const refreshToken = values.refreshTokenInCookie
    if (!refreshToken) return notRefreshed("missing-refresh-token")
    const payload = decodedPayload(expiredToken)
    if (payload === undefined) return notRefreshed("expired-session-token-decode-failed")
    const sid = payload["sid"]
    if (typeof sid !== "string" || sid === "") return notRefreshed("expired-session-token-missing-sid-claim")
    const requestHeaders: Record<string, ReadonlyArray<string>> = {}
    for (const [name, value] of attempt.ctx.headerEntries()) requestHeaders[name] = [value]
    return backend.refreshSession({
      sessionId: sid,
      expiredToken,
      refreshToken,
      requestOrigin: attempt.ctx.url.origin,
      requestHeaders,
      suffixedCookies: values.usesSuffixedCookies
    }).pipe(
      Effect.matchEffect({
        onFailure: (error) => notRefreshed(error.reason),
        onSuccess: (directives) => {
          if (directives.length === 0) return notRefreshed("unexpected-sdk-error")
          const headers = new Headers()
          let sessionToken = ""
          for (const directive of directives) {
            headers.append("set-cookie", directive)
            if (Cookies.directiveName(directive).startsWith(Cookies.SESSION)) {
              sessionToken = Cookies.directiveValue(directive)
            }
          }
          return Effect.match(deps.verifySession(sessionToken, attempt.options), {
            onFailure: (): Refreshed => ({ _tag: "NotRefreshed", reason: "invalid-session-token" }),
            onSuccess: (claims): Refreshed => ({
              _tag: "Refreshed",
              state: State.signedInSession(instance, sessionToken, claims, headers)
            })
          })
        }
      })
    )
  }

  /** Clerk's `handleSessionTokenError`. */
  const sessionTokenError = (
    attempt: Attempt,
    error: ClerkTokenError,
    carrier: Carrier
  ): Effect.Effect<State.RequestState> => {
    if (!HANDSHAKE_REASONS.has(error.reason)) {
      return Effect.succeed(signedOutSession(error.reason, fullMessage(error, carrier)))
    }
    return Effect.flatMap(Clock.currentTimeMillis, (now) => {
      const values = attempt.cookies(now)
      const message = fullMessage(error, carrier)
      if (error.reason === "token-not-active-yet") return attempt.handshakeOrLoop(values, "session-token-nbf", message)
      if (error.reason === "token-iat-in-the-future") {
        return attempt.handshakeOrLoop(values, "session-token-iat-in-the-future", message)
      }
      const method = attempt.ctx.method
      if (method !== "GET" || !values.refreshTokenInCookie) {
        const refreshError = method !== "GET" ? "non-eligible-non-get" : "non-eligible-no-refresh-cookie"
        return attempt.handshakeOrLoop(values, `session-token-expired-refresh-${refreshError}`, message)
      }
      return Effect.flatMap(attemptRefresh(attempt, values), (refreshed) =>
        refreshed._tag === "Refreshed"
          ? Effect.succeed(refreshed.state)
          : attempt.handshakeOrLoop(values, `session-token-expired-refresh-${refreshed.reason}`, message))
    })
  }

  // ---------------------------------------------------------------------------------------------------------
  // Tokens in the Authorization header (§3.2, §3.3, §3.9)
  // ---------------------------------------------------------------------------------------------------------

  const mismatch = (tokenType: Machine.TokenType | null): Effect.Effect<State.RequestState> =>
    Effect.succeed(State.signedOut(instance, tokenType, "token-type-mismatch"))

  const verifyMachineHeader = (
    token: string,
    options: AuthenticateRequestOptions | undefined
  ): Effect.Effect<State.RequestState> =>
    Effect.match(deps.verifyMachine(token, options), {
      onFailure: (error) => State.signedOut(instance, error.tokenType, error.code, error.fullMessage),
      onSuccess: (machineToken) => State.signedInMachine(instance, token, machineToken)
    })

  /**
   * A session token in the header. Clerk first decodes it to refuse machine JWTs and non-session
   * categories, then verifies; here the verification comes first (a cached token skips the decode), and the
   * classification runs only when it fails or the subject is a machine's: the same outcomes.
   */
  const sessionHeader = (attempt: Attempt, token: string): Effect.Effect<State.RequestState> =>
    Effect.matchEffect(deps.verifySession(token, attempt.options), {
      onSuccess: (claims) =>
        claims.sub.startsWith(Machine.M2M_SUBJECT_PREFIX)
          ? mismatch("session_token")
          : Effect.succeed(State.signedInSession(instance, token, claims)),
      onFailure: (error) => {
        const classified = Machine.classify(token)
        const machineJwt = classified.machine !== undefined && Machine.typeFromPrefix(token) === undefined
        return machineJwt || classified.nonSessionCategory
          ? mismatch("session_token")
          : sessionTokenError(attempt, error, "header")
      }
    })

  /** `acceptsToken` is one machine type: the token must be a machine token of that type. */
  const machineHeader = (
    token: string,
    accepts: Machine.MachineTokenType,
    options: AuthenticateRequestOptions | undefined
  ): Effect.Effect<State.RequestState> => {
    const type = Machine.classify(token).machine
    if (type === undefined || type !== accepts) return mismatch(accepts)
    return verifyMachineHeader(token, options)
  }

  /** `acceptsToken` is `any` or a list: machine tokens go the machine way, the rest the session way. */
  const anyHeader = (
    attempt: Attempt | undefined,
    token: string,
    accepts: AcceptsToken,
    refused?: State.RequestState
  ): Effect.Effect<State.RequestState> => {
    const options = attempt?.options
    const classified = Machine.classify(token)
    if (classified.machine !== undefined) {
      // `any` accepts every type, and a list was checked on the way in; kept as Clerk keeps it, the
      // mismatch then naming the token's own type (Clerk's choice for lists).
      if (!isAccepted(classified.machine, accepts)) return mismatch(classified.machine)
      return verifyMachineHeader(token, options)
    }
    if (attempt === undefined) return Effect.succeed(refused ?? signedOutSession("unexpected-error"))
    if (classified.nonSessionCategory) return mismatch("session_token")
    return Effect.matchEffect(deps.verifySession(token, options), {
      onSuccess: (claims) => Effect.succeed(State.signedInSession(instance, token, claims)),
      onFailure: (error) => sessionTokenError(attempt, error, "header")
    })
  }

  // ---------------------------------------------------------------------------------------------------------
  // Handshake resolution (§3.6)
  // ---------------------------------------------------------------------------------------------------------

  /** `undefined`: the handshake could not be resolved, and the cookie path goes on as if there were none. */
  type Resolution = State.RequestState | undefined

  const logHandshakeFailure = (description: string): Effect.Effect<Resolution> =>
    Effect.as(Effect.logError(`Clerk: unable to resolve handshake: ${description}`), undefined)

  /** The cookie directives of the handshake; or, when they cannot be had, what the cookie path does instead. */
  type Directives = { readonly _tag: "Directives"; readonly directives: ReadonlyArray<string> } | {
    readonly _tag: "Resolved"
    readonly resolution: Resolution
  }

  const directives = (list: ReadonlyArray<string>): Directives => ({ _tag: "Directives", directives: list })

  const directivesOf = (attempt: Attempt, values: CookieValues): Effect.Effect<Directives> => {
    const session = attempt.session
    if (values.handshakeNonce) {
      const backend = deps.sessionBackend
      if (backend === undefined) return Effect.succeed(directives([]))
      return Effect.matchEffect(backend.getHandshakePayload(values.handshakeNonce), {
        onSuccess: (list) => Effect.succeed(directives(list)),
        onFailure: (error) =>
          Effect.as(Effect.logError(`Clerk: error getting handshake payload: ${error.message}`), directives([]))
      })
    }
    return Effect.matchEffect(deps.verifyHandshakeToken(values.handshakeToken ?? ""), {
      onSuccess: (jwt) => {
        const handshake: unknown = jwt.payload["handshake"]
        return Effect.succeed(directives(
          Array.isArray(handshake) ? handshake.filter((d): d is string => typeof d === "string") : []
        ))
      },
      // In development Clerk throws here (a signature mismatch usually means keys were switched); a
      // state is what we can return: signed out, with the reason and the advice.
      onFailure: (error): Effect.Effect<Directives> =>
        session.instanceType === "development"
          ? Effect.succeed({
            _tag: "Resolved",
            resolution: signedOutSession(
              error.reason,
              error.reason === "token-invalid-signature"
                ? "Handshake token verification failed due to an invalid signature. If you have switched Clerk keys locally, clear your cookies and try again."
                : `Handshake token verification failed: ${fullMessage(error, "cookie")}.`
            )
          })
          : Effect.map(logHandshakeFailure(error.message), (resolution) => ({ _tag: "Resolved", resolution }))
    })
  }

  const resolveHandshake = (attempt: Attempt, values: CookieValues): Effect.Effect<Resolution> =>
    Effect.flatMap(directivesOf(attempt, values), (found) => {
      if (found._tag === "Resolved") return Effect.succeed(found.resolution)
      const headers = new Headers({ "access-control-allow-origin": "null", "access-control-allow-credentials": "true" })
      let sessionToken = ""
      for (const directive of found.directives) {
        headers.append("set-cookie", directive)
        if (Cookies.directiveName(directive).startsWith(Cookies.SESSION)) {
          sessionToken = Cookies.directiveValue(directive)
        }
      }
      const development = attempt.session.instanceType === "development"
      if (development) {
        const url = new URL(attempt.ctx.url)
        for (const name of [Cookies.HANDSHAKE, "__clerk_help", Cookies.DEV_BROWSER, Cookies.HANDSHAKE_NONCE]) {
          url.searchParams.delete(name)
        }
        headers.append("location", url.toString())
        headers.set("cache-control", "no-store")
      }
      if (sessionToken === "") return Effect.succeed(signedOutSession("session-token-missing", "", headers))
      const signedIn = (claims: SessionClaims) => State.signedInSession(instance, sessionToken, claims, headers)
      return Effect.matchEffect(deps.verifySession(sessionToken, attempt.options), {
        onSuccess: (claims) => Effect.succeed<Resolution>(signedIn(claims)),
        onFailure: (error) => {
          if (development && HANDSHAKE_REASONS.has(error.reason)) {
            // A development machine's clock is often off: Clerk retries with a day of skew, and warns.
            return Effect.zipRight(
              Effect.logWarning(
                "Clerk: clock skew detected; make sure the system clock is accurate. Retrying with 24 hours of leeway in development."
              ).pipe(Effect.annotateLogs("reason", error.reason)),
              Effect.matchEffect(
                deps.verifySession(sessionToken, { ...attempt.options, clockSkew: "24 hours" }),
                {
                  onSuccess: (claims) => Effect.succeed<Resolution>(signedIn(claims)),
                  onFailure: (retry) => logHandshakeFailure(retry.message)
                }
              )
            )
          }
          return logHandshakeFailure(error.message)
        }
      })
    })

  // ---------------------------------------------------------------------------------------------------------
  // The cookie path (§3.4)
  // ---------------------------------------------------------------------------------------------------------

  const SYNCED = "__clerk_synced"
  const REDIRECT_URL = "__clerk_redirect_url"

  /** Clerk throws on a URL it cannot parse; a signed-out state naming it is the typed equivalent. */
  const withUrl = (
    value: string,
    name: string,
    f: (url: URL) => Effect.Effect<State.RequestState>
  ): Effect.Effect<State.RequestState> => {
    let url: URL
    try {
      url = new URL(value)
    } catch {
      return Effect.succeed(signedOutSession("unexpected-error", `${name} is not an absolute URL`))
    }
    return f(url)
  }

  const verifyCookie = (attempt: Attempt, values: CookieValues, token: string): Effect.Effect<State.RequestState> => {
    const ctx = attempt.ctx
    const session = attempt.session
    return Effect.matchEffect(deps.verifySession(token, attempt.options), {
      onFailure: (error) => sessionTokenError(attempt, error, "cookie"),
      onSuccess: (claims) => {
        const state = State.signedInSession(instance, token, claims)
        const warning = claims.azp === undefined && !warnedMissingAzp
          ? Effect.sync(() => {
            warnedMissingAzp = true
          }).pipe(Effect.zipRight(Effect.logWarning(
            "Clerk: session token from cookie is missing the azp claim. In a future version of Clerk, this token will be considered invalid."
          )))
          : Effect.void
        // Coming from a satellite (another origin, not Clerk's own pages) to the primary: sync the session.
        if (
          !config.isSatellite && ctx.method === "GET" && ctx.header("sec-fetch-dest") === "document" &&
          Handshake.isCrossOriginReferrer(ctx) &&
          !Handshake.isKnownClerkReferrer(ctx, session.frontendApi, session.instanceType) &&
          values.redirectCount === 0
        ) {
          return Effect.zipRight(
            warning,
            attempt.handshakeOrLoop(
              values,
              "primary-domain-cross-origin-sync",
              "Cross-origin request from satellite domain requires handshake"
            )
          )
        }
        const auth = state.toAuth()
        const next = auth.userId === null ? Effect.succeed(state) : organizationSync(attempt, values, state, auth)
        return Effect.zipRight(warning, next)
      }
    })
  }

  /**
   * Clerk's `handleMaybeOrganizationSyncHandshake`: when the URL names an organization (or the personal
   * account) other than the session's active one, the handshake activates it; otherwise, or when that
   * has already looped three times, the signed-in state stands.
   */
  const organizationSync = (
    attempt: Attempt,
    values: CookieValues,
    state: State.SignedInSession,
    auth: { readonly orgId: string | null; readonly orgSlug: string | null }
  ): Effect.Effect<State.RequestState> => {
    const target = attempt.organization.findTarget(attempt.ctx.url)
    if (target === undefined) return Effect.succeed(state)
    const mustActivate = target.type === "personalAccount"
      ? Boolean(auth.orgId)
      : (target.organizationSlug !== undefined && target.organizationSlug !== auth.orgSlug) ||
        (target.organizationId !== undefined && target.organizationId !== auth.orgId)
    if (!mustActivate) return Effect.succeed(state)
    if (values.redirectCount >= Handshake.MAX_REDIRECTS) {
      return Effect.as(
        Effect.logWarning(
          "Clerk: organization activation handshake loop detected, likely an invalid organization id or slug; skipping organization activation"
        ),
        state
      )
    }
    const next = attempt.maybeHandshake(values, "active-organization-mismatch", "")
    return Effect.succeed(next._tag === "Handshake" ? next : state)
  }

  const cookiePathAfterHandshake = (attempt: Attempt, values: CookieValues): Effect.Effect<State.RequestState> => {
    const ctx = attempt.ctx
    const session = attempt.session
    const development = session.instanceType === "development"
    const hasActiveClient = values.clientUat !== 0
    const sessionToken = values.sessionTokenInCookie
    const hasCookies = sessionToken !== undefined || hasActiveClient

    // Satellite sync: a page load on a satellite with no cookies yet goes to the primary to fetch them.
    if (config.isSatellite && ctx.header("sec-fetch-dest") === "document" && ctx.method === "GET") {
      const synced = ctx.url.searchParams.get(SYNCED)
      if (synced !== "true") {
        const needsSync = synced === "false"
        if (!config.satelliteAutoSync && !hasCookies && !needsSync) {
          return Effect.succeed(signedOutSession("session-token-and-uat-missing"))
        }
        if (!hasCookies || needsSync) {
          if (!development) return attempt.handshakeOrLoop(values, "satellite-needs-syncing", "")
          return withUrl(config.signInUrl ?? "", "signInUrl", (signIn) => {
            signIn.searchParams.append(REDIRECT_URL, ctx.url.toString())
            return attempt.handshakeOrLoop(values, "satellite-needs-syncing", "", signIn.toString())
          })
        }
      }
    }

    // The development primary answering a satellite's sync: back to the satellite, with the dev browser.
    const redirectBack = ctx.url.searchParams.get(REDIRECT_URL)
    if (development && !config.isSatellite && redirectBack) {
      return withUrl(redirectBack, REDIRECT_URL, (url) => {
        if (values.devBrowserToken) url.searchParams.append(Cookies.DEV_BROWSER, values.devBrowserToken)
        url.searchParams.set(SYNCED, "true")
        return attempt.handshakeOrLoop(values, "primary-responds-to-syncing", "", url.toString())
      })
    }
    if (development && ctx.url.searchParams.has(Cookies.DEV_BROWSER)) {
      return attempt.handshakeOrLoop(values, "dev-browser-sync", "")
    }
    if (development && !values.devBrowserToken) return attempt.handshakeOrLoop(values, "dev-browser-missing", "")

    if (!hasActiveClient && sessionToken === undefined) {
      return Effect.succeed(signedOutSession("session-token-and-uat-missing"))
    }
    if (!hasActiveClient) return attempt.handshakeOrLoop(values, "session-token-but-no-client-uat", "")
    if (sessionToken === undefined) return attempt.handshakeOrLoop(values, "client-uat-but-no-session-token", "")

    const jwt = Jwt.decode(sessionToken)
    if (!("payload" in jwt)) return sessionTokenError(attempt, jwt, "cookie")
    if (
      (Machine.isJwtFormat(sessionToken) && Machine.typeOfJwt(jwt) !== undefined) ||
      Jwt.isNonSessionCategory(jwt.header["cat"])
    ) {
      return Effect.succeed(signedOutSession("token-type-mismatch"))
    }
    const iat = jwt.payload["iat"]
    if (typeof iat === "number" && iat < values.clientUat) {
      return attempt.handshakeOrLoop(values, "session-token-iat-before-client-uat", "")
    }
    return verifyCookie(attempt, values, sessionToken)
  }

  const cookiePath = (attempt: Attempt): Effect.Effect<State.RequestState> =>
    Effect.flatMap(Clock.currentTimeMillis, (now) => {
      const values = attempt.cookies(now)
      if (!values.handshakeNonce && !values.handshakeToken) return cookiePathAfterHandshake(attempt, values)
      return Effect.flatMap(
        resolveHandshake(attempt, values),
        (resolved) => resolved === undefined ? cookiePathAfterHandshake(attempt, values) : Effect.succeed(resolved)
      )
    })

  // ---------------------------------------------------------------------------------------------------------
  // Routing (§3.2)
  // ---------------------------------------------------------------------------------------------------------

  return (input, options) => {
    const ctx = new RequestContext(input)
    const accepts = options?.acceptsToken ?? config.acceptsToken
    const token = ctx.tokenInHeader
    if (Array.isArray(accepts)) {
      const type = token === undefined ? "session_token" : Machine.classify(token).machine ?? "session_token"
      if (!accepts.includes(type)) return Effect.succeed(State.signedOutInvalidToken())
    }
    if (token !== undefined && isMachineType(accepts)) return machineHeader(token, accepts, options)
    if (token === undefined && isMachineType(accepts)) {
      return Effect.succeed(State.signedOut(instance, accepts, "No token in header"))
    }
    // From here on the session paths: they need the publishable key's instance.
    const session = config.session
    const organization = matcherFor(options)
    if (session === undefined || organization instanceof TypeError) {
      const refused = organization instanceof TypeError
        ? signedOutSession("unexpected-error", `invalid organizationSyncOptions: ${organization.message}`)
        : signedOutSession("jwk-failed-to-resolve", config.problem)
      // Machine tokens need neither: `any` and lists still take them.
      if (token !== undefined && accepts !== "session_token") return anyHeader(undefined, token, accepts, refused)
      return Effect.succeed(refused)
    }
    const attempt = new Attempt(ctx, options, session, organization)
    if (token !== undefined) {
      return accepts === "session_token" ? sessionHeader(attempt, token) : anyHeader(attempt, token, accepts)
    }
    return cookiePath(attempt)
  }
}

/** The failure `verifyToken` gives when the session paths are not configured. */
export const unconfiguredError = (problem: string): ClerkTokenError => fail("jwk-failed-to-resolve", problem)
