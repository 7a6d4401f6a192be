/**
 * What request authentication needs from the Backend API, as two small interfaces: the verification of
 * opaque machine tokens, and the session refresh and handshake payload. The auth core depends on these,
 * never on a generated service; the live implementations over `ClerkClient` live in the composition root
 * (`ClerkAuthLive`), and tests provide plain fakes.
 */
import type * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { ApiKey, ClerkMachineTokenError, M2MToken, OAuthToken } from "./machine.js"

export interface MachineTokenVerifierService {
  /** `POST /m2m_tokens/verify`. */
  readonly verifyM2MToken: (token: string) => Effect.Effect<M2MToken, ClerkMachineTokenError>
  /** `POST /oauth_applications/access_tokens/verify`. */
  readonly verifyOAuthToken: (token: string) => Effect.Effect<OAuthToken, ClerkMachineTokenError>
  /** `POST /api_keys/verify`. */
  readonly verifyApiKey: (secret: string) => Effect.Effect<ApiKey, ClerkMachineTokenError>
}

/** The body of `POST /sessions/{id}/refresh`, as Clerk's `authenticateRequest` sends it. */
export interface RefreshSessionParams {
  readonly sessionId: string
  readonly expiredToken: string
  readonly refreshToken: string
  /** The request's origin (after the forwarding headers). */
  readonly requestOrigin: string
  /** Every request header, each as a one-element list. */
  readonly requestHeaders: Readonly<Record<string, ReadonlyArray<string>>>
  /** Whether the app uses suffixed cookies, so the new cookies come back with the same names. */
  readonly suffixedCookies: boolean
}

/**
 * Why the Backend API could not refresh a session or hand over a handshake payload. `reason` becomes
 * the tail of `session-token-expired-refresh-<reason>`: `fetch-error` (no answer, or Clerk's
 * `unexpected_error`), the Backend API's error code, or `unexpected-bapi-error`.
 */
export class SessionBackendError extends Schema.TaggedError<SessionBackendError>()("SessionBackendError", {
  reason: Schema.String,
  description: Schema.String
}) {
  override get message(): string {
    return `${this.reason}: ${this.description}`
  }
}

export interface SessionBackendService {
  /** `GET /clients/handshake_payload?nonce=…`: the `Set-Cookie` directives of a finished handshake. */
  readonly getHandshakePayload: (nonce: string) => Effect.Effect<ReadonlyArray<string>, SessionBackendError>
  /** `POST /sessions/{id}/refresh` with `format: cookie`: the new cookies' `Set-Cookie` directives. */
  readonly refreshSession: (params: RefreshSessionParams) => Effect.Effect<ReadonlyArray<string>, SessionBackendError>
}
