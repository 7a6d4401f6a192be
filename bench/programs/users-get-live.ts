// Users.get through ClerkLive, imported from the package entry as a user would write it.
import * as Effect from "effect/Effect"
import { ClerkLive, Users } from "effect-clerk"

Effect.runPromise(Users.get({ userId: "user_2x" }).pipe(Effect.provide(ClerkLive))).then(console.log, console.error)
