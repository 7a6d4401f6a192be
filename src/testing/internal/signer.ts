/**
 * The offline Clerk's signing key: an RS256 key pair of its own, made on first use (RSA key generation takes
 * a noticeable moment, and most tests never mint a token), whose public half `GET /jwks` serves, so
 * `ClerkAuth` verifies the fake's tokens with no configuration beyond the test layer.
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import { exportJWK, generateKeyPair, importPKCS8, type JWK, SignJWT } from "jose"
import * as Errors from "./errors.js"

export interface SignerService {
  /** The key id, in every token's header and in the JWKS. */
  readonly kid: string
  /** The `iss` of every token: the instance's Frontend API URL. */
  readonly issuer: string
  /** The public key as served by `GET /jwks`. */
  readonly jwk: Effect.Effect<JWK>
  /** Signs claims with the instance key (RS256). */
  readonly sign: (claims: Record<string, unknown>) => Effect.Effect<string>
  /** Signs claims with a JWT template's own key: a shared secret for HS*, a PKCS#8 PEM otherwise. */
  readonly signWith: (
    claims: Record<string, unknown>,
    algorithm: string,
    key: string
  ) => Effect.Effect<string, Errors.ApiFailure>
}

export class Signer extends Context.Tag("effect-clerk/testing/Signer")<Signer, SignerService>() {}

const header = (alg: string, kid?: string) => ({ alg, typ: "JWT", ...(kid === undefined ? {} : { kid }) })

export const make = (options: { readonly kid: string; readonly issuer: string }): Effect.Effect<SignerService> =>
  Effect.map(
    Effect.cached(Effect.promise(() => generateKeyPair("RS256", { extractable: true }))),
    (keys): SignerService => ({
      kid: options.kid,
      issuer: options.issuer,
      jwk: Effect.flatMap(keys, (pair) =>
        Effect.promise(async () => ({
          ...(await exportJWK(pair.publicKey)),
          kid: options.kid,
          alg: "RS256",
          use: "sig"
        }))),
      sign: (claims) =>
        Effect.flatMap(keys, (pair) =>
          Effect.promise(() => new SignJWT(claims).setProtectedHeader(header("RS256", options.kid)).sign(pair.privateKey))),
      signWith: (claims, algorithm, key) =>
        Effect.tryPromise({
          try: async () => {
            const secret = algorithm.startsWith("HS") ? new TextEncoder().encode(key) : await importPKCS8(key, algorithm)
            return new SignJWT(claims).setProtectedHeader(header(algorithm)).sign(secret)
          },
          catch: () =>
            Errors.unprocessable(
              "jwt_template_signing_key_invalid",
              `The template's signing key cannot sign ${algorithm} tokens.`,
              "signing_key"
            )
        })
    })
  )
