/**
 * The per-call secret key (`ClerkClient.withSecretKey`), apart from ClerkClient.ts so the client can read it
 * without an import cycle.
 */
import * as Context from "effect/Context"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"

export class CurrentSecretKey extends Context.Reference<CurrentSecretKey>()("effect-clerk/ClerkClient/CurrentSecretKey", {
  defaultValue: (): Option.Option<Redacted.Redacted<string>> => Option.none()
}) {}
