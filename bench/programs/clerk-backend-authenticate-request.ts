// The same request authentication with @clerk/backend's client and a jwtKey.
import { createClerkClient } from "@clerk/backend"

const clerk = createClerkClient({
  publishableKey: process.env.CLERK_PUBLISHABLE_KEY ?? "",
  jwtKey: process.env.CLERK_JWT_KEY ?? ""
})

const request = new Request("https://www.example.com/api/me", { headers: { authorization: `Bearer ${process.argv[2] ?? ""}` } })

clerk.authenticateRequest(request).then(console.log, console.error)
