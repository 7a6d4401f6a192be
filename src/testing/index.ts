/**
 * `effect-clerk/testing`: an offline Clerk for tests, examples and local development. Its local HTTP
 * server is `effect-clerk/testing/OfflineServer`, a module of its own as it needs `node:http`.
 *
 * @since 0.1.0
 */
export * as ClerkTest from "./ClerkTest.js"
export * as Faults from "./Faults.js"
export * as Fixtures from "./fixtures.js"
export {
  allOperations,
  type ApiRequest,
  type ApiResponse,
  type ExchangeResult,
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
  type SignedWebhook,
  type WebhookDelivery,
  type WebhookOptions,
  type Wire
} from "./OfflineClerk.js"
