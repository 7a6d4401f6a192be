// The same verification with @clerk/backend's verifyToken and a jwtKey.
import { verifyToken } from "@clerk/backend"

verifyToken(process.argv[2] ?? "", { jwtKey: process.env.CLERK_JWT_KEY ?? "" }).then(console.log, console.error)
