// The bare Effect floor: Effect + HttpClient + one Schema, no SDK, doing what `users-get.ts` does.
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"

const User = Schema.Struct({
  id: Schema.String,
  firstName: Schema.fromKey(Schema.propertySignature(Schema.NullOr(Schema.String)), "first_name")
})

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
