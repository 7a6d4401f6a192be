// Cold start: the whole package entry of @clerk/backend, as `await import("@clerk/backend")` loads it.
export * from "@clerk/backend"
