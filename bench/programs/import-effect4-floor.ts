// Cold start floor under Effect 4.1.0 (dev dependency `effect4`): the imports of import-effect-floor.ts in
// Effect 4, where the HTTP client is part of `effect`. Not what effect-clerk builds on (DESIGN.md pins
// Effect 3): what an Effect 4 port would load before its own first line.
import * as Effect from "effect4/Effect"
import * as FetchHttpClient from "effect4/http/FetchHttpClient"
import * as HttpClient from "effect4/http/HttpClient"
import * as Schema from "effect4/Schema"

export const User = Schema.Struct({ id: Schema.String, firstName: Schema.NullOr(Schema.String) })
export const program = Effect.flatMap(Effect.service(HttpClient.HttpClient), (client) => client.get("/users")).pipe(
  Effect.provide(FetchHttpClient.layer)
)
