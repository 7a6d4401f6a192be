/**
 * What `authenticateRequest` returns: `SignedIn | SignedOut | Handshake`, Clerk's `RequestState` as a
 * tagged union, with the same fields (`status`, `reason`, `message`, `headers`, `toAuth()`, the instance's
 * URLs) and the debug headers on the signed-out and handshake states.
 */
import type { SessionClaims } from "./claims.js"
import * as AuthObject from "./authObject.js"
import type { Reason as TokenVerificationErrorReason } from "./errors.js"
import type * as Machine from "./machine.js"

/**
 * Clerk's `AuthErrorReason`: why a request is signed out or needs a handshake, beyond the token
 * verification reasons.
 */
export type AuthErrorReason =
  | "client-uat-but-no-session-token"
  | "dev-browser-missing"
  | "dev-browser-sync"
  | "primary-responds-to-syncing"
  | "primary-domain-cross-origin-sync"
  | "satellite-needs-syncing"
  | "session-token-and-uat-missing"
  | "session-token-missing"
  | "session-token-iat-before-client-uat"
  | "session-token-nbf"
  | "session-token-iat-in-the-future"
  | "session-token-but-no-client-uat"
  | "active-organization-mismatch"
  | "token-type-mismatch"
  | "unexpected-error"

/**
 * Clerk's `RefreshTokenErrorReason`, the tail of `session-token-expired-refresh-<…>`; the Backend API's
 * own error code when it refused the refresh.
 */
export type RefreshErrorReason =
  | "non-eligible-no-refresh-cookie"
  | "non-eligible-non-get"
  | "invalid-session-token"
  | "missing-api-client"
  | "missing-session-token"
  | "missing-refresh-token"
  | "expired-session-token-decode-failed"
  | "expired-session-token-missing-sid-claim"
  | "fetch-error"
  | "unexpected-sdk-error"
  | "unexpected-bapi-error"
  | (string & {})

/**
 * Every reason a request can be signed out or sent to the handshake with. Open where Clerk's is open: a
 * refresh reason may end in a Backend API error code, and a machine-token path without a token says
 * `No token in header`.
 */
export type AuthReason =
  | AuthErrorReason
  | TokenVerificationErrorReason
  | Machine.MachineTokenErrorCode
  | `session-token-expired-refresh-${RefreshErrorReason}`
  | "No token in header"

/** What the layer was configured with, repeated on every state as Clerk does. */
export interface InstanceInfo {
  readonly publishableKey: string
  readonly proxyUrl: string
  readonly isSatellite: boolean
  readonly domain: string
  readonly signInUrl: string
  readonly signUpUrl: string
  readonly afterSignInUrl: string
  readonly afterSignUpUrl: string
}

export const emptyInstanceInfo: InstanceInfo = {
  publishableKey: "",
  proxyUrl: "",
  isSatellite: false,
  domain: "",
  signInUrl: "",
  signUpUrl: "",
  afterSignInUrl: "",
  afterSignUpUrl: ""
}

// -----------------------------------------------------------------------------------------------------------
// Machine auth objects
// -----------------------------------------------------------------------------------------------------------

interface MachineAuthBase {
  readonly isAuthenticated: true
  readonly id: string
  readonly subject: string
  readonly scopes: ReadonlyArray<string>
  /** Machine tokens carry no roles or permissions: always false, as Clerk's. */
  readonly has: (params: AuthObject.CheckAuthorizationParams) => false
}

export interface ApiKeyAuthObject extends MachineAuthBase {
  readonly tokenType: "api_key"
  readonly name: string
  readonly claims: Readonly<Record<string, unknown>> | null
  /** The subject, when it is a user (`user_…`). */
  readonly userId: string | null
  /** The subject, when it is an organization (`org_…`). */
  readonly orgId: string | null
}

export interface M2MAuthObject extends MachineAuthBase {
  readonly tokenType: "m2m_token"
  readonly claims: Readonly<Record<string, unknown>> | null
  readonly machineId: string
}

export interface OAuthAuthObject extends MachineAuthBase {
  readonly tokenType: "oauth_token"
  readonly userId: string
  readonly clientId: string
}

export type MachineAuthObject = ApiKeyAuthObject | M2MAuthObject | OAuthAuthObject

/** A machine token that was not accepted: every field `null`. */
export interface UnauthenticatedMachineObject {
  readonly tokenType: Machine.MachineTokenType
  readonly isAuthenticated: false
  readonly id: null
  readonly subject: null
  readonly scopes: null
  readonly has: (params: AuthObject.CheckAuthorizationParams) => false
}

/** A token of a type `acceptsToken` does not list: Clerk's `InvalidTokenAuthObject`. */
export interface InvalidTokenAuthObject {
  readonly tokenType: null
  readonly isAuthenticated: false
  readonly has: (params: AuthObject.CheckAuthorizationParams) => false
}

const never = (): false => false

export const machineAuthObject = (token: Machine.MachineToken): MachineAuthObject => {
  const { id, scopes, subject } = token.data
  switch (token.tokenType) {
    case "api_key":
      return {
        tokenType: "api_key",
        isAuthenticated: true,
        id,
        subject,
        scopes,
        has: never,
        name: token.data.name,
        claims: token.data.claims,
        userId: subject.startsWith("user_") ? subject : null,
        orgId: subject.startsWith("org_") ? subject : null
      }
    case "m2m_token":
      return {
        tokenType: "m2m_token",
        isAuthenticated: true,
        id,
        subject,
        scopes,
        has: never,
        claims: token.data.claims,
        machineId: subject
      }
    case "oauth_token":
      return {
        tokenType: "oauth_token",
        isAuthenticated: true,
        id,
        subject,
        scopes,
        has: never,
        userId: subject,
        clientId: token.data.clientId
      }
  }
}

const unauthenticatedMachine = (tokenType: Machine.MachineTokenType): UnauthenticatedMachineObject => ({
  tokenType,
  isAuthenticated: false,
  id: null,
  subject: null,
  scopes: null,
  has: never
})

export const invalidTokenAuthObject: InvalidTokenAuthObject = { tokenType: null, isAuthenticated: false, has: never }

// -----------------------------------------------------------------------------------------------------------
// States
// -----------------------------------------------------------------------------------------------------------

interface StateBase extends InstanceInfo {
  /**
   * What to add to the response: `Set-Cookie` after a refresh or a resolved handshake, `Location` for a
   * handshake, and the `x-clerk-auth-status`/`-reason`/`-message` debug headers when signed out.
   */
  readonly headers: Headers
}

/** A verified session token. `toAuth()` is signed out for a `pending` session unless told otherwise. */
export interface SignedInSession extends StateBase {
  readonly _tag: "SignedIn"
  readonly status: "signed-in"
  readonly reason: null
  readonly message: null
  readonly isSignedIn: true
  readonly isAuthenticated: true
  readonly tokenType: "session_token"
  readonly token: string
  readonly sessionClaims: SessionClaims
  readonly toAuth: (
    options?: AuthObject.ToAuthOptions
  ) => AuthObject.SignedInAuthObject | AuthObject.SignedOutAuthObject
}

/** A verified machine token. */
export interface SignedInMachine extends StateBase {
  readonly _tag: "SignedIn"
  readonly status: "signed-in"
  readonly reason: null
  readonly message: null
  readonly isSignedIn: true
  readonly isAuthenticated: true
  readonly tokenType: Machine.MachineTokenType
  readonly token: string
  readonly machineToken: Machine.MachineToken
  readonly toAuth: () => MachineAuthObject
}

export type SignedIn = SignedInSession | SignedInMachine

export interface SignedOut extends StateBase {
  readonly _tag: "SignedOut"
  readonly status: "signed-out"
  readonly reason: AuthReason
  readonly message: string
  readonly isSignedIn: false
  readonly isAuthenticated: false
  /** `null` when the token's type was not among those accepted. */
  readonly tokenType: Machine.TokenType | null
  readonly token: null
  readonly toAuth: () =>
    | AuthObject.SignedOutAuthObject
    | UnauthenticatedMachineObject
    | InvalidTokenAuthObject
}

/** The browser must go through Clerk's handshake: `headers` hold the `Location` and cookies. */
export interface Handshake extends StateBase {
  readonly _tag: "Handshake"
  readonly status: "handshake"
  readonly reason: AuthReason
  readonly message: string
  readonly isSignedIn: false
  readonly isAuthenticated: false
  readonly tokenType: "session_token"
  readonly token: null
  readonly toAuth: () => null
}

export type RequestState = SignedIn | SignedOut | Handshake

// Clerk swallows `Headers.set` errors (values that are not ByteStrings); so do we, so that a reason or
// message never turns a request into a defect.
const setQuietly = (headers: Headers, name: string, value: string): void => {
  try {
    headers.set(name, value)
  } catch {
    // ignored, as in Clerk's `withDebugHeaders`
  }
}

const withDebugHeaders = (headers: Headers, status: string, reason: string, message: string): Headers => {
  if (message) setQuietly(headers, "x-clerk-auth-message", message)
  if (reason) setQuietly(headers, "x-clerk-auth-reason", reason)
  setQuietly(headers, "x-clerk-auth-status", status)
  return headers
}

// The states are built field by field, never as `{ ...instance, … }`: V8 builds an object spread followed by
// a dozen more properties through a slow path (some 10 µs on the machines we measured, four times a cached
// verification), and this runs on every authenticated request.

export const signedInSession = (
  instance: InstanceInfo,
  token: string,
  claims: SessionClaims,
  headers: Headers = new Headers()
): SignedInSession => ({
  _tag: "SignedIn",
  status: "signed-in",
  reason: null,
  message: null,
  isSignedIn: true,
  isAuthenticated: true,
  tokenType: "session_token",
  token,
  sessionClaims: claims,
  publishableKey: instance.publishableKey,
  proxyUrl: instance.proxyUrl,
  isSatellite: instance.isSatellite,
  domain: instance.domain,
  signInUrl: instance.signInUrl,
  signUpUrl: instance.signUpUrl,
  afterSignInUrl: instance.afterSignInUrl,
  afterSignUpUrl: instance.afterSignUpUrl,
  headers,
  toAuth: (options) => AuthObject.toAuth(claims, options)
})

export const signedInMachine = (
  instance: InstanceInfo,
  token: string,
  machineToken: Machine.MachineToken
): SignedInMachine => ({
  _tag: "SignedIn",
  status: "signed-in",
  reason: null,
  message: null,
  isSignedIn: true,
  isAuthenticated: true,
  tokenType: machineToken.tokenType,
  token,
  machineToken,
  publishableKey: instance.publishableKey,
  proxyUrl: instance.proxyUrl,
  isSatellite: instance.isSatellite,
  domain: instance.domain,
  signInUrl: instance.signInUrl,
  signUpUrl: instance.signUpUrl,
  afterSignInUrl: instance.afterSignInUrl,
  afterSignUpUrl: instance.afterSignUpUrl,
  headers: new Headers(),
  toAuth: () => machineAuthObject(machineToken)
})

export const signedOut = (
  instance: InstanceInfo,
  tokenType: Machine.TokenType | null,
  reason: AuthReason,
  message = "",
  headers: Headers = new Headers()
): SignedOut => {
  const auth = tokenType === null
    ? invalidTokenAuthObject
    : tokenType === "session_token"
    ? AuthObject.signedOutAuthObject
    : unauthenticatedMachine(tokenType)
  return {
    _tag: "SignedOut",
    status: "signed-out",
    reason,
    message,
    isSignedIn: false,
    isAuthenticated: false,
    tokenType,
    token: null,
    publishableKey: instance.publishableKey,
    proxyUrl: instance.proxyUrl,
    isSatellite: instance.isSatellite,
    domain: instance.domain,
    signInUrl: instance.signInUrl,
    signUpUrl: instance.signUpUrl,
    afterSignInUrl: instance.afterSignInUrl,
    afterSignUpUrl: instance.afterSignUpUrl,
    headers: withDebugHeaders(headers, "signed-out", reason, message),
    toAuth: () => auth
  }
}

/** Clerk's `signedOutInvalidToken()`: a token type not in the accepted list; no instance fields. */
export const signedOutInvalidToken = (): SignedOut => ({
  _tag: "SignedOut",
  status: "signed-out",
  reason: "token-type-mismatch",
  message: "",
  isSignedIn: false,
  isAuthenticated: false,
  tokenType: null,
  token: null,
  publishableKey: emptyInstanceInfo.publishableKey,
  proxyUrl: emptyInstanceInfo.proxyUrl,
  isSatellite: emptyInstanceInfo.isSatellite,
  domain: emptyInstanceInfo.domain,
  signInUrl: emptyInstanceInfo.signInUrl,
  signUpUrl: emptyInstanceInfo.signUpUrl,
  afterSignInUrl: emptyInstanceInfo.afterSignInUrl,
  afterSignUpUrl: emptyInstanceInfo.afterSignUpUrl,
  headers: withDebugHeaders(new Headers(), "signed-out", "token-type-mismatch", ""),
  toAuth: () => invalidTokenAuthObject
})

export const handshake = (
  instance: InstanceInfo,
  reason: AuthReason,
  message: string,
  headers: Headers
): Handshake => ({
  _tag: "Handshake",
  status: "handshake",
  reason,
  message,
  isSignedIn: false,
  isAuthenticated: false,
  tokenType: "session_token",
  token: null,
  publishableKey: instance.publishableKey,
  proxyUrl: instance.proxyUrl,
  isSatellite: instance.isSatellite,
  domain: instance.domain,
  signInUrl: instance.signInUrl,
  signUpUrl: instance.signUpUrl,
  afterSignInUrl: instance.afterSignInUrl,
  afterSignUpUrl: instance.afterSignUpUrl,
  headers: withDebugHeaders(headers, "handshake", reason, message),
  toAuth: () => null
})
