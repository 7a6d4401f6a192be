// Cold start: the whole package entry, as `await import("effect-clerk")` loads it.
export * from "effect-clerk"
