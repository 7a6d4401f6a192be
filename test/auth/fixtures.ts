/**
 * Keys, tokens and a fake JWKS for the auth tests. Every key is generated here, in the test run; no token
 * or key is checked in.
 */
import { createHmac, generateKeyPairSync } from "node:crypto"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import * as jose from "jose"
import { type JwkLike, JwksFetchError, JwksSource } from "../../src/ClerkAuth.js"

/** The instance under test: its Frontend API, publishable key and issuer. */
export const FAPI = "happy-hippo-42.clerk.accounts.dev"
export const PUBLISHABLE_KEY = `pk_test_${btoa(`${FAPI}$`).replace(/=+$/, "")}`
export const ISSUER = `https://${FAPI}`
export const ORIGIN = "https://app.example.com"

/** "Now" in the tests, unix seconds. */
export const NOW = 1_750_000_000

export const setNow = (seconds: number) => TestClock.setTime(seconds * 1000)

export interface TestKey {
  readonly bits: number
  readonly privateKey: CryptoKey
  readonly publicKey: CryptoKey
  readonly pem: string
  readonly jwk: jose.JWK
}

export const generateKey = async (bits: number, alg = "RS256"): Promise<TestKey> => {
  const { privateKey, publicKey } = await jose.generateKeyPair(alg, { modulusLength: bits, extractable: true })
  return { bits, privateKey, publicKey, pem: await jose.exportSPKI(publicKey), jwk: await jose.exportJWK(publicKey) }
}

/** An RSA-1024 public key, which jose will not even generate: for the tests that it is refused. */
export const weakKey = (): { readonly pem: string; readonly jwk: JwkLike } => {
  const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 1024 })
  const jwk = publicKey.export({ format: "jwk" })
  return {
    pem: publicKey.export({ format: "pem", type: "spki" }).toString(),
    jwk: { kty: "RSA", n: jwk.n, e: jwk.e }
  }
}

export const base64url = (input: string | Uint8Array): string => Buffer.from(input).toString("base64url")

export interface SignOptions {
  readonly alg?: "RS256" | "RS384" | "RS512"
  /** Replaces the default header (`{ alg, typ: "JWT", kid: "ins_1" }`); `undefined` values drop a field. */
  readonly header?: Record<string, unknown>
}

/** A v2 session token's claims, valid at `NOW`, from `ORIGIN`, for `ISSUER`. */
export const claims = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  azp: ORIGIN,
  exp: NOW + 60,
  fva: [2, -1],
  iat: NOW - 5,
  iss: ISSUER,
  jti: "a1b2c3d4e5f6",
  nbf: NOW - 10,
  sid: "sess_2xS3ss10n",
  sts: "active",
  sub: "user_2xUs3r",
  v: 2,
  ...overrides
})

const withoutUndefined = (record: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined))

// WebCrypto binds a key to one hash: the RS384/RS512 signing keys are the same key imported again.
const signingKeys = new WeakMap<TestKey, Map<string, Promise<CryptoKey>>>()

const signingKey = (key: TestKey, alg: string): Promise<CryptoKey> => {
  if (alg === "RS256") return Promise.resolve(key.privateKey)
  const byAlg = signingKeys.get(key) ?? new Map<string, Promise<CryptoKey>>()
  signingKeys.set(key, byAlg)
  const existing = byAlg.get(alg)
  if (existing !== undefined) return existing
  const imported = jose.exportPKCS8(key.privateKey).then((pkcs8) => jose.importPKCS8(pkcs8, alg))
  byAlg.set(alg, imported)
  return imported
}

/** Signs a payload as given (no defaults added, `undefined` claims dropped). */
export const sign = async (key: TestKey, payload: Record<string, unknown>, options: SignOptions = {}): Promise<string> => {
  const alg = options.alg ?? "RS256"
  const header = withoutUndefined({ alg, typ: "JWT", kid: "ins_1", ...options.header })
  return new jose.CompactSign(new TextEncoder().encode(JSON.stringify(withoutUndefined(payload))))
    .setProtectedHeader({ ...header, alg: typeof header["alg"] === "string" ? header["alg"] : alg })
    .sign(await signingKey(key, alg))
}

/** A token assembled by hand: any header, any payload, any signature. */
export const rawToken = (header: unknown, payload: unknown, signature = ""): string =>
  `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}.${signature}`

/** The classic algorithm-confusion forgery: HS256, with the RSA public key (PEM text) as the HMAC secret. */
export const hs256WithPublicKey = (pem: string, payload: Record<string, unknown>): string => {
  const input = `${base64url(JSON.stringify({ alg: "HS256", typ: "JWT", kid: "ins_1" }))}.${
    base64url(JSON.stringify(payload))
  }`
  return `${input}.${createHmac("sha256", pem).update(input).digest("base64url")}`
}

/** The public JWK of a key, as Clerk's JWKS lists it. */
export const jwkOf = (key: TestKey, kid: string): JwkLike => ({ ...key.jwk, kty: "RSA", kid, alg: "RS256", use: "sig" })

/**
 * A JWKS that counts its fetches and answers what the test sets: keys, a failure, and a delay (on the
 * TestClock) that keeps a fetch in flight while other verifications arrive.
 */
export interface FakeJwks {
  keys: ReadonlyArray<JwkLike>
  failure: JwksFetchError | undefined
  delaySeconds: number
  fetches: number
}

export const fakeJwks = (keys: ReadonlyArray<JwkLike>): { readonly state: FakeJwks; readonly layer: Layer.Layer<JwksSource> } => {
  const state: FakeJwks = { keys, failure: undefined, delaySeconds: 0, fetches: 0 }
  const fetch = Effect.suspend(() => {
    state.fetches++
    const answer = state.failure === undefined ? Effect.succeed(state.keys) : Effect.fail(state.failure)
    return state.delaySeconds > 0 ? Effect.zipRight(Effect.sleep(`${state.delaySeconds} seconds`), answer) : answer
  })
  return { state, layer: Layer.succeed(JwksSource, { fetch }) }
}

export const unavailable = new JwksFetchError({ reason: "Unavailable", description: "503 from the Backend API" })
