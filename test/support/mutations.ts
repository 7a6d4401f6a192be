/**
 * Breaking a value one place at a time, for the property tests that hold the generated decoders and encoders to
 * their Schemas (test/decoders.test.ts, test/encoders.test.ts).
 */

/** An object whose keys are slots: files and bytes are values, not containers. */
const isContainer = (value: unknown): value is object =>
  typeof value === "object" && value !== null && !(value instanceof Blob) && !(value instanceof Uint8Array)

/** Where a value can be broken: the paths to its objects' keys and arrays' items. */
export const slots = (
  value: unknown,
  path: ReadonlyArray<PropertyKey> = [],
  out: Array<ReadonlyArray<PropertyKey>> = []
): Array<ReadonlyArray<PropertyKey>> => {
  out.push(path)
  if (Array.isArray(value)) value.forEach((item, i) => slots(item, [...path, i], out))
  else if (isContainer(value)) for (const [k, v] of Object.entries(value)) slots(v, [...path, k], out)
  return out
}

/** A copy of `value` with the slot at `path` deleted (`remove` on an object key) or replaced. */
export const mutate = (value: unknown, path: ReadonlyArray<PropertyKey>, replacement: unknown, remove: boolean): unknown => {
  const [head, ...rest] = path
  if (head === undefined) return replacement
  if (Array.isArray(value)) {
    const copy = value.slice()
    copy[Number(head)] = mutate(copy[Number(head)], rest, replacement, remove)
    return copy
  }
  if (isContainer(value)) {
    const copy: Record<PropertyKey, unknown> = { ...value }
    if (rest.length === 0 && remove) delete copy[head]
    else copy[head] = mutate(copy[head], rest, replacement, remove)
    return copy
  }
  return value
}
