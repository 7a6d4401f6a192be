// Cold start floor: what any Effect-based Clerk client loads before its own first line (Effect's runtime, a
// Layer, a Schema, the platform's fetch HttpClient), built but not run: the size floor's imports.
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"

export const User = Schema.Struct({ id: Schema.String, firstName: Schema.NullOr(Schema.String) })
export const program = Effect.flatMap(HttpClient.HttpClient, (client) => client.get("/users")).pipe(
  Effect.provide(FetchHttpClient.layer)
)
