// The same program with @clerk/backend.
import { createClerkClient } from "@clerk/backend"

const clerk = createClerkClient({ secretKey: process.env.CLERK_SECRET_KEY ?? "" })
clerk.users.getUser("user_2x").then(console.log, console.error)
