/**
 * The user filters of `GET /users` and `GET /users/count` (and the subset that
 * `GET /organizations/{id}/memberships` shares): exact identifiers, `+`/`-` id lists, partial queries,
 * `banned`, and the time windows.
 */
import * as Effect from "effect/Effect"
import type * as Errors from "./errors.js"
import * as Input from "./input.js"
import * as Listing from "./listing.js"
import * as Model from "./model.js"

/** A user with the values the filters and orderings look at, resolved once. */
export interface Indexed {
  readonly row: Model.UserRow
  readonly seq: number
  readonly emails: ReadonlyArray<string>
  readonly phones: ReadonlyArray<string>
  readonly wallets: ReadonlyArray<string>
  readonly organizations: ReadonlySet<string>
  readonly primaryEmail: string | null
  readonly primaryPhone: string | null
  readonly primaryWallet: string | null
}

// A world is immutable: its users are indexed once per version of its tables, and sorted once per ordering,
// so that walking a listing page by page costs a page per page, not the whole table.
const indexed = new WeakMap<Model.Tables, ReadonlyArray<Indexed>>()
const sortedAll = new WeakMap<ReadonlyArray<Indexed>, Map<string, ReadonlyArray<Indexed>>>()

export const index = (world: Model.World): ReadonlyArray<Indexed> => {
  const known = indexed.get(world.tables)
  if (known !== undefined) return known
  const made = remembered(indexWorld(world))
  indexed.set(world.tables, made)
  return made
}

const indexWorld = (world: Model.World): ReadonlyArray<Indexed> => {
  const values = (ids: ReadonlyArray<string>) =>
    ids.flatMap((id) => {
      const row = Model.get(world, "identifications", id)
      return row === undefined ? [] : [row.value]
    })
  const valueOf = (id: string | null) => id === null ? null : Model.get(world, "identifications", id)?.value ?? null
  const organizations = new Map<string, Set<string>>()
  for (const membership of Model.rows(world, "memberships")) {
    const set = organizations.get(membership.userId) ?? new Set<string>()
    set.add(membership.organizationId)
    organizations.set(membership.userId, set)
  }
  return Model.rows(world, "users").map((row) => ({
    row,
    seq: row.seq,
    emails: values(row.emailAddressIds),
    phones: values(row.phoneNumberIds),
    wallets: values(row.web3WalletIds),
    organizations: organizations.get(row.id) ?? new Set(),
    primaryEmail: valueOf(row.primaryEmailAddressId),
    primaryPhone: valueOf(row.primaryPhoneNumberId),
    primaryWallet: valueOf(row.primaryWeb3WalletId)
  }))
}

export type Filter = (user: Indexed) => boolean

const lower = (values: ReadonlyArray<string>) => values.map((v) => v.toLowerCase())

const window = (
  request: Input.RouteRequest,
  name: string,
  value: (user: Indexed) => number | null,
  test: (actual: number, bound: number) => boolean
): Effect.Effect<Filter | undefined, Errors.ApiFailure> =>
  Effect.map(Input.int(request, name), (bound) =>
    bound === undefined ? undefined : (user: Indexed) => {
      const actual = value(user)
      return actual !== null && test(actual, bound)
    })

const before = (a: number, b: number) => a < b
const after = (a: number, b: number) => a > b

/** The filters every user listing shares (memberships take these too). */
export const common = (request: Input.RouteRequest): Effect.Effect<Array<Filter>, Errors.ApiFailure> =>
  Effect.gen(function*() {
    const filters: Array<Filter> = []
    const emails = lower(yield* Input.strings(request, "email_address"))
    if (emails.length > 0) filters.push((u) => u.emails.some((e) => emails.includes(e)))
    const phones = yield* Input.strings(request, "phone_number")
    if (phones.length > 0) filters.push((u) => u.phones.some((p) => phones.includes(p)))
    const usernames = lower(yield* Input.strings(request, "username"))
    if (usernames.length > 0) filters.push((u) => u.row.username !== null && usernames.includes(u.row.username.toLowerCase()))
    const wallets = lower(yield* Input.strings(request, "web3_wallet"))
    if (wallets.length > 0) filters.push((u) => u.wallets.some((w) => wallets.includes(w)))
    const userIds = Listing.includeExclude(yield* Input.strings(request, "user_id"))
    if (userIds.include.length + userIds.exclude.length > 0) {
      filters.push((u) => Listing.passes(userIds, (id) => id === u.row.id))
    }

    const query = Input.string(request, "query")
    if (query !== undefined && query !== "") {
      filters.push((u) =>
        [...u.emails, ...u.phones, ...u.wallets, u.row.username, u.row.id, u.row.firstName, u.row.lastName]
          .some((value) => Listing.contains(value, query))
      )
    }
    const emailQuery = Input.string(request, "email_address_query")
    if (emailQuery !== undefined) filters.push((u) => u.emails.some((e) => Listing.contains(e, emailQuery)))
    const phoneQuery = Input.string(request, "phone_number_query")
    if (phoneQuery !== undefined) filters.push((u) => u.phones.some((p) => Listing.contains(p, phoneQuery)))
    const usernameQuery = Input.string(request, "username_query")
    if (usernameQuery !== undefined) filters.push((u) => Listing.contains(u.row.username, usernameQuery))
    const nameQuery = Input.string(request, "name_query")
    if (nameQuery !== undefined) {
      filters.push((u) =>
        [u.row.firstName, u.row.lastName, [u.row.firstName, u.row.lastName].filter((n) => n !== null).join(" ")]
          .some((name) => Listing.contains(name, nameQuery))
      )
    }

    const windows = yield* Effect.all([
      window(request, "last_active_at_before", (u) => u.row.lastActiveAt, before),
      window(request, "last_active_at_after", (u) => u.row.lastActiveAt, after),
      window(request, "created_at_before", (u) => u.row.createdAt, before),
      window(request, "created_at_after", (u) => u.row.createdAt, after)
    ])
    for (const filter of windows) if (filter !== undefined) filters.push(filter)
    return filters
  })

/** Every filter of `GET /users` and `GET /users/count`. */
export const users = (request: Input.RouteRequest): Effect.Effect<Array<Filter>, Errors.ApiFailure> =>
  Effect.gen(function*() {
    const filters = yield* common(request)
    const externalIds = Listing.includeExclude(yield* Input.strings(request, "external_id"))
    if (externalIds.include.length + externalIds.exclude.length > 0) {
      filters.push((u) => Listing.passes(externalIds, (id) => id === u.row.externalId))
    }
    const organizations = Listing.includeExclude(yield* Input.strings(request, "organization_id"))
    if (organizations.include.length + organizations.exclude.length > 0) {
      filters.push((u) => Listing.passes(organizations, (id) => u.organizations.has(id)))
    }
    const banned = yield* Input.bool(request, "banned")
    if (banned !== undefined) filters.push((u) => u.row.banned === banned)

    const provider = Input.string(request, "provider")
    const providerUserIds = yield* Input.strings(request, "provider_user_id")
    if (provider !== undefined || providerUserIds.length > 0) {
      filters.push((u) =>
        u.row.externalAccounts.some((account) =>
          (provider === undefined || account.provider === provider) &&
          (providerUserIds.length === 0 || providerUserIds.includes(account.providerUserId))
        )
      )
    }

    const windows = yield* Effect.all([
      // `last_active_at_since` is the deprecated spelling of `last_active_at_after` (inclusive, as "since" reads).
      window(request, "last_active_at_since", (u) => u.row.lastActiveAt, (a, b) => a >= b),
      window(request, "last_sign_in_at_before", (u) => u.row.lastSignInAt, before),
      window(request, "last_sign_in_at_after", (u) => u.row.lastSignInAt, after)
    ])
    for (const filter of windows) if (filter !== undefined) filters.push(filter)
    return filters
  })

export const apply = (users: ReadonlyArray<Indexed>, filters: ReadonlyArray<Filter>): ReadonlyArray<Indexed> =>
  filters.length === 0 ? users : users.filter((user) => filters.every((filter) => filter(user)))

/** The users sorted by `field`; remembered for an unfiltered list (the same array as `index`'s). */
export const sort = (users: ReadonlyArray<Indexed>, field: OrderField, descending: boolean): ReadonlyArray<Indexed> => {
  const byOrder = sortedAll.get(users)
  const key = `${descending ? "-" : "+"}${field}`
  const known = byOrder?.get(key)
  if (known !== undefined) return known
  const made = Listing.sort(users, sortKey(field), descending)
  if (byOrder !== undefined) byOrder.set(key, made)
  return made
}

/** Marks an index as the one `sort` may remember orderings of. */
const remembered = (users: ReadonlyArray<Indexed>): ReadonlyArray<Indexed> => {
  if (!sortedAll.has(users)) sortedAll.set(users, new Map())
  return users
}

/** The orderings of `GET /users`. */
export const ORDER_FIELDS = [
  "created_at",
  "updated_at",
  "email_address",
  "web3wallet",
  "first_name",
  "last_name",
  "phone_number",
  "username",
  "last_active_at",
  "last_sign_in_at"
] as const

export type OrderField = typeof ORDER_FIELDS[number]

export const sortKey = (field: OrderField) => (u: Indexed): Listing.SortValue => {
  switch (field) {
    case "created_at":
      return u.row.createdAt
    case "updated_at":
      return u.row.updatedAt
    case "email_address":
      return u.primaryEmail
    case "web3wallet":
      return u.primaryWallet
    case "first_name":
      return u.row.firstName
    case "last_name":
      return u.row.lastName
    case "phone_number":
      return u.primaryPhone
    case "username":
      return u.row.username
    case "last_active_at":
      return u.row.lastActiveAt
    case "last_sign_in_at":
      return u.row.lastSignInAt
  }
}
