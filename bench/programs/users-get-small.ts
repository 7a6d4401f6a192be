// Users.get through Users.Default + ClerkClient.layerConfig: only the Users service, deep imports.
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as ClerkClient from "effect-clerk/ClerkClient"
import { Users } from "effect-clerk/services/Users"

const UsersLive = Users.Default.pipe(Layer.provide(ClerkClient.layerConfig()), Layer.provide(FetchHttpClient.layer))

Effect.runPromise(Users.get({ userId: "user_2x" }).pipe(Effect.provide(UsersLive))).then(console.log, console.error)
