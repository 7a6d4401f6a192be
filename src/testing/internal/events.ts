/**
 * Which webhook events a committed request implies. The rows a transaction touched are compared before and
 * after: a row that appears is `….created`, one that goes is `….deleted`, one that changes is `….updated`
 * (or, for sessions and invitations, the event of its new status). Deriving the events from the writes, rather
 * than from each route, means a cascade (a deleted user's memberships) and every route added later emit what
 * they change without anyone remembering to.
 *
 * `data` is the resource's wire JSON as the Backend API returns it, read in the world the change left (the
 * world before, for what was deleted); deletions of users and organizations carry Clerk's `DeletedObject`.
 */
import * as Model from "./model.js"
import * as Serialize from "./serialize.js"
import type { Raised, Tx } from "./tx.js"

export interface Event {
  readonly type: string
  readonly data: Readonly<Record<string, unknown>>
}

type Change<T> =
  | { readonly _tag: "Created"; readonly after: T }
  | { readonly _tag: "Updated"; readonly before: T; readonly after: T }
  | { readonly _tag: "Deleted"; readonly before: T }

const changes = <T extends Model.Table>(
  before: Model.World,
  after: Model.World,
  touched: ReadonlyMap<Model.Table, ReadonlySet<string>>,
  table: T
): Array<Change<Model.Rows[T]>> => {
  const out: Array<Change<Model.Rows[T]> & { readonly seq: number }> = []
  for (const id of touched.get(table) ?? []) {
    const old = Model.get(before, table, id)
    const now = Model.get(after, table, id)
    if (old === now) continue
    if (old === undefined && now !== undefined) out.push({ _tag: "Created", after: now, seq: now.seq })
    else if (old !== undefined && now === undefined) out.push({ _tag: "Deleted", before: old, seq: old.seq })
    else if (old !== undefined && now !== undefined) out.push({ _tag: "Updated", before: old, after: now, seq: now.seq })
  }
  return out.sort((a, b) => a.seq - b.seq)
}

/** Whether any field but `ignored` differs: a shallow comparison, as rows are replaced whole. */
const differs = <T extends object>(a: T, b: T, ignored: ReadonlySet<string> = new Set()): boolean =>
  Object.keys(b).some((key) => !ignored.has(key) && Reflect.get(a, key) !== Reflect.get(b, key))

// Signing in moves `last_sign_in_at` and `last_active_at`; Clerk reports that as `session.created`, not as
// `user.updated`.
const USER_ACTIVITY: ReadonlySet<string> = new Set(["lastSignInAt", "lastActiveAt"])

/** The session event for a status a session moved to; the statuses with no event of their own have none. */
const SESSION_EVENTS: Readonly<Record<string, string>> = {
  revoked: "session.revoked",
  ended: "session.ended",
  removed: "session.removed",
  pending: "session.pending"
}

const INVITATION_EVENTS: Readonly<Record<string, string>> = {
  revoked: "organizationInvitation.revoked",
  accepted: "organizationInvitation.accepted"
}

const sessionData = (world: Model.World, row: Model.SessionRow, now: number) => {
  const user = Model.get(world, "users", row.userId)
  return user === undefined ? undefined : { ...Serialize.session(row), user: Serialize.user(world, user, now) }
}

/**
 * The events of one committed transaction, in the order Clerk would send them: what was made or changed
 * (users, organizations, memberships, invitations, sessions), then what the routes raised (emails), then what
 * was deleted, dependents first.
 */
export const of = (before: Model.World, tx: Pick<Tx, "world" | "touched" | "raised" | "now">): Array<Event> => {
  const after = tx.world
  const now = tx.now
  const made: Array<Event> = []
  const deletedUsers: Array<Event> = []
  const deletedOrganizations: Array<Event> = []
  const deletedMemberships: Array<Event> = []
  const deletedOther: Array<Event> = []

  const users = changes(before, after, tx.touched, "users")
  const updatedUsers = new Set<string>()
  for (const change of users) {
    if (change._tag === "Created") made.push({ type: "user.created", data: Serialize.user(after, change.after, now) })
    else if (change._tag === "Updated" && differs(change.before, change.after, USER_ACTIVITY)) {
      updatedUsers.add(change.after.id)
    } else if (change._tag === "Deleted") {
      const externalId = change.before.externalId
      deletedUsers.push({
        type: "user.deleted",
        data: Serialize.deleted("user", change.before.id, externalId === null ? {} : { external_id: externalId })
      })
    }
  }
  // A verified, added or removed email address or phone number changes the user it belongs to.
  for (const change of changes(before, after, tx.touched, "identifications")) {
    const userId = change._tag === "Deleted" ? change.before.userId : change.after.userId
    if (Model.get(before, "users", userId) !== undefined) updatedUsers.add(userId)
  }
  for (const id of updatedUsers) {
    const row = Model.get(after, "users", id)
    if (row !== undefined) made.push({ type: "user.updated", data: Serialize.user(after, row, now) })
  }

  for (const change of changes(before, after, tx.touched, "organizations")) {
    if (change._tag === "Created") {
      made.push({ type: "organization.created", data: Serialize.organization(after, change.after) })
    } else if (change._tag === "Updated") {
      if (differs(change.before, change.after)) {
        made.push({ type: "organization.updated", data: Serialize.organization(after, change.after) })
      }
    } else {
      deletedOrganizations.push({
        type: "organization.deleted",
        data: Serialize.deleted("organization", change.before.id, { slug: change.before.slug })
      })
    }
  }

  for (const change of changes(before, after, tx.touched, "memberships")) {
    if (change._tag === "Created") {
      made.push({ type: "organizationMembership.created", data: Serialize.membership(after, change.after) })
    } else if (change._tag === "Updated") {
      if (differs(change.before, change.after)) {
        made.push({ type: "organizationMembership.updated", data: Serialize.membership(after, change.after) })
      }
    } else {
      // What `DELETE /organizations/{id}/memberships/{user_id}` answers: the membership as it was.
      deletedMemberships.push({ type: "organizationMembership.deleted", data: Serialize.membership(before, change.before) })
    }
  }

  for (const change of changes(before, after, tx.touched, "organizationInvitations")) {
    if (change._tag === "Created") {
      made.push({ type: "organizationInvitation.created", data: Serialize.organizationInvitation(after, change.after) })
    } else if (change._tag === "Updated" && change.before.status !== change.after.status) {
      const type = INVITATION_EVENTS[change.after.status]
      if (type === undefined) continue
      const data = Serialize.organizationInvitation(after, change.after)
      if (change.after.status !== "accepted") {
        made.push({ type, data })
        continue
      }
      // `organizationInvitation.accepted` names the user who accepted: the one who now holds the address.
      const [holder] = Model.lookup(after, "identifications", Model.identifierKey("email_address", change.after.emailAddress))
      if (holder !== undefined) made.push({ type, data: { ...data, user_id: holder.userId } })
    }
  }

  for (const change of changes(before, after, tx.touched, "organizationDomains")) {
    if (change._tag === "Deleted") {
      deletedOther.push({ type: "organizationDomain.deleted", data: Serialize.deleted("organization_domain", change.before.id) })
    } else if (change._tag === "Created" || differs(change.before, change.after)) {
      const type = change._tag === "Created" ? "organizationDomain.created" : "organizationDomain.updated"
      made.push({ type, data: Serialize.organizationDomain(after, change.after) })
    }
  }

  // Permissions before roles: a role made with new permissions names them.
  for (const change of changes(before, after, tx.touched, "permissions")) {
    if (change._tag === "Deleted") {
      deletedOther.push({ type: "permission.deleted", data: Serialize.deleted("permission", change.before.id) })
    } else if (change._tag === "Created" || differs(change.before, change.after)) {
      const type = change._tag === "Created" ? "permission.created" : "permission.updated"
      made.push({ type, data: Serialize.permission(change.after) })
    }
  }
  for (const change of changes(before, after, tx.touched, "roles")) {
    if (change._tag === "Deleted") {
      deletedOther.push({ type: "role.deleted", data: Serialize.deleted("role", change.before.id) })
    } else if (change._tag === "Created" || differs(change.before, change.after)) {
      const type = change._tag === "Created" ? "role.created" : "role.updated"
      made.push({ type, data: Serialize.role(after, change.after) })
    }
  }

  for (const change of changes(before, after, tx.touched, "waitlistEntries")) {
    if (change._tag === "Created") {
      made.push({ type: "waitlistEntry.created", data: Serialize.waitlistEntry(after, change.after) })
    } else if (change._tag === "Updated" && differs(change.before, change.after)) {
      made.push({ type: "waitlistEntry.updated", data: Serialize.waitlistEntry(after, change.after) })
    }
  }

  for (const change of changes(before, after, tx.touched, "sessions")) {
    if (change._tag === "Created") {
      const data = sessionData(after, change.after, now)
      const type = change.after.status === "pending" ? "session.pending" : "session.created"
      if (data !== undefined) made.push({ type, data })
    } else if (change._tag === "Updated" && change.before.status !== change.after.status) {
      const type = SESSION_EVENTS[change.after.status]
      const data = sessionData(after, change.after, now)
      if (type !== undefined && data !== undefined) made.push({ type, data })
    }
  }

  return [
    ...made,
    ...tx.raised.map((event: Raised): Event => ({ type: event.type, data: event.data })),
    ...deletedMemberships,
    ...deletedOther,
    ...deletedOrganizations,
    ...deletedUsers
  ]
}
