// Cold start: only what a Users-only program loads (deep imports).
export * as FetchHttpClient from "@effect/platform/FetchHttpClient"
export * as ClerkClient from "effect-clerk/ClerkClient"
export { Users } from "effect-clerk/services/Users"
