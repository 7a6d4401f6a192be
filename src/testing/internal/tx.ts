/**
 * One request's view of the world. A route reads and writes through it; the handler commits `tx.world` only
 * when the route succeeds, inside one `SynchronizedRef` update, so a request is all-or-nothing and requests
 * never interleave. The mutable field is local to a single request's run and never shared between fibers.
 */
import * as Ids from "./ids.js"
import * as Model from "./model.js"

export class Tx {
  constructor(
    public world: Model.World,
    /** The request's time, unix milliseconds, from `Clock`. */
    readonly now: number,
    /** The seed of the id generator. */
    readonly seed: number
  ) {}

  /** The next sequence number. */
  seq(): number {
    const seq = this.world.seq
    this.world = { ...this.world, seq: seq + 1 }
    return seq
  }

  /** A fresh id with Clerk's prefix for the kind of record: `user`, `org`, `idn`, … */
  id(prefix: string): string {
    return Ids.make(prefix, this.seed, this.seq(), this.now)
  }

  /** A fresh opaque token. */
  token(): string {
    return Ids.token(this.seed, this.seq())
  }

  get<T extends Model.Table>(table: T, id: string): Model.Rows[T] | undefined {
    return Model.get(this.world, table, id)
  }

  rows<T extends Model.Table>(table: T): Array<Model.Rows[T]> {
    return Model.rows(this.world, table)
  }

  /** The first row that satisfies `predicate`, in no particular order. */
  find<T extends Model.Table>(table: T, predicate: (row: Model.Rows[T]) => boolean): Model.Rows[T] | undefined {
    return Model.find(this.world, table, predicate)
  }

  put<T extends Model.Table>(table: T, row: Model.Rows[T]): Model.Rows[T] {
    this.world = Model.put(this.world, table, row)
    return row
  }

  remove<T extends Model.Table>(table: T, id: string): void {
    this.world = Model.remove(this.world, table, id)
  }

  setInstance(instance: Model.InstanceRow): void {
    this.world = { ...this.world, instance }
  }
}
