// The program `npm run size` measures: only `Users`, one call.
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { Users } from "../../services/Users.js"
import * as ClerkClient from "../../src/ClerkClient.js"

const UsersLive = Users.Default.pipe(Layer.provide(ClerkClient.layerConfig()), Layer.provide(FetchHttpClient.layer))

Effect.runPromise(Users.get({ userId: "user_2x" }).pipe(Effect.provide(UsersLive))).then(console.log, console.error)
