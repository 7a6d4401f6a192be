/**
 * Redirect URLs: the allowed redirect targets for native and mobile flows.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Errors from "../internal/errors.js"
import * as Input from "../internal/input.js"
import * as Listing from "../internal/listing.js"
import type { Routes } from "../internal/router.js"
import * as Serialize from "../internal/serialize.js"

const Body = Schema.Struct({ url: Schema.String })

const isUrl = (value: string): boolean => {
  try {
    return new URL(value).protocol.length > 1
  } catch {
    return false
  }
}

/**
 * @since 0.1.0
 * @category routes
 */
export const routes: Routes = {
  ListRedirectURLs: (request, tx) =>
    Effect.gen(function*() {
      const page = yield* Listing.page(request)
      yield* Input.bool(request, "paginated")
      return Input.ok(Listing.slice(tx.rows("redirectUrls"), page).map(Serialize.redirectUrl))
    }),
  CreateRedirectURL: (request, tx) =>
    Effect.gen(function*() {
      const body = yield* Input.body(Body, request)
      if (!isUrl(body.url)) return yield* Errors.formatInvalid("url", "a valid URL")
      if (tx.find("redirectUrls", (row) => row.url === body.url) !== undefined) {
        return yield* Errors.duplicate("url", `${body.url} is already a redirect URL.`)
      }
      return Input.ok(Serialize.redirectUrl(tx.put("redirectUrls", {
        id: tx.id("ru"),
        seq: tx.seq(),
        url: body.url,
        createdAt: tx.now,
        updatedAt: tx.now
      })))
    }),
  GetRedirectURL: (request, tx) => {
    const row = tx.get("redirectUrls", request.params["id"] ?? "")
    return row === undefined ? Effect.fail(Errors.notFound("Redirect URL")) : Effect.succeed(Input.ok(Serialize.redirectUrl(row)))
  },
  DeleteRedirectURL: (request, tx) => {
    const row = tx.get("redirectUrls", request.params["id"] ?? "")
    if (row === undefined) return Effect.fail(Errors.notFound("Redirect URL"))
    tx.remove("redirectUrls", row.id)
    return Effect.succeed(Input.ok(Serialize.deleted("redirect_url", row.id)))
  }
}
