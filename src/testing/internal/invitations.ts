/**
 * What invitations of both kinds share: the lifetime rule (a pending invitation past `expires_at` reads as
 * `expired`), the `expires_in_days` bounds, and the status filter.
 */
import * as Effect from "effect/Effect"
import * as Errors from "./errors.js"
import * as Input from "./input.js"
import type * as Model from "./model.js"

const DAY_MILLIS = 86_400_000

export const STATUSES = ["pending", "accepted", "revoked", "expired"] as const

/** The status as of `now`: Clerk reports a pending invitation past its expiry as expired. */
export const current = <R extends { readonly status: Model.InvitationStatus; readonly expiresAt: number | null }>(
  row: R,
  now: number
): R => row.status === "pending" && row.expiresAt !== null && now >= row.expiresAt ? { ...row, status: "expired" } : row

export const expiresAt = (
  now: number,
  days: number | null | undefined
): Effect.Effect<number, Errors.ApiFailure> => {
  const value = days ?? 30
  return value < 1 || value > 365
    ? Effect.fail(Errors.formatInvalid("expires_in_days", "between 1 and 365"))
    : Effect.succeed(now + value * DAY_MILLIS)
}

/** The `status` query filter. */
export const statusFilter = (request: Input.RouteRequest) =>
  Effect.map(
    Input.oneOf(request, "status", STATUSES),
    (status) => (row: { readonly status: Model.InvitationStatus }) => status === undefined || row.status === status
  )
