/**
 * The error channel of each operation is precise: the statuses its spec documents, plus what any call can
 * meet. Checked by the compiler (`npm test` runs tsc first) and by vitest's `expectTypeOf`.
 */
import { describe, expectTypeOf, it } from "@effect/vitest"
import type * as Effect from "effect/Effect"
import type * as Stream from "effect/Stream"
import type { Users } from "../services/Users.js"
import type {
  ClerkBadRequest,
  ClerkConflict,
  ClerkDecodeError,
  ClerkForbidden,
  ClerkInvalidInput,
  ClerkNotFound,
  ClerkPaymentRequired,
  ClerkRateLimited,
  ClerkRequestError,
  ClerkUnauthorized,
  ClerkUnexpectedStatus,
  ClerkUnprocessableEntity
} from "../src/ClerkError.js"
import type { User } from "../schemas/Models.js"

type Common =
  | ClerkUnauthorized
  | ClerkForbidden
  | ClerkRateLimited
  | ClerkUnexpectedStatus
  | ClerkRequestError
  | ClerkDecodeError
  | ClerkInvalidInput

describe("operation types", () => {
  it("users.get: a User, or 400/404 and the common errors", () => {
    type Get = ReturnType<Users["get"]>
    expectTypeOf<Effect.Effect.Success<Get>>().toEqualTypeOf<User>()
    expectTypeOf<Effect.Effect.Error<Get>>().toEqualTypeOf<ClerkBadRequest | ClerkNotFound | Common>()
    expectTypeOf<ClerkConflict>().not.toMatchTypeOf<Effect.Effect.Error<Get>>()
  })

  it("users.ban documents only 402", () => {
    expectTypeOf<Effect.Effect.Error<ReturnType<Users["ban"]>>>().toEqualTypeOf<ClerkPaymentRequired | Common>()
  })

  it("users.create documents 400, 401, 402, 403, 422", () => {
    expectTypeOf<Effect.Effect.Error<ReturnType<Users["create"]>>>().toEqualTypeOf<
      ClerkBadRequest | ClerkPaymentRequired | ClerkUnprocessableEntity | Common
    >()
  })

  it("users.listStream streams Users", () => {
    expectTypeOf<Stream.Stream.Success<ReturnType<Users["listStream"]>>>().toEqualTypeOf<User>()
  })

  it("inputs are camelCase and keep null apart from absent", () => {
    type Update = Parameters<Users["update"]>[0]
    expectTypeOf<Update["username"]>().toEqualTypeOf<string | null | undefined>()
    expectTypeOf<Parameters<Users["get"]>[0]>().toEqualTypeOf<{ readonly userId: string }>()
  })
})
