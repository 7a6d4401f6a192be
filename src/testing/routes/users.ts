/**
 * Users: create, read, list and count with every filter, update, delete, ban, lock, metadata and the
 * profile image.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Errors from "../internal/errors.js"
import * as Input from "../internal/input.js"
import * as Listing from "../internal/listing.js"
import * as Metadata from "../internal/metadata.js"
import type * as Model from "../internal/model.js"
import type { Routes } from "../internal/router.js"
import * as Serialize from "../internal/serialize.js"
import type { Tx } from "../internal/tx.js"
import * as UserFilters from "../internal/userFilters.js"
import * as Users from "../internal/users.js"

const nullable = Input.nullable
const Status = Schema.Array(Schema.Literal("verified", "reserved"))

const CreateUserBody = Schema.Struct({
  external_id: nullable(Schema.String),
  first_name: nullable(Schema.String),
  last_name: nullable(Schema.String),
  locale: nullable(Schema.String),
  email_address: Schema.optional(Schema.Array(Schema.String)),
  email_address_identification_status: Schema.optional(Status),
  phone_number: Schema.optional(Schema.Array(Schema.String)),
  phone_number_identification_status: Schema.optional(Status),
  web3_wallet: Schema.optional(Schema.Array(Schema.String)),
  username: nullable(Schema.String),
  password: nullable(Schema.String),
  password_digest: nullable(Schema.String),
  password_hasher: Schema.optional(Schema.String),
  skip_password_checks: nullable(Schema.Boolean),
  skip_password_requirement: nullable(Schema.Boolean),
  totp_secret: nullable(Schema.String),
  backup_codes: Schema.optional(Schema.Array(Schema.String)),
  public_metadata: Schema.optional(Input.Metadata),
  private_metadata: Schema.optional(Input.Metadata),
  unsafe_metadata: Schema.optional(Input.Metadata),
  delete_self_enabled: nullable(Schema.Boolean),
  legal_accepted_at: nullable(Schema.String),
  skip_legal_checks: nullable(Schema.Boolean),
  skip_user_requirement: nullable(Schema.Boolean),
  create_organization_enabled: nullable(Schema.Boolean),
  create_organizations_limit: nullable(Schema.Int),
  created_at: nullable(Schema.String),
  bypass_client_trust: nullable(Schema.Boolean),
  banned: nullable(Schema.Boolean),
  locked: nullable(Schema.Boolean)
})

const UpdateUserBody = Schema.Struct({
  external_id: nullable(Schema.String),
  first_name: nullable(Schema.String),
  last_name: nullable(Schema.String),
  locale: nullable(Schema.String),
  primary_email_address_id: nullable(Schema.String),
  notify_primary_email_address_changed: nullable(Schema.Boolean),
  primary_phone_number_id: nullable(Schema.String),
  primary_web3_wallet_id: nullable(Schema.String),
  username: nullable(Schema.String),
  profile_image_id: nullable(Schema.String),
  password: nullable(Schema.String),
  password_digest: Schema.optional(Schema.String),
  password_hasher: Schema.optional(Schema.String),
  skip_password_checks: nullable(Schema.Boolean),
  sign_out_of_other_sessions: nullable(Schema.Boolean),
  totp_secret: nullable(Schema.String),
  backup_codes: Schema.optional(Schema.Array(Schema.String)),
  delete_self_enabled: nullable(Schema.Boolean),
  create_organization_enabled: nullable(Schema.Boolean),
  legal_accepted_at: nullable(Schema.String),
  skip_legal_checks: nullable(Schema.Boolean),
  create_organizations_limit: nullable(Schema.Int),
  created_at: nullable(Schema.String),
  bypass_client_trust: nullable(Schema.Boolean)
})

const MetadataBody = Schema.Struct({
  public_metadata: Schema.optional(Input.Metadata),
  private_metadata: Schema.optional(Input.Metadata),
  unsafe_metadata: Schema.optional(Input.Metadata)
})

const UserIdsBody = Schema.Struct({ user_ids: Schema.Array(Schema.String).pipe(Schema.maxItems(100)) })

const user = (tx: Tx, row: Model.UserRow) => Input.ok(Serialize.user(tx.world, row, tx.now))

const optionalTimestamp = (value: string | null | undefined, param: string) =>
  value === undefined || value === null ? Effect.succeed(undefined) : Users.timestamp(value, param)

const password = (
  plain: string | null | undefined,
  digest: string | null | undefined,
  hasher: string | undefined
): Effect.Effect<Model.Password | undefined, Errors.ApiFailure> => {
  if (plain !== undefined && plain !== null) return Effect.succeed({ _tag: "Plain", value: plain })
  if (digest === undefined || digest === null) return Effect.succeed(undefined)
  return hasher === undefined
    ? Effect.fail(Errors.paramMissing("password_hasher"))
    : Effect.succeed({ _tag: "Digest", hasher, digest })
}

/** `…_identification_status` runs parallel to its identifiers: one status per value when given at all. */
const identifiers = (
  values: ReadonlyArray<string> | undefined,
  statuses: ReadonlyArray<string> | undefined,
  param: string
) => {
  const list = values ?? []
  if (statuses !== undefined && statuses.length > 0 && statuses.length !== list.length) {
    return Effect.fail(Errors.formatInvalid(param, `a list with one status per ${param.replace("_identification_status", "")}`))
  }
  return Effect.succeed(list.map((value, i) => ({ value, reserved: statuses?.[i] === "reserved" })))
}

/** The users a listing returns, filtered and sorted, before paging. */
const listed = (request: Input.RouteRequest, tx: Tx) =>
  Effect.gen(function*() {
    const filters = yield* UserFilters.users(request)
    return UserFilters.apply(UserFilters.index(tx.world), filters)
  })

const list = (request: Input.RouteRequest, tx: Tx) =>
  Effect.gen(function*() {
    const users = yield* listed(request, tx)
    const page = yield* Listing.page(request)
    const order = yield* Listing.order(request, UserFilters.ORDER_FIELDS, "-created_at")
    const sorted = UserFilters.sort(users, order.field, order.descending)
    const startingAfter = Input.string(request, "starting_after")
    if (startingAfter === undefined) return Input.ok(Listing.slice(sorted, page).map((u) => Serialize.user(tx.world, u.row, tx.now)))
    if (order.field !== "created_at") {
      return yield* Errors.valueInvalid("starting_after", "starting_after can only be used when ordering by created_at.")
    }
    if (page.offset !== 0) {
      return yield* Errors.valueInvalid("starting_after", "starting_after cannot be combined with a non-zero offset.")
    }
    const cursor = tx.get("users", startingAfter)
    if (cursor === undefined) return yield* Errors.valueInvalid("starting_after", "starting_after must be the id of a user.")
    // Keyset: the users that sort after the cursor's (created_at, creation order), whether or not the cursor
    // itself passes the filters.
    // `sorted` is in that order, so they are a suffix of it: found by bisection, not by a pass over every
    // user, which a walk over a large instance would pay once a page.
    const direction = order.descending ? -1 : 1
    const after = (u: UserFilters.Indexed) => ((u.row.createdAt - cursor.createdAt) || (u.seq - cursor.seq)) * direction > 0
    let low = 0
    let high = sorted.length
    while (low < high) {
      const middle = (low + high) >>> 1
      const candidate = sorted[middle]
      if (candidate !== undefined && after(candidate)) high = middle
      else low = middle + 1
    }
    return Input.ok(sorted.slice(low, low + page.limit).map((u) => Serialize.user(tx.world, u.row, tx.now)))
  })

const create = (request: Input.RouteRequest, tx: Tx) =>
  Effect.gen(function*() {
    const body = yield* Input.body(CreateUserBody, request)
    const row = yield* Users.create(tx, {
      externalId: body.external_id,
      firstName: body.first_name,
      lastName: body.last_name,
      locale: body.locale,
      emailAddresses: yield* identifiers(
        body.email_address,
        body.email_address_identification_status,
        "email_address_identification_status"
      ),
      phoneNumbers: yield* identifiers(
        body.phone_number,
        body.phone_number_identification_status,
        "phone_number_identification_status"
      ),
      web3Wallets: body.web3_wallet,
      username: body.username,
      password: yield* password(body.password, body.password_digest, body.password_hasher),
      skipPasswordChecks: body.skip_password_checks === true,
      skipUserRequirement: body.skip_user_requirement === true,
      totp: body.totp_secret !== undefined && body.totp_secret !== null,
      backupCodes: (body.backup_codes?.length ?? 0) > 0,
      publicMetadata: body.public_metadata,
      privateMetadata: body.private_metadata,
      unsafeMetadata: body.unsafe_metadata,
      deleteSelfEnabled: body.delete_self_enabled ?? undefined,
      createOrganizationEnabled: body.create_organization_enabled ?? undefined,
      createOrganizationsLimit: body.create_organizations_limit,
      bypassClientTrust: body.bypass_client_trust ?? undefined,
      legalAcceptedAt: yield* optionalTimestamp(body.legal_accepted_at, "legal_accepted_at"),
      banned: body.banned ?? undefined,
      locked: body.locked ?? undefined,
      createdAt: yield* optionalTimestamp(body.created_at, "created_at")
    })
    return user(tx, row)
  })

/** The id must be one of the user's identifications of that kind. */
const ownIdentification = (
  ids: ReadonlyArray<string>,
  id: string | null | undefined,
  current: string | null,
  param: string
): Effect.Effect<string | null, Errors.ApiFailure> => {
  if (id === undefined || id === null) return Effect.succeed(current)
  return ids.includes(id)
    ? Effect.succeed(id)
    : Effect.fail(Errors.valueInvalid(param, `${param} must be the id of one of the user's identifications.`))
}

const update = (request: Input.RouteRequest, tx: Tx) =>
  Effect.gen(function*() {
    const body = yield* Input.body(UpdateUserBody, request)
    const row = yield* Users.find(tx, request.params["user_id"] ?? "")
    const username = body.username === undefined
      ? row.username
      : body.username === null
      ? null
      : yield* Users.checkUsername(tx, body.username, row.id)
    const externalId = body.external_id === undefined
      ? row.externalId
      : body.external_id === null
      ? null
      : yield* Users.checkExternalId(tx, body.external_id, row.id)
    const newPassword = yield* password(body.password, body.password_digest, body.password_hasher)
    if (newPassword?._tag === "Plain") yield* Users.checkPassword(newPassword.value, body.skip_password_checks === true)
    const totp = body.totp_secret === undefined ? row.totpEnabled : body.totp_secret !== null
    const backupCodes = body.backup_codes === undefined ? row.backupCodeEnabled : body.backup_codes.length > 0
    const mfaOn = totp || backupCodes
    const mfaWasOn = row.totpEnabled || row.backupCodeEnabled
    const updated: Model.UserRow = {
      ...row,
      username,
      externalId,
      firstName: body.first_name === undefined ? row.firstName : body.first_name,
      lastName: body.last_name === undefined ? row.lastName : body.last_name,
      locale: body.locale === undefined ? row.locale : body.locale,
      primaryEmailAddressId: yield* ownIdentification(
        row.emailAddressIds,
        body.primary_email_address_id,
        row.primaryEmailAddressId,
        "primary_email_address_id"
      ),
      primaryPhoneNumberId: yield* ownIdentification(
        row.phoneNumberIds,
        body.primary_phone_number_id,
        row.primaryPhoneNumberId,
        "primary_phone_number_id"
      ),
      primaryWeb3WalletId: yield* ownIdentification(
        row.web3WalletIds,
        body.primary_web3_wallet_id,
        row.primaryWeb3WalletId,
        "primary_web3_wallet_id"
      ),
      imageId: body.profile_image_id === undefined ? row.imageId : body.profile_image_id,
      password: newPassword ?? row.password,
      passwordLastUpdatedAt: newPassword === undefined ? row.passwordLastUpdatedAt : tx.now,
      totpEnabled: totp,
      backupCodeEnabled: backupCodes,
      mfaEnabledAt: mfaOn && !mfaWasOn ? tx.now : row.mfaEnabledAt,
      mfaDisabledAt: !mfaOn && mfaWasOn ? tx.now : row.mfaDisabledAt,
      deleteSelfEnabled: body.delete_self_enabled ?? row.deleteSelfEnabled,
      createOrganizationEnabled: body.create_organization_enabled ?? row.createOrganizationEnabled,
      createOrganizationsLimit: body.create_organizations_limit === undefined
        ? row.createOrganizationsLimit
        : body.create_organizations_limit,
      legalAcceptedAt: body.legal_accepted_at === undefined
        ? row.legalAcceptedAt
        : body.legal_accepted_at === null
        ? null
        : yield* Users.timestamp(body.legal_accepted_at, "legal_accepted_at"),
      createdAt: (yield* optionalTimestamp(body.created_at, "created_at")) ?? row.createdAt,
      bypassClientTrust: body.bypass_client_trust ?? row.bypassClientTrust,
      updatedAt: tx.now
    }
    if (body.sign_out_of_other_sessions === true) Users.revokeSessions(tx, row.id)
    return user(tx, tx.put("users", updated))
  })

const withUser = (f: (row: Model.UserRow, tx: Tx) => Model.UserRow) => (request: Input.RouteRequest, tx: Tx) =>
  Effect.gen(function*() {
    yield* Input.noBody(request)
    const row = yield* Users.find(tx, request.params["user_id"] ?? "")
    return user(tx, tx.put("users", { ...f(row, tx), updatedAt: tx.now }))
  })

const ban = (row: Model.UserRow, tx: Tx): Model.UserRow => {
  Users.revokeSessions(tx, row.id)
  return { ...row, banned: true }
}

const bulk = (f: (row: Model.UserRow, tx: Tx) => Model.UserRow) => (request: Input.RouteRequest, tx: Tx) =>
  Effect.gen(function*() {
    const body = yield* Input.body(UserIdsBody, request)
    const rows = body.user_ids.flatMap((id) => {
      const row = tx.get("users", id)
      return row === undefined ? [] : [row]
    })
    return Input.ok(
      rows.map((row) => Serialize.user(tx.world, tx.put("users", { ...f(row, tx), updatedAt: tx.now }), tx.now))
    )
  })

const metadata = (mode: "merge" | "replace") => (request: Input.RouteRequest, tx: Tx) =>
  Effect.gen(function*() {
    const body = yield* Input.body(MetadataBody, request)
    const row = yield* Users.find(tx, request.params["user_id"] ?? "")
    const apply = (current: Model.Metadata, patch: Model.Metadata | undefined) =>
      patch === undefined ? current : mode === "merge" ? Metadata.merge(current, patch) : patch
    return user(
      tx,
      tx.put("users", {
        ...row,
        publicMetadata: apply(row.publicMetadata, body.public_metadata),
        privateMetadata: apply(row.privateMetadata, body.private_metadata),
        unsafeMetadata: apply(row.unsafeMetadata, body.unsafe_metadata),
        updatedAt: tx.now
      })
    )
  })

/** The largest profile image Clerk accepts. */
const MAX_IMAGE_BYTES = 10 * 1024 * 1024

const setProfileImage = (request: Input.RouteRequest, tx: Tx) =>
  Effect.gen(function*() {
    const row = yield* Users.find(tx, request.params["user_id"] ?? "")
    const file = request.body instanceof FormData ? request.body.get("file") : null
    if (!(file instanceof Blob)) return yield* Errors.badRequest("form_param_missing", "file must be included.", "file")
    if (file.size > MAX_IMAGE_BYTES) {
      return yield* Errors.badRequest("form_param_exceeds_allowed_size", "The image must be 10 MB or smaller.", "file")
    }
    return user(tx, tx.put("users", { ...row, imageId: tx.id("img"), updatedAt: tx.now }))
  })

/**
 * @since 0.1.0
 * @category routes
 */
export const routes: Routes = {
  GetUserList: list,
  GetUsersCount: (request, tx) =>
    Effect.map(listed(request, tx), (users) => Input.ok({ object: "total_count", total_count: users.length })),
  CreateUser: create,
  GetUser: (request, tx) => Effect.map(Users.find(tx, request.params["user_id"] ?? ""), (row) => user(tx, row)),
  UpdateUser: update,
  DeleteUser: (request, tx) =>
    Effect.map(Users.find(tx, request.params["user_id"] ?? ""), (row) => {
      Users.remove(tx, row)
      return Input.ok(Serialize.deleted("user", row.id, row.externalId === null ? {} : { external_id: row.externalId }))
    }),
  BanUser: withUser(ban),
  UnbanUser: withUser((row) => ({ ...row, banned: false })),
  UsersBan: bulk(ban),
  UsersUnban: bulk((row) => ({ ...row, banned: false })),
  LockUser: withUser((row, tx) => ({ ...row, lockedAt: tx.now })),
  UnlockUser: withUser((row) => ({ ...row, lockedAt: null })),
  UpdateUserMetadata: metadata("merge"),
  ReplaceUserMetadata: metadata("replace"),
  SetUserProfileImage: setProfileImage,
  DeleteUserProfileImage: withUser((row) => ({ ...row, imageId: null }))
}
