/**
 * RSA public keys, imported once into WebCrypto keys: from the PEM or JWK of a `jwtKey`, or from the keys
 * of a JWKS. Verification then never parses or imports a key.
 */
import * as Effect from "effect/Effect"
import { importJWK, importSPKI } from "jose/key/import"
import type { KeyObject } from "node:crypto"
import { type Algorithm, ALGORITHMS, isAlgorithm } from "./jwt.js"
import * as Signature from "./signature.js"

/**
 * A JSON Web Key as Clerk's JWKS serves it. Only RSA signing keys are used; the rest are skipped.
 */
export interface JwkLike {
  readonly kty: string
  readonly kid?: string | undefined
  readonly alg?: string | undefined
  readonly use?: string | undefined
  readonly n?: string | undefined
  readonly e?: string | undefined
}

/**
 * One public key, as a WebCrypto key per algorithm it may verify (WebCrypto binds the hash to the key).
 * `retired` is set when a refreshed JWKS no longer holds the key: the tokens it verified are then no
 * longer taken from the signature cache.
 */
export interface VerifyKey {
  readonly kid: string | undefined
  /** Equal for the same key material and algorithm: a refreshed JWKS reuses the keys it still holds. */
  readonly identity: string
  readonly byAlgorithm: Readonly<Partial<Record<Algorithm, CryptoKey>>>
  /** The same key for node:crypto, where it is available (see `signature.ts`). */
  readonly keyObject: KeyObject | undefined
  retired: boolean
}

/** Below this, RSA is breakable; the same floor as jose's (RFC 7518 §3.3). */
export const MIN_MODULUS_LENGTH = 2048

const ALL_ALGORITHMS: ReadonlyArray<Algorithm> = Object.keys(ALGORITHMS).filter(isAlgorithm)

const modulusLength = (algorithm: KeyAlgorithm): number | undefined =>
  "modulusLength" in algorithm && typeof algorithm.modulusLength === "number" ? algorithm.modulusLength : undefined

const importEach = (
  kid: string | undefined,
  identity: string,
  algorithms: ReadonlyArray<Algorithm>,
  importFor: (alg: Algorithm) => Promise<CryptoKey>
): Effect.Effect<VerifyKey, string> =>
  Effect.flatMap(
    Effect.tryPromise({
      try: () => Promise.all(algorithms.map((alg) => importFor(alg).then((key) => [alg, key] as const))),
      catch: () => "not an RSA public key"
    }),
    (imported) => {
      const byAlgorithm: Partial<Record<Algorithm, CryptoKey>> = {}
      let keyObject: KeyObject | undefined
      for (const [alg, key] of imported) {
        const bits = modulusLength(key.algorithm)
        if (key.type !== "public" || bits === undefined) return Effect.fail("not an RSA public key")
        if (bits < MIN_MODULUS_LENGTH) {
          return Effect.fail(`an RSA key of ${bits} bits (at least ${MIN_MODULUS_LENGTH} are needed)`)
        }
        byAlgorithm[alg] = key
        keyObject ??= Signature.toKeyObject(key)
      }
      return Effect.succeed({ kid, identity, byAlgorithm, keyObject, retired: false })
    }
  )

/**
 * A PEM-encoded SPKI public key (`-----BEGIN PUBLIC KEY-----`), the form of the Dashboard's "JWT public
 * key" and of `CLERK_JWT_KEY`. Literal `\n` sequences (an environment variable pasted on one line) are
 * read as line breaks.
 */
export const fromPem = (pem: string): Effect.Effect<VerifyKey, string> => {
  const normalized = pem.replace(/\\n/g, "\n").trim()
  return importEach(undefined, normalized, ALL_ALGORITHMS, (alg) => importSPKI(normalized, alg))
}

/**
 * An RSA JWK. Only its public members (`n`, `e`) are imported, so a private JWK passed by mistake is never
 * held as a private key. A declared `alg` limits the key to that algorithm.
 */
export const fromJwk = (jwk: JwkLike): Effect.Effect<VerifyKey, string> => {
  const { alg, e, kid, n } = jwk
  if (jwk.kty !== "RSA" || typeof n !== "string" || typeof e !== "string") return Effect.fail("not an RSA key")
  if (jwk.use !== undefined && jwk.use !== "sig") return Effect.fail("not a signing key")
  if (alg !== undefined && !isAlgorithm(alg)) return Effect.fail("not an RS256, RS384 or RS512 key")
  const algorithms = alg === undefined ? ALL_ALGORITHMS : [alg]
  return importEach(
    kid,
    `${kid ?? ""}.${alg ?? ""}.${n}.${e}`,
    algorithms,
    (alg) => importJWK({ kty: "RSA", n, e }, alg)
  )
}
