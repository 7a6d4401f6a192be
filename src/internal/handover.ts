/**
 * Handing a value out through an effect that would otherwise keep it.
 *
 * Why: Effect's span keeps the exit it ended with (`status.exit`), and a forked fiber (the per-attempt
 * timeout forks the exchange) keeps its result. Such a holder is often in V8's old generation already when the
 * value is written into it. V8's young-generation GC takes every pointer from the old generation as alive,
 * dead holder or not, so what the holder points at is copied into the old generation, which only a full GC
 * empties: for a page of users, the page, every call. A cell the receiver empties leaves the holder pointing
 * at nothing. `bench/promotion.ts`, 120 pages of 500 users: 165 MB copied into the old generation with the
 * span holding each page, 2 MB through a cell; 180 MB and 4 MB for the timeout.
 */
import * as Effect from "effect/Effect"

/** A value on its way out, as the effect that gives it: taken once. */
export interface Cell<A> {
  value: Effect.Effect<A>
}

// A cell is taken once, by the `handOver` that made it, as the wrapper returns it: nothing else sees it.
const taken: Effect.Effect<never> = /*#__PURE__*/ Effect.dieMessage("effect-clerk: a handed-over value was taken twice")

const take = <A>(cell: Cell<A>): Effect.Effect<A> => {
  const { value } = cell
  cell.value = taken
  return value
}

/**
 * `effect` run inside `wrap` (a span, a fork), which sees the value only in a cell that is emptied as soon
 * as `wrap` returns it.
 */
export const handOver = <A, E, R, E2, R2>(
  effect: Effect.Effect<A, E, R>,
  wrap: (effect: Effect.Effect<Cell<A>, E, R>) => Effect.Effect<Cell<A>, E2, R2>
): Effect.Effect<A, E2, R2> => Effect.flatMap(wrap(Effect.map(effect, (value) => ({ value: Effect.succeed(value) }))), take)
