/**
 * What invitations of both kinds share: the lifetime rule (a pending invitation past `expires_at` reads as
 * `expired`), the `expires_in_days` bounds, and the status filter.
 */
import * as Effect from "effect/Effect"
import * as Errors from "./errors.js"
import * as Identifiers from "./identifiers.js"
import * as Input from "./input.js"
import * as Messages from "./messages.js"
import type * as Model from "./model.js"
import * as Serialize from "./serialize.js"
import type { Tx } from "./tx.js"

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

export interface NewInvitation {
  readonly emailAddress: string
  readonly publicMetadata?: Model.Metadata | null | undefined
  readonly redirectUrl?: string | null | undefined
  /** Send the invitation email (`email.created`); default true. */
  readonly notify?: boolean | null | undefined
  /** Make a new invitation even when one is pending for the address. */
  readonly ignoreExisting?: boolean | null | undefined
  readonly expiresInDays?: number | null | undefined
  readonly templateSlug?: string | null | undefined
}

/** An instance invitation, as `POST /invitations` makes it (and inviting a waitlist entry). */
export const create = (tx: Tx, input: NewInvitation): Effect.Effect<Model.InvitationRow, Errors.ApiFailure> =>
  Effect.gen(function*() {
    const email = yield* Identifiers.validate("email_address", input.emailAddress)
    if (Identifiers.owner(tx, "email_address", email) !== undefined) return yield* Errors.identifierExists("email_address")
    const pending = tx.find("invitations", (i) => i.emailAddress === email && current(i, tx.now).status === "pending")
    if (pending !== undefined && input.ignoreExisting !== true) {
      return yield* Errors.duplicate("email_address", `${email} already has a pending invitation.`)
    }
    const token = tx.token()
    const redirectUrl = input.redirectUrl ?? null
    const row = tx.put("invitations", {
      id: tx.id("inv"),
      seq: tx.seq(),
      emailAddress: email,
      publicMetadata: input.publicMetadata ?? {},
      status: "pending",
      url: redirectUrl === null
        ? Serialize.ticketUrl("sign-up", token)
        : `${redirectUrl}${redirectUrl.includes("?") ? "&" : "?"}__clerk_ticket=${token}`,
      expiresAt: yield* expiresAt(tx.now, input.expiresInDays),
      createdAt: tx.now,
      updatedAt: tx.now
    })
    if (input.notify !== false) {
      Messages.email(tx, {
        to: email,
        slug: input.templateSlug ?? "invitation",
        subject: "You have been invited",
        text: `You have been invited to sign up. Accept the invitation: ${row.url}`,
        data: { action_url: row.url, invitation_id: row.id }
      })
    }
    return row
  })
