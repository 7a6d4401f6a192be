/**
 * Every reason code `verifyToken` can fail with, each reached by a token built for it. The table is typed
 * as a record over the reasons, so a reason added to the union without a scenario here fails to compile.
 */
import { describe, expect, it } from "@effect/vitest"
import type * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as jose from "jose"
import { ClerkAuth, JwksFetchError, JwksSource, type TokenVerificationErrorReason } from "../../src/ClerkAuth.js"
import * as F from "./fixtures.js"

const key = await F.generateKey(2048)
const stranger = await F.generateKey(2048)
const ecKey = await jose.generateKeyPair("ES256", { extractable: true })
const ecJwk = { ...(await jose.exportJWK(ecKey.publicKey)), kty: "EC", kid: "ins_1", use: "sig" }

const networkless = (options: { readonly authorizedParties?: ReadonlyArray<string> } = {}) =>
  ClerkAuth.layer({ ...options, jwtKey: key.pem, publishableKey: F.PUBLISHABLE_KEY })

const fromJwks = (source: Layer.Layer<JwksSource>) =>
  ClerkAuth.layer({ publishableKey: F.PUBLISHABLE_KEY }).pipe(Layer.provide(source))

const failing = (reason: JwksFetchError["reason"]) =>
  Layer.succeed(JwksSource, { fetch: Effect.fail(new JwksFetchError({ reason, description: "test" })) })

interface Scenario {
  readonly token: () => Promise<string> | string
  readonly layer: Layer.Layer<ClerkAuth, Cause.IllegalArgumentException>
}

/**
 * `jwk-local-missing` is the one code left out: an unusable `jwtKey` is refused when the layer is built
 * (see "layer options" in verify.test.ts), so no verification can fail with it.
 */
type Produced = Exclude<TokenVerificationErrorReason, "jwk-local-missing">

const scenarios: Record<Produced, Scenario> = {
  "token-invalid": { token: () => "not-a-jwt", layer: networkless() },
  "token-invalid-algorithm": {
    token: () => F.rawToken({ alg: "none", typ: "JWT" }, F.claims()),
    layer: networkless()
  },
  "token-invalid-signature": { token: () => F.sign(stranger, F.claims()), layer: networkless() },
  "token-verification-failed": { token: () => F.sign(key, F.claims({ sub: 42 })), layer: networkless() },
  "token-expired": { token: () => F.sign(key, F.claims({ exp: F.NOW - 6 })), layer: networkless() },
  "token-not-active-yet": { token: () => F.sign(key, F.claims({ nbf: F.NOW + 6 })), layer: networkless() },
  "token-iat-in-the-future": { token: () => F.sign(key, F.claims({ iat: F.NOW + 6 })), layer: networkless() },
  "token-invalid-authorized-parties": {
    token: () => F.sign(key, F.claims({ azp: "https://evil.example" })),
    layer: networkless({ authorizedParties: [F.ORIGIN] })
  },
  "token-invalid-issuer": {
    token: () => F.sign(key, F.claims({ iss: "https://other-instance-7.clerk.accounts.dev" })),
    layer: networkless()
  },
  "jwk-failed-to-resolve": { token: () => F.sign(key, F.claims()), layer: fromJwks(JwksSource.none) },
  "jwk-kid-mismatch": {
    token: () => F.sign(key, F.claims()),
    layer: fromJwks(JwksSource.fromKeys([F.jwkOf(key, "ins_other")]))
  },
  "jwk-remote-failed-to-load": { token: () => F.sign(key, F.claims()), layer: fromJwks(failing("Unavailable")) },
  "secret-key-invalid": { token: () => F.sign(key, F.claims()), layer: fromJwks(failing("InvalidSecretKey")) },
  "jwk-remote-invalid": { token: () => F.sign(key, F.claims()), layer: fromJwks(JwksSource.fromKeys([ecJwk])) }
}

describe("reason codes", () => {
  for (const [reason, scenario] of Object.entries(scenarios)) {
    it.effect(reason, () =>
      Effect.gen(function*() {
        yield* F.setNow(F.NOW)
        const token = yield* Effect.promise(async () => scenario.token())
        // `flip` only turns failures into values: a defect would still fail the test.
        const error = yield* Effect.flip(ClerkAuth.verifyToken(token).pipe(Effect.provide(Layer.orDie(scenario.layer))))
        expect(error._tag).toBe("ClerkTokenError")
        expect(error.reason).toBe(reason)
        expect(error.description.length).toBeGreaterThan(0)
        expect(String(error)).not.toContain(token)
      }))
  }
})
