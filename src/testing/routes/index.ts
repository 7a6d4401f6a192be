/**
 * Every route the offline Clerk implements, by operationId.
 *
 * @since 0.1.0
 */
import type { Routes } from "../internal/router.js"
import { routes as apiKeys } from "./apiKeys.js"
import { routes as emailAddresses } from "./emailAddresses.js"
import { routes as instance } from "./instance.js"
import { routes as invitations } from "./invitations.js"
import { routes as jwtTemplates } from "./jwtTemplates.js"
import { routes as machines } from "./machines.js"
import { routes as memberships } from "./memberships.js"
import { routes as organizationDomains } from "./organizationDomains.js"
import { routes as organizationInvitations } from "./organizationInvitations.js"
import { routes as organizations } from "./organizations.js"
import { routes as phoneNumbers } from "./phoneNumbers.js"
import { routes as redirectUrls } from "./redirectUrls.js"
import { routes as restrictions } from "./restrictions.js"
import { routes as roles } from "./roles.js"
import { routes as sessions } from "./sessions.js"
import { routes as tokens } from "./tokens.js"
import { routes as userCredentials } from "./userCredentials.js"
import { routes as users } from "./users.js"
import { routes as waitlist } from "./waitlist.js"

/**
 * @since 0.1.0
 * @category routes
 */
export const routes: Routes = {
  ...users,
  ...userCredentials,
  ...emailAddresses,
  ...phoneNumbers,
  ...organizations,
  ...memberships,
  ...organizationInvitations,
  ...invitations,
  ...restrictions,
  ...redirectUrls,
  ...tokens,
  ...jwtTemplates,
  ...sessions,
  ...organizationDomains,
  ...roles,
  ...waitlist,
  ...machines,
  ...apiKeys,
  ...instance
}
