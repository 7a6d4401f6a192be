// Networkless verification with a PEM public key (jwtKey), through ClerkAuth.
import * as Effect from "effect/Effect"
import { ClerkAuth } from "effect-clerk/ClerkAuth"

const AuthLive = ClerkAuth.layer({
  jwtKey: process.env.CLERK_JWT_KEY ?? "",
  publishableKey: process.env.CLERK_PUBLISHABLE_KEY ?? ""
})

Effect.runPromise(ClerkAuth.verifyToken(process.argv[2] ?? "").pipe(Effect.provide(AuthLive))).then(
  console.log,
  console.error
)
