/**
 * Organization domains: add (verified unless told otherwise), list per organization and instance-wide with
 * their filters, change the enrollment mode, verify ownership, remove.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Errors from "../internal/errors.js"
import * as Input from "../internal/input.js"
import * as Listing from "../internal/listing.js"
import type * as Model from "../internal/model.js"
import * as Organizations from "../internal/organizations.js"
import type { Routes } from "../internal/router.js"
import * as Serialize from "../internal/serialize.js"
import type { Tx } from "../internal/tx.js"

const nullable = Input.nullable

const ENROLLMENT_MODES = ["manual_invitation", "automatic_invitation", "automatic_suggestion", "enterprise_sso"] as const
const EnrollmentMode = Schema.Literal(...ENROLLMENT_MODES)

const CreateBody = Schema.Struct({
  name: Schema.optional(Schema.String),
  enrollment_mode: Schema.optional(EnrollmentMode),
  verified: nullable(Schema.Boolean)
})

const UpdateBody = Schema.Struct({
  enrollment_mode: nullable(EnrollmentMode),
  verified: nullable(Schema.Boolean)
})

const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/

const orgId = (request: Input.RouteRequest) => request.params["organization_id"] ?? ""

const findDomain = (tx: Tx, org: Model.OrganizationRow, id: string) => {
  const row = tx.get("organizationDomains", id)
  return row === undefined || row.organizationId !== org.id
    ? Effect.fail(Errors.notFound("Organization domain"))
    : Effect.succeed(row)
}

/** `verified` and `enrollment_mode` filters; `enrollment_mode` may be repeated or comma-joined, `-` excludes. */
const filters = (request: Input.RouteRequest) =>
  Effect.gen(function*() {
    const verified = yield* Input.bool(request, "verified")
    const modes = Listing.includeExclude(
      request.query.getAll("enrollment_mode").flatMap((value) => value.split(",")).filter((v) => v !== "")
    )
    return (row: Model.OrganizationDomainRow) =>
      (verified === undefined || row.verified === verified) &&
      Listing.passes(modes, (mode) => mode === row.enrollmentMode)
  })

const page = (
  request: Input.RouteRequest,
  tx: Tx,
  rows: ReadonlyArray<Model.OrganizationDomainRow>,
  withOrganization: boolean
) =>
  Effect.gen(function*() {
    const paging = yield* Listing.page(request)
    const order = yield* Listing.order(request, ["name", "created_at"] as const, "-created_at")
    const sorted = Listing.sort(rows, (row) => order.field === "name" ? row.name : row.createdAt, order.descending)
    return Input.ok({
      data: Listing.slice(sorted, paging).map((row) => Serialize.organizationDomain(tx.world, row, withOrganization)),
      total_count: sorted.length
    })
  })

/**
 * @since 0.1.0
 * @category routes
 */
export const routes: Routes = {
  CreateOrganizationDomain: (request, tx) =>
    Effect.gen(function*() {
      const body = yield* Input.body(CreateBody, request)
      const org = yield* Organizations.find(tx, orgId(request))
      if (body.name === undefined || body.name.trim() === "") return yield* Errors.paramMissing("name")
      const name = body.name.trim().toLowerCase()
      if (!DOMAIN.test(name)) return yield* Errors.formatInvalid("name", "a domain name, like example.com")
      if (tx.find("organizationDomains", (d) => d.organizationId === org.id && d.name === name) !== undefined) {
        return yield* Errors.duplicate("name", `${name} is already a domain of this organization.`)
      }
      const verified = body.verified ?? true
      // A verified domain proves ownership: only one organization can hold it.
      if (verified && tx.find("organizationDomains", (d) => d.verified && d.name === name) !== undefined) {
        return yield* Errors.identifierExists("name")
      }
      const row = tx.put("organizationDomains", {
        id: tx.id("orgdmn"),
        seq: tx.seq(),
        organizationId: org.id,
        name,
        enrollmentMode: body.enrollment_mode ?? "manual_invitation",
        verified,
        verifiedAt: verified ? tx.now : null,
        createdAt: tx.now,
        updatedAt: tx.now
      })
      return Input.ok(Serialize.organizationDomain(tx.world, row))
    }),
  ListOrganizationDomains: (request, tx) =>
    Effect.gen(function*() {
      const org = yield* Organizations.find(tx, orgId(request))
      const keep = yield* filters(request)
      return yield* page(
        request,
        tx,
        tx.rows("organizationDomains").filter((row) => row.organizationId === org.id && keep(row)),
        false
      )
    }),
  UpdateOrganizationDomain: (request, tx) =>
    Effect.gen(function*() {
      const body = yield* Input.body(UpdateBody, request)
      const org = yield* Organizations.find(tx, orgId(request))
      const row = yield* findDomain(tx, org, request.params["domain_id"] ?? "")
      const verified = body.verified ?? row.verified
      const updated = tx.put("organizationDomains", {
        ...row,
        enrollmentMode: body.enrollment_mode ?? row.enrollmentMode,
        verified,
        verifiedAt: verified ? row.verifiedAt ?? tx.now : null,
        updatedAt: tx.now
      })
      return Input.ok(Serialize.organizationDomain(tx.world, updated))
    }),
  DeleteOrganizationDomain: (request, tx) =>
    Effect.gen(function*() {
      const org = yield* Organizations.find(tx, orgId(request))
      const row = yield* findDomain(tx, org, request.params["domain_id"] ?? "")
      tx.remove("organizationDomains", row.id)
      return Input.ok(Serialize.deleted("organization_domain", row.id))
    }),
  VerifyOrganizationDomainOwnership: (request, tx) =>
    Effect.gen(function*() {
      yield* Input.noBody(request)
      const org = yield* Organizations.find(tx, orgId(request))
      const row = yield* findDomain(tx, org, request.params["domain_id"] ?? "")
      const verified = row.verified
        ? row
        : tx.put("organizationDomains", { ...row, verified: true, verifiedAt: tx.now, updatedAt: tx.now })
      return Input.ok(Serialize.organizationDomain(tx.world, verified))
    }),
  ListAllOrganizationDomains: (request, tx) =>
    Effect.gen(function*() {
      const keep = yield* filters(request)
      const organizationId = Input.string(request, "organization_id")
      const names = (yield* Input.strings(request, "domains")).map((d) => d.toLowerCase())
      const query = Input.string(request, "query")?.trim()
      const rows = tx.rows("organizationDomains").filter((row) =>
        keep(row) &&
        (organizationId === undefined || row.organizationId === organizationId) &&
        (names.length === 0 || names.includes(row.name)) &&
        (query === undefined || query === "" ||
          (query.startsWith("org_") ? row.organizationId === query : Listing.contains(row.name, query)))
      )
      return yield* page(request, tx, rows, true)
    })
}
