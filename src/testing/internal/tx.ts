/**
 * One request's view of the world. A route reads and writes through it; the handler commits `tx.world` only
 * when the route succeeds, inside one `SynchronizedRef` update, so a request is all-or-nothing and requests
 * never interleave. The mutable field is local to a single request's run and never shared between fibers.
 */
import * as Ids from "./ids.js"
import * as Model from "./model.js"

/** An event a route raises itself (an email "sent"), beyond the ones its writes imply. */
export interface Raised {
  readonly type: string
  readonly data: Readonly<Record<string, unknown>>
}

export class Tx {
  /** The ids this request put or removed, by table: the webhooks are computed from them at commit. */
  readonly touched = new Map<Model.Table, Set<string>>()
  /** Events raised by the routes, in order. */
  readonly raised: Array<Raised> = []

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

  /** A fresh id of the hexadecimal kind (`mt_…`, `ak_…`). */
  hexId(prefix: string): string {
    return Ids.hex(prefix, this.seed, this.seq())
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

  /** The rows under a lookup key (`Model.identifierKey`, …). */
  lookup<T extends Model.Table>(table: T, key: string): Array<Model.Rows[T]> {
    return Model.lookup(this.world, table, key)
  }

  put<T extends Model.Table>(table: T, row: Model.Rows[T]): Model.Rows[T] {
    this.touch(table, row.id)
    this.world = Model.put(this.world, table, row)
    return row
  }

  remove<T extends Model.Table>(table: T, id: string): void {
    this.touch(table, id)
    this.world = Model.remove(this.world, table, id)
  }

  /** Raises an event that no write implies: an email or SMS the instance would have sent. */
  raise(type: string, data: Readonly<Record<string, unknown>>): void {
    this.raised.push({ type, data })
  }

  private touch(table: Model.Table, id: string): void {
    const ids = this.touched.get(table)
    if (ids === undefined) this.touched.set(table, new Set([id]))
    else ids.add(id)
  }

  setInstance(instance: Model.InstanceRow): void {
    this.world = { ...this.world, instance }
  }
}
