/**
 * Clerk's metadata semantics. Merge (`PATCH …/metadata`) is deep: nested objects merge, anything else
 * replaces, and `null` removes the key at any depth. Replace (`PUT …/metadata`) swaps each supplied field
 * wholesale and leaves the others alone.
 */
import type { Metadata } from "./model.js"

const isObject = (value: unknown): value is Metadata =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** Deep merge of `patch` into `base`; `null` deletes. */
export const merge = (base: Metadata, patch: Metadata): Metadata => {
  const out: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete out[key]
    } else {
      const current = out[key]
      out[key] = isObject(current) && isObject(value) ? merge(current, value) : withoutNulls(value)
    }
  }
  return out
}

// A new nested object is stored as a merge into nothing: its `null`s delete keys that do not exist, so
// they vanish rather than being stored as null.
const withoutNulls = (value: unknown): unknown => isObject(value) ? merge({}, value) : value
