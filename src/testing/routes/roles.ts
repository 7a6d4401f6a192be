/**
 * Organization roles and permissions: Clerk's built-in `org:admin` and `org:member` with the `org:sys_…`
 * permissions, and custom ones made, renamed, given permissions and removed. A custom role can be given to
 * members and invitees like the built-in ones.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Errors from "../internal/errors.js"
import * as Input from "../internal/input.js"
import * as Listing from "../internal/listing.js"
import type * as Model from "../internal/model.js"
import type { Routes } from "../internal/router.js"
import * as Serialize from "../internal/serialize.js"
import type { Tx } from "../internal/tx.js"

const nullable = Input.nullable

const CreateRoleBody = Schema.Struct({
  name: Schema.String,
  key: Schema.String,
  description: nullable(Schema.String),
  permissions: nullable(Schema.Array(Schema.String)),
  include_in_initial_role_set: nullable(Schema.Boolean)
})

const UpdateRoleBody = Schema.Struct({
  name: nullable(Schema.String),
  key: nullable(Schema.String),
  description: nullable(Schema.String),
  permissions: nullable(Schema.Array(Schema.String))
})

const CreatePermissionBody = Schema.Struct({
  name: Schema.String,
  key: Schema.String,
  description: Schema.optional(Schema.String)
})

const UpdatePermissionBody = Schema.Struct({
  name: Schema.optional(Schema.String),
  key: Schema.optional(Schema.String),
  description: Schema.optional(Schema.String)
})

const ROLE_KEY = /^org:[a-z0-9_]+$/
const PERMISSION_KEY = /^org:[a-z0-9_]+:[a-z0-9_]+$/
const ORDER_FIELDS = ["created_at", "name", "key"] as const

const roleId = (request: Input.RouteRequest) => request.params["organization_role_id"] ?? ""
const permissionId = (request: Input.RouteRequest) => request.params["permission_id"] ?? ""

const findRole = (tx: Tx, id: string) => {
  const row = tx.get("roles", id)
  return row === undefined ? Effect.fail(Errors.notFound("Role")) : Effect.succeed(row)
}

const findPermission = (tx: Tx, id: string) => {
  const row = tx.get("permissions", id)
  return row === undefined ? Effect.fail(Errors.notFound("Permission")) : Effect.succeed(row)
}

const checkRoleKey = (tx: Tx, key: string, self?: string) => {
  if (!ROLE_KEY.test(key)) {
    return Effect.fail(Errors.formatInvalid("key", "org: followed by lowercase letters, digits and underscores"))
  }
  return tx.find("roles", (r) => r.key === key && r.id !== self) === undefined
    ? Effect.succeed(key)
    : Effect.fail(Errors.duplicate("key", `A role with the key ${key} already exists.`))
}

const checkPermissionKey = (tx: Tx, key: string, self?: string) => {
  if (!PERMISSION_KEY.test(key) || key.startsWith("org:sys_")) {
    return Effect.fail(Errors.formatInvalid("key", "org:<feature>:<action>, not beginning with org:sys_"))
  }
  return tx.find("permissions", (p) => p.key === key && p.id !== self) === undefined
    ? Effect.succeed(key)
    : Effect.fail(Errors.duplicate("key", `A permission with the key ${key} already exists.`))
}

/** The permission ids a role is given, each checked to exist. */
const permissionIds = (tx: Tx, ids: ReadonlyArray<string>) =>
  Effect.forEach(ids, (id) =>
    tx.get("permissions", id) === undefined
      ? Effect.fail(Errors.valueInvalid("permissions", `${id} is not a permission of this instance.`))
      : Effect.succeed(id)).pipe(Effect.map((found) => [...new Set(found)]))

/** Clerk's own roles and permissions are part of every instance: they can be read and assigned, not changed. */
const builtIn = (what: string) =>
  new Errors.ApiFailure({
    status: 403,
    errors: [{
      code: "operation_not_allowed",
      message: "not allowed",
      long_message: `The built-in ${what} cannot be changed or removed.`
    }]
  })

const isBuiltInRole = (row: Model.RoleRow) => row.key === "org:admin" || row.key === "org:member"

const list = <A extends { readonly seq: number; readonly id: string; readonly name: string; readonly key: string; readonly createdAt: number }>(
  request: Input.RouteRequest,
  rows: ReadonlyArray<A>,
  serialize: (row: A) => unknown
) =>
  Effect.gen(function*() {
    const paging = yield* Listing.page(request)
    const order = yield* Listing.order(request, ORDER_FIELDS, "-created_at")
    const query = Input.string(request, "query")
    const found = rows.filter((row) =>
      query === undefined || query === "" || row.id === query || Listing.contains(row.name, query) ||
      Listing.contains(row.key, query)
    )
    const sorted = Listing.sort(
      found,
      (row) => order.field === "created_at" ? row.createdAt : order.field === "name" ? row.name : row.key,
      order.descending
    )
    return Input.ok({ data: Listing.slice(sorted, paging).map(serialize), total_count: sorted.length })
  })

/**
 * @since 0.1.0
 * @category routes
 */
export const routes: Routes = {
  ListOrganizationRoles: (request, tx) => list(request, tx.rows("roles"), (row) => Serialize.role(tx.world, row)),
  CreateOrganizationRole: (request, tx) =>
    Effect.gen(function*() {
      const body = yield* Input.body(CreateRoleBody, request)
      if (body.name.trim() === "") return yield* Errors.paramMissing("name")
      const row = tx.put("roles", {
        id: tx.id("role"),
        seq: tx.seq(),
        key: yield* checkRoleKey(tx, body.key),
        name: body.name,
        description: body.description ?? null,
        isCreatorEligible: false,
        permissionIds: yield* permissionIds(tx, body.permissions ?? []),
        createdAt: tx.now,
        updatedAt: tx.now
      })
      return Input.ok(Serialize.role(tx.world, row))
    }),
  GetOrganizationRole: (request, tx) =>
    Effect.map(findRole(tx, roleId(request)), (row) => Input.ok(Serialize.role(tx.world, row))),
  UpdateOrganizationRole: (request, tx) =>
    Effect.gen(function*() {
      const body = yield* Input.body(UpdateRoleBody, request)
      const row = yield* findRole(tx, roleId(request))
      if (isBuiltInRole(row) && body.key !== undefined && body.key !== null && body.key !== row.key) {
        return yield* builtIn("role's key")
      }
      const key = body.key === undefined || body.key === null ? row.key : yield* checkRoleKey(tx, body.key, row.id)
      // Members hold roles by key: a renamed key follows them.
      if (key !== row.key) {
        for (const membership of tx.rows("memberships")) {
          if (membership.role === row.key) tx.put("memberships", { ...membership, role: key, updatedAt: tx.now })
        }
      }
      const updated = tx.put("roles", {
        ...row,
        key,
        name: body.name ?? row.name,
        description: body.description === undefined ? row.description : body.description,
        permissionIds: body.permissions === undefined || body.permissions === null
          ? row.permissionIds
          : yield* permissionIds(tx, body.permissions),
        updatedAt: tx.now
      })
      return Input.ok(Serialize.role(tx.world, updated))
    }),
  DeleteOrganizationRole: (request, tx) =>
    Effect.gen(function*() {
      const row = yield* findRole(tx, roleId(request))
      if (isBuiltInRole(row)) return yield* builtIn("role")
      if (tx.find("memberships", (m) => m.role === row.key) !== undefined) {
        return yield* Errors.unprocessable("role_in_use", "The role is assigned to organization members.")
      }
      tx.remove("roles", row.id)
      return Input.ok(Serialize.deleted("role", row.id))
    }),
  AssignPermissionToOrganizationRole: (request, tx) =>
    Effect.gen(function*() {
      yield* Input.noBody(request)
      const row = yield* findRole(tx, roleId(request))
      const permission = yield* findPermission(tx, permissionId(request))
      if (row.permissionIds.includes(permission.id)) {
        return yield* new Errors.ApiFailure({
          status: 409,
          errors: [{
            code: "permission_already_assigned",
            message: "already assigned",
            long_message: `The role already has the permission ${permission.key}.`
          }]
        })
      }
      const updated = tx.put("roles", { ...row, permissionIds: [...row.permissionIds, permission.id], updatedAt: tx.now })
      return Input.ok(Serialize.role(tx.world, updated))
    }),
  RemovePermissionFromOrganizationRole: (request, tx) =>
    Effect.gen(function*() {
      const row = yield* findRole(tx, roleId(request))
      const permission = yield* findPermission(tx, permissionId(request))
      if (!row.permissionIds.includes(permission.id)) {
        return yield* Errors.unprocessable("permission_not_assigned", `The role does not have the permission ${permission.key}.`)
      }
      const updated = tx.put("roles", {
        ...row,
        permissionIds: row.permissionIds.filter((id) => id !== permission.id),
        updatedAt: tx.now
      })
      return Input.ok(Serialize.role(tx.world, updated))
    }),
  ListOrganizationPermissions: (request, tx) => list(request, tx.rows("permissions"), Serialize.permission),
  CreateOrganizationPermission: (request, tx) =>
    Effect.gen(function*() {
      const body = yield* Input.body(CreatePermissionBody, request)
      if (body.name.trim() === "") return yield* Errors.paramMissing("name")
      const row = tx.put("permissions", {
        id: tx.id("perm"),
        seq: tx.seq(),
        key: yield* checkPermissionKey(tx, body.key),
        name: body.name,
        description: body.description ?? "",
        type: "user",
        createdAt: tx.now,
        updatedAt: tx.now
      })
      return Input.ok(Serialize.permission(row))
    }),
  GetOrganizationPermission: (request, tx) =>
    Effect.map(findPermission(tx, permissionId(request)), (row) => Input.ok(Serialize.permission(row))),
  UpdateOrganizationPermission: (request, tx) =>
    Effect.gen(function*() {
      const body = yield* Input.body(UpdatePermissionBody, request)
      const row = yield* findPermission(tx, permissionId(request))
      if (row.type === "system") return yield* builtIn("permission")
      const updated = tx.put("permissions", {
        ...row,
        key: body.key === undefined ? row.key : yield* checkPermissionKey(tx, body.key, row.id),
        name: body.name ?? row.name,
        description: body.description ?? row.description,
        updatedAt: tx.now
      })
      return Input.ok(Serialize.permission(updated))
    }),
  DeleteOrganizationPermission: (request, tx) =>
    Effect.gen(function*() {
      const row = yield* findPermission(tx, permissionId(request))
      if (row.type === "system") return yield* builtIn("permission")
      for (const role of tx.rows("roles")) {
        if (role.permissionIds.includes(row.id)) {
          tx.put("roles", { ...role, permissionIds: role.permissionIds.filter((id) => id !== row.id), updatedAt: tx.now })
        }
      }
      tx.remove("permissions", row.id)
      return Input.ok(Serialize.deleted("permission", row.id))
    })
}
