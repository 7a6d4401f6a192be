/**
 * The failures of token verification. They live here, not in `ClerkAuth.ts`, so the internal modules can
 * build them without importing the public module that imports them.
 */
import * as Schema from "effect/Schema"

/**
 * Clerk's `TokenVerificationErrorReason` codes, with the same names, so code ported from `@clerk/backend`
 * (and the `x-clerk-auth-reason` header a later middleware sets) reads the same.
 *
 * - `token-invalid`: not a JWT (three base64url parts of JSON), too large, a `typ` or `cat` header that
 *   is not a session token's.
 * - `token-invalid-algorithm`: an `alg` other than RS256/RS384/RS512 (`none` and `HS256` included), or
 *   one the key is not for.
 * - `token-invalid-signature`: the signature does not match.
 * - `token-verification-failed`: the signature could not be checked, or a claim has the wrong type
 *   (`sub` not a string, `exp` not a number, a malformed `o`, …), or `aud` is not an accepted audience.
 * - `token-expired` / `token-not-active-yet` / `token-iat-in-the-future`: `exp` / `nbf` / `iat` against
 *   the clock, with the clock skew.
 * - `token-invalid-authorized-parties`: `azp` missing or not listed, when `authorizedParties` is set.
 * - `token-invalid-issuer`: `iss` is not the instance's issuer.
 * - `jwk-kid-mismatch`: no key of the instance's JWKS has the token's `kid`.
 * - `jwk-remote-failed-to-load` / `secret-key-invalid` / `jwk-remote-invalid`: the JWKS could not be
 *   fetched, the secret key was refused, or the JWKS held no usable RSA signing key, and no cached key
 *   could stand in.
 * - `jwk-failed-to-resolve`: neither a `jwtKey` nor a JWKS source was configured.
 * - `jwk-local-missing`: kept for parity with Clerk's codes: a missing or unusable `jwtKey` is refused when
 *   the layer is built, so verification itself never fails with it.
 */
export const Reason = Schema.Literal(
  "token-expired",
  "token-invalid",
  "token-invalid-algorithm",
  "token-invalid-authorized-parties",
  "token-invalid-issuer",
  "token-invalid-signature",
  "token-not-active-yet",
  "token-iat-in-the-future",
  "token-verification-failed",
  "secret-key-invalid",
  "jwk-local-missing",
  "jwk-remote-failed-to-load",
  "jwk-remote-invalid",
  "jwk-failed-to-resolve",
  "jwk-kid-mismatch"
)

export type Reason = Schema.Schema.Type<typeof Reason>

/**
 * A session token that was not accepted. The description names claims, counts and durations, never the
 * token, a key, or a claim's value: callers log these errors, and a token in a log is a session anyone
 * reading the log can use until it expires.
 */
export class ClerkTokenError extends Schema.TaggedError<ClerkTokenError>()("ClerkTokenError", {
  reason: Reason,
  description: Schema.String
}) {
  override get message(): string {
    return `${this.reason}: ${this.description}`
  }
}

/**
 * Builds the error without re-validating its two fields: both are typed at every call site, and the
 * rejection path should stay cheap when someone floods an endpoint with garbage tokens.
 */
export const fail = (reason: Reason, description: string): ClerkTokenError =>
  new ClerkTokenError({ reason, description }, true)

/**
 * Why a `JwksSource` could not deliver the keys. `InvalidSecretKey` is Clerk answering that the secret key
 * is not valid (becomes `secret-key-invalid`); anything else is `Unavailable` (becomes
 * `jwk-remote-failed-to-load`).
 */
export class JwksFetchError extends Schema.TaggedError<JwksFetchError>()("JwksFetchError", {
  reason: Schema.Literal("InvalidSecretKey", "Unavailable"),
  description: Schema.String
}) {
  override get message(): string {
    return `${this.reason}: ${this.description}`
  }
}
