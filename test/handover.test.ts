import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { type Cell, handOver } from "../src/internal/handover.js"

// What `wrap` is given stands for a span or a fork that keeps its result: it must hold nothing once the value
// is out, whatever the value (`undefined` too).
describe("handOver", () => {
  const keeping = <A>() => {
    const kept: Array<Exit.Exit<Cell<A>, unknown>> = []
    const wrap = <E, R>(effect: Effect.Effect<Cell<A>, E, R>) => Effect.onExit(effect, (exit) => Effect.sync(() => kept.push(exit)))
    return { kept, wrap }
  }

  it.effect("gives the value, and leaves the wrapper an empty cell", () => {
    const { kept, wrap } = keeping<Array<string>>()
    return Effect.gen(function*() {
      expect(yield* handOver(Effect.succeed(["page"]), wrap)).toEqual(["page"])
      expect(kept).toHaveLength(1)
      const exit = kept[0]
      expect(exit !== undefined && Exit.isSuccess(exit)).toBe(true)
      if (exit === undefined || Exit.isFailure(exit)) return
      // What the wrapper still holds gives no value: the cell was emptied.
      expect(JSON.stringify(exit)).not.toContain("page")
      expect(Exit.isFailure(yield* Effect.exit(exit.value.value))).toBe(true)
    })
  })

  it.effect("an undefined value is a value", () => {
    const { wrap } = keeping<undefined>()
    return Effect.gen(function*() {
      expect(yield* Effect.exit(handOver(Effect.succeed(undefined), wrap))).toStrictEqual(Exit.void)
    })
  })

  it.effect("a failure passes through the wrapper untouched", () => {
    const { kept, wrap } = keeping<number>()
    const failing: Effect.Effect<number, "boom"> = Effect.fail("boom")
    return Effect.gen(function*() {
      expect(yield* Effect.flip(handOver(failing, wrap))).toBe("boom")
      expect(kept).toStrictEqual([Exit.fail("boom")])
    })
  })
})
