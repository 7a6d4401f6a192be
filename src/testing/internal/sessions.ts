/**
 * Sessions: signing a user in (what `POST /sessions` and the token helpers do), and the expiry rule.
 */
import * as Effect from "effect/Effect"
import * as Errors from "./errors.js"
import type * as Model from "./model.js"
import * as Organizations from "./organizations.js"
import * as Serialize from "./serialize.js"
import type { Tx } from "./tx.js"
import * as Users from "./users.js"

/** Clerk's defaults: a session lasts 7 days, and is abandoned after 30 days without activity. */
const SESSION_MILLIS = 7 * 86_400_000
const ABANDON_MILLIS = 30 * 86_400_000
const DAY_MILLIS = 86_400_000

/** The status as of `now`: an active session past `expire_at` has expired. */
export const current = (row: Model.SessionRow, now: number): Model.SessionRow =>
  row.status === "active" && now >= row.expireAt ? { ...row, status: "expired" } : row

export const find = (tx: Tx, id: string): Effect.Effect<Model.SessionRow, Errors.ApiFailure> => {
  const row = tx.get("sessions", id)
  return row === undefined ? Effect.fail(Errors.notFound("Session")) : Effect.succeed(current(row, tx.now))
}

/** Signs a user in: a new client with one active session, optionally with an active organization. */
export const create = (
  tx: Tx,
  input: {
    readonly userId: string
    readonly organizationId?: string | undefined
    readonly actor?: Model.Metadata | undefined
  }
): Effect.Effect<Model.SessionRow, Errors.ApiFailure> =>
  Effect.gen(function*() {
    const user = yield* Users.find(tx, input.userId)
    if (user.banned) return yield* Errors.unprocessable("user_banned", "This user is banned and cannot sign in.", "user_id")
    if (Serialize.isLocked(user, tx.now)) {
      return yield* Errors.unprocessable("user_locked", "This user is locked and cannot sign in.", "user_id")
    }
    let organizationId: string | null = null
    if (input.organizationId !== undefined) {
      const org = yield* Organizations.find(tx, input.organizationId)
      if (Organizations.membershipOf(tx, org.id, user.id) === undefined) {
        return yield* Errors.valueInvalid("active_organization_id", "The user is not a member of this organization.")
      }
      organizationId = org.id
    }
    const session = tx.put("sessions", {
      id: tx.id("sess"),
      seq: tx.seq(),
      userId: user.id,
      clientId: tx.id("client"),
      status: "active",
      lastActiveOrganizationId: organizationId,
      actor: input.actor ?? null,
      lastActiveAt: tx.now,
      expireAt: tx.now + SESSION_MILLIS,
      abandonAt: tx.now + ABANDON_MILLIS,
      createdAt: tx.now,
      updatedAt: tx.now
    })
    // Signing in is activity: Clerk keeps `last_active_at` to the day.
    tx.put("users", { ...user, lastSignInAt: tx.now, lastActiveAt: tx.now - (tx.now % DAY_MILLIS) })
    return session
  })
