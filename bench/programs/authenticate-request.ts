// Request authentication with a PEM public key (jwtKey), through ClerkAuth.
import * as Effect from "effect/Effect"
import { ClerkAuth } from "effect-clerk/ClerkAuth"

const AuthLive = ClerkAuth.layer({
  jwtKey: process.env.CLERK_JWT_KEY ?? "",
  publishableKey: process.env.CLERK_PUBLISHABLE_KEY ?? ""
})

const request = new Request("https://www.example.com/api/me", { headers: { authorization: `Bearer ${process.argv[2] ?? ""}` } })

Effect.runPromise(ClerkAuth.authenticateRequest(request).pipe(Effect.provide(AuthLive))).then(console.log, console.error)
