// The bare Effect floor of scripts/size/floor.ts, written for Effect 4.1.0 (dev dependency `effect4`), where
// the HTTP client is part of `effect` itself. Not what effect-clerk builds on (DESIGN.md pins Effect 3): the
// floor an Effect 4 port would have, for bench/README.md's "What Effect 4 would change".
import * as Effect from "effect4/Effect"
import * as FetchHttpClient from "effect4/http/FetchHttpClient"
import * as HttpClient from "effect4/http/HttpClient"
import * as HttpClientRequest from "effect4/http/HttpClientRequest"
import * as HttpClientResponse from "effect4/http/HttpClientResponse"
import * as Schema from "effect4/Schema"

const User = Schema.Struct({ id: Schema.String, firstName: Schema.NullOr(Schema.String) }).pipe(
  Schema.encodeKeys({ firstName: "first_name" })
)

const program = Effect.gen(function*() {
  const client = (yield* HttpClient.HttpClient).pipe(
    HttpClient.mapRequest(HttpClientRequest.prependUrl("https://api.clerk.com/v1")),
    HttpClient.mapRequest(HttpClientRequest.bearerToken(process.env.CLERK_SECRET_KEY ?? "")),
    HttpClient.filterStatusOk
  )
  const response = yield* client.get("/users/user_2x")
  return yield* HttpClientResponse.schemaBodyJson(User)(response)
})

Effect.runPromise(program.pipe(Effect.provide(FetchHttpClient.layer))).then(console.log, console.error)
