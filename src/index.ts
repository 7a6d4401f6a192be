/**
 * effect-clerk: Clerk's Backend API as Effect services.
 *
 * @since 0.1.0
 */
export * from "../schemas/Models.js"
export * from "../services/index.js"
export * as Clerk from "./Clerk.js"
export { ClerkLive } from "./Clerk.js"
export * as ClerkClient from "./ClerkClient.js"
export * from "./ClerkError.js"
export * as Retry from "./Retry.js"
export { ClerkWebhookError, WebhookEvent, Webhooks } from "./Webhooks.js"
