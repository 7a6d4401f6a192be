// Networkless verification with a PEM public key (jwtKey), through the standalone TokenVerifier.
import * as Effect from "effect/Effect"
import * as TokenVerifier from "effect-clerk/TokenVerifier"

const VerifierLive = TokenVerifier.layer({
  jwtKey: process.env.CLERK_JWT_KEY ?? "",
  publishableKey: process.env.CLERK_PUBLISHABLE_KEY ?? ""
})

Effect.runPromise(TokenVerifier.verifyToken(process.argv[2] ?? "").pipe(Effect.provide(VerifierLive))).then(
  console.log,
  console.error
)
