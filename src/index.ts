/**
 * effect-clerk: Clerk's Backend API as Effect services.
 *
 * @since 0.1.0
 */
export * from "../schemas/Models.js"
export * from "../services/index.js"
export * as Clerk from "./Clerk.js"
export { ClerkLive } from "./Clerk.js"
export {
  ClerkAuth,
  ClerkMachineTokenError,
  ClerkTokenError,
  JwksSource,
  MachineTokenVerifier,
  SessionBackend,
  SessionBackendError
} from "./ClerkAuth.js"
export type {
  AcceptsToken,
  AuthenticateRequestOptions,
  AuthObject,
  AuthReason,
  Handshake,
  MachineAuthObject,
  MachineToken,
  RequestInput,
  RequestState,
  SessionClaims,
  SignedIn,
  SignedInAuthObject,
  SignedOut,
  SignedOutAuthObject,
  TokenType
} from "./ClerkAuth.js"
export * as ClerkAuthLive from "./ClerkAuthLive.js"
export * as ClerkClient from "./ClerkClient.js"
export * from "./ClerkError.js"
export * as ClerkMiddleware from "./ClerkMiddleware.js"
export * as TokenVerifier from "./TokenVerifier.js"
export { CurrentAuth } from "./ClerkMiddleware.js"
export * as Retry from "./Retry.js"
export { ClerkWebhookError, WebhookEvent, Webhooks } from "./Webhooks.js"
