/**
 * Clerk session tokens for the benchmarks, signed RS256 here with a key generated per run: a development
 * instance (`pk_test_…`) and a production one (`pk_live_…`, whose cookies `authenticateRequest` reads
 * without a dev browser).
 */
import * as nodeCrypto from "node:crypto"

export interface Instance {
  readonly publishableKey: string
  readonly issuer: string
  /** The app's origin: the token's `azp`, and the authorized party. */
  readonly origin: string
}

const instance = (prefix: "pk_test" | "pk_live", frontendApi: string, origin: string): Instance => ({
  publishableKey: `${prefix}_${btoa(`${frontendApi}$`).replace(/=+$/, "")}`,
  issuer: `https://${frontendApi}`,
  origin
})

export const DEVELOPMENT = instance("pk_test", "happy-hippo-42.clerk.accounts.dev", "https://app.example.com")
export const PRODUCTION = instance("pk_live", "clerk.example.com", "https://www.example.com")

const b64url = (input: string | Buffer) => Buffer.from(input).toString("base64url")

/** A v2 Clerk session token of `instance`, valid for the next hour, signed RS256 with `key`; `i` makes it unique. */
export const signToken = (key: nodeCrypto.KeyObject, instance: Instance, i: number): string => {
  const now = Math.floor(Date.now() / 1000)
  const header = b64url(JSON.stringify({ alg: "RS256", typ: "JWT", kid: "ins_2bench" }))
  const payload = b64url(JSON.stringify({
    azp: instance.origin,
    exp: now + 3600,
    fva: [2, -1],
    iat: now - 5,
    iss: instance.issuer,
    jti: `jti${i.toString(36)}`,
    nbf: now - 10,
    sid: `sess_2bench${String(i).padStart(8, "0")}`,
    sts: "active",
    sub: `user_2bench${String(i).padStart(8, "0")}`,
    v: 2
  }))
  const input = `${header}.${payload}`
  return `${input}.${b64url(nodeCrypto.sign("RSA-SHA256", Buffer.from(input), key))}`
}

/** An RSA-2048 key pair and its public key as the PEM a `jwtKey` is. */
export const generateKey = () => {
  const { publicKey, privateKey } = nodeCrypto.generateKeyPairSync("rsa", { modulusLength: 2048 })
  return { publicKey, privateKey, pem: publicKey.export({ format: "pem", type: "spki" }).toString() }
}
