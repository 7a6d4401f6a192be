/**
 * Session-token verification alone, networkless with a `jwtKey`: `@clerk/backend`'s standalone
 * `verifyToken`, as an Effect service. The same checks, errors and token cache as
 * `ClerkAuth.verifyToken` (issuer pinned from the publishable key, `azp`, `aud`, clock skew), without
 * request authentication, machine tokens or the JWKS: an edge function that only verifies tokens ships a
 * fraction of `ClerkAuth`'s bytes.
 *
 * ```ts
 * import * as TokenVerifier from "effect-clerk/TokenVerifier"
 *
 * const claims = yield* TokenVerifier.verifyToken(token)
 * // …
 * program.pipe(Effect.provide(TokenVerifier.layer({ jwtKey: pem, publishableKey: "pk_live_…" })))
 * ```
 *
 * @since 0.1.0
 */
import type * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { ClerkTokenError, JwkLike, SessionClaims, VerifyOptions } from "./ClerkAuth.js"
import * as SessionRules from "./internal/auth/sessionRules.js"
import * as Verifier from "./internal/auth/verifier.js"

const NAME = "TokenVerifier"

/**
 * What a verifier needs: the `jwtKey` (PEM or JWK) and what pins the issuer (`publishableKey`, `issuer` or
 * `proxyUrl`), with the claims rules of `ClerkAuth`'s options.
 *
 * @since 0.1.0
 * @category models
 */
export type Options = SessionRules.SessionOptions & { readonly jwtKey: string | JwkLike }

/**
 * @since 0.1.0
 * @category models
 */
export interface TokenVerifierService {
  /** The claims of a valid session token, or `ClerkTokenError` with Clerk's reason; per-call overrides. */
  readonly verifyToken: (token: string, options?: VerifyOptions) => Effect.Effect<SessionClaims, ClerkTokenError>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class TokenVerifier extends Context.Tag("effect-clerk/TokenVerifier")<TokenVerifier, TokenVerifierService>() {}

/**
 * Imports the key and checks the options once. A bad key, an issuer that cannot be pinned or a bad clock
 * skew is an `IllegalArgumentException` naming the option.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<TokenVerifierService, Cause.IllegalArgumentException> =>
  Effect.gen(function*() {
    const instance = yield* SessionRules.instance(options, NAME)
    const keys = yield* SessionRules.localKeys(options.jwtKey, NAME)
    const pinned = SessionRules.issuers(options, instance)
    const rulesFor = yield* SessionRules.rules(options, pinned, NAME)
    if (pinned === undefined) {
      return yield* SessionRules.illegal(NAME, "the issuer cannot be pinned: give publishableKey, proxyUrl or issuer")
    }
    const verifier = Verifier.make(keys, Verifier.session)
    return {
      verifyToken: (token, verifyOptions) =>
        typeof token !== "string" ? Effect.fail(SessionRules.notAString) : verifier.verify(token, rulesFor(verifyOptions))
    }
  })

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<TokenVerifier, Cause.IllegalArgumentException> =>
  Layer.effect(TokenVerifier, make(options))

/**
 * @since 0.1.0
 * @category accessors
 */
export const verifyToken = (
  token: string,
  options?: VerifyOptions
): Effect.Effect<SessionClaims, ClerkTokenError, TokenVerifier> =>
  Effect.flatMap(TokenVerifier, (verifier) => verifier.verifyToken(token, options))
