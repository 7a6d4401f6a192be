/**
 * `effect-clerk/testing`: an offline Clerk for tests, examples and local development.
 *
 * @since 0.1.0
 */
export * as ClerkTest from "./ClerkTest.js"
export * as Fixtures from "./fixtures.js"
export {
  allOperations,
  type ApiRequest,
  type ApiResponse,
  implementedOperations,
  type Json,
  type LoggedRequest,
  type MintedSessionToken,
  type MintSessionToken,
  MalformedBody,
  OfflineClerk,
  OfflineClerkError,
  type OfflineClerkService,
  type Options,
  type Restrictions,
  type SeedMembership,
  type SeedOrganization,
  type SeedUser,
  type Wire
} from "./OfflineClerk.js"
