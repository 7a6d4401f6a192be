// The Effect floor of the verifyToken program: the same Effect modules (Effect, Layer, Context, Schema for
// the claims), no SDK and no jose.
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"

const Claims = Schema.Struct({ sub: Schema.String, exp: Schema.Number, sid: Schema.optional(Schema.String) })

class Verifier extends Context.Tag("Verifier")<Verifier, { readonly verify: (token: string) => Effect.Effect<unknown, Error> }>() {}

const VerifierLive = Layer.succeed(Verifier, {
  verify: (token) =>
    Effect.try({
      try: () => JSON.parse(atob(token.split(".")[1] ?? "")) as unknown,
      catch: () => new Error("invalid")
    }).pipe(Effect.flatMap(Schema.decodeUnknown(Claims)), Effect.mapError(() => new Error("invalid")))
})

Effect.runPromise(
  Effect.flatMap(Verifier, (v) => v.verify(process.argv[2] ?? "")).pipe(Effect.provide(VerifierLive))
).then(console.log, console.error)
