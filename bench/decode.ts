/**
 * Decoding (issue 5, item 4): microseconds per `User`, one user per operation over 100 different users.
 *
 * - `JSON.parse` of one user's JSON (2.9 KB);
 * - the generated decoder the SDK decodes with (`schemas/decoders`, proven equal to the Schema by
 *   test/decoders.test.ts): every field validated and renamed;
 * - the full Schema decode: `Schema.decodeUnknown(Models.User)` of the parsed JSON, run as an Effect
 *   (`Effect.runSync`), and the same through `decodeUnknownSync` (no fiber);
 * - what `@clerk/backend` does per user: `User.fromJSON` (its class is not exported; it is reached as the
 *   `constructor` of a `User` that `getUser` returned from an in-memory stub). It copies fields and checks
 *   nothing.
 *
 * Then where the Schema decode's time goes: the nested parts of a user, decoded on their own.
 *
 *   npx tsx bench/decode.ts
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Decoders from "../schemas/decoders/Models.js"
import * as Models from "../schemas/Models.js"
import { Metadata, openEnum } from "../src/internal/schemas.js"
import { compare, find, fmt, machine, report, table } from "./harness.js"
import { loadClerkBackend } from "./support/clerkBackend.js"
import { reset, stubFetch, useFetch } from "./support/fetch.js"
import { bodies, SECRET_KEY, user, userId } from "./support/users.js"

const POOL = 100
const texts = Array.from({ length: POOL }, (_, i) => JSON.stringify(user(i)))
const parsed: ReadonlyArray<Record<string, unknown>> = texts.map((t) => JSON.parse(t))

/**
 * Cycles through the pool, so no operation sees the same object twice in a row. Each result is kept (the
 * last 64), so that the optimiser cannot drop an allocation nobody reads.
 */
const sink: Array<unknown> = new Array(64)
const cycling = <A>(items: ReadonlyArray<A>, f: (item: A) => unknown) => {
  let i = 0
  return () => {
    const n = i++
    sink[n & 63] = f(items[n % items.length] as A)
  }
}

/** `@clerk/backend`'s `User.fromJSON`, from the class of a user its `getUser` returned. */
const clerkUserFromJson = async (): Promise<(json: unknown) => unknown> => {
  const { createClerkClient } = await loadClerkBackend()
  const clerk = createClerkClient({ secretKey: SECRET_KEY, apiUrl: "http://127.0.0.1:9" })
  useFetch(stubFetch(bodies(1)))
  try {
    const sample: object = await clerk.users.getUser(userId(0))
    const fromJSON: unknown = Reflect.get(sample.constructor, "fromJSON")
    if (typeof fromJSON !== "function") throw new Error("@clerk/backend: User.fromJSON is not reachable")
    return (json) => Reflect.apply(fromJSON, sample.constructor, [json])
  } finally {
    reset()
  }
}

const field = (json: Record<string, unknown>, key: string, index?: number): unknown => {
  const value = json[key]
  return index === undefined ? value : Array.isArray(value) ? value[index] : undefined
}

const main = async () => {
  const fromJSON = await clerkUserFromJson()
  const decodeEffect = Schema.decodeUnknown(Models.User)
  const decodeSync = Schema.decodeUnknownSync(Models.User)
  // Every user decodes, or the benchmark measures a failure path.
  for (const json of parsed) decodeSync(json)

  console.log(`## Decoding (${await machine()})\n`)
  const main = await compare({
    title: "Decoding one full User (µs/op = µs per user)",
    subjects: [
      { name: "Schema.decodeUnknown(User), Effect.runSync", run: cycling(parsed, (j) => Effect.runSync(decodeEffect(j))) },
      { name: "Schema.decodeUnknownSync(User)", run: cycling(parsed, decodeSync) },
      { name: "generated decoder Decoders.User (schemas/decoders)", run: cycling(parsed, Decoders.User) },
      { name: "@clerk/backend User.fromJSON", run: cycling(parsed, fromJSON) },
      { name: "JSON.parse (2.9 KB)", run: cycling(texts, (t) => JSON.parse(t)) }
    ],
    rounds: 6,
    sampleMs: 80
  })
  console.log(report(main))

  // Where the time goes: each nested part of a user decoded alone, with the sync decoder.
  const parts = await compare({
    title: "Parts of a User, decoded alone (decodeUnknownSync)",
    subjects: [
      { name: "User (whole)", run: cycling(parsed, decodeSync) },
      {
        name: "EmailAddress ×1 (verification: union of 7)",
        run: cycling(parsed.map((j) => field(j, "email_addresses", 0)), Schema.decodeUnknownSync(Models.EmailAddress))
      },
      {
        name: "PhoneNumber ×1 (verification: union of 2)",
        run: cycling(parsed.map((j) => field(j, "phone_numbers", 0)), Schema.decodeUnknownSync(Models.PhoneNumber))
      },
      {
        name: "ExternalAccountWithVerification ×1",
        run: cycling(
          parsed.map((j) => field(j, "external_accounts", 0)),
          Schema.decodeUnknownSync(Models.ExternalAccountWithVerification)
        )
      },
      {
        name: "Metadata ×3 (Record<string, unknown>)",
        run: cycling(parsed, (j) => {
          const decode = decodeMetadata
          decode(j["public_metadata"])
          decode(j["private_metadata"])
          decode(j["unsafe_metadata"])
        })
      },
      {
        name: "validateSync(User) of a decoded user: every field checked, no key renames",
        run: cycling(parsed.map((j) => decodeSync(j)), Schema.validateSync(Models.User))
      },
      { name: "openEnum(\"user\") ×1 (Union(Literal, String))", run: cycling(parsed, (j) => decodeOpenEnum(j["object"])) },
      { name: "Schema.String ×1", run: cycling(parsed, (j) => decodeString(j["id"])) }
    ],
    rounds: 5,
    sampleMs: 60
  })
  console.log(report(parts, "User (whole)"))

  const us = (name: string) => find(main, name).cpuUsPerOp.median
  const schema = us("Schema.decodeUnknown(User), Effect.runSync")
  const generated = us("generated decoder Decoders.User (schemas/decoders)")
  const parse = us("JSON.parse (2.9 KB)")
  const clerk = us("@clerk/backend User.fromJSON")
  console.log(table(["per user", "CPU µs"], [
    ["JSON.parse", fmt(parse)],
    ["generated decoder (what the SDK does)", `${fmt(generated)} (${fmt(generated / parse)}× JSON.parse)`],
    ["Schema decode", `${fmt(schema)} (${fmt(schema / parse)}× JSON.parse)`],
    ["@clerk/backend User.fromJSON", `${fmt(clerk)} (${fmt(clerk / parse)}× JSON.parse)`],
    ["a 100-user page: parse + generated decoder", `${fmt(((parse + generated) * 100) / 1000)} ms`],
    ["a 100-user page: parse + Schema", `${fmt(((parse + schema) * 100) / 1000)} ms`],
    ["a 100-user page: parse + fromJSON", `${fmt(((parse + clerk) * 100) / 1000)} ms`]
  ]) + "\n")
}

const decodeMetadata = Schema.decodeUnknownSync(Metadata)
const decodeOpenEnum = Schema.decodeUnknownSync(openEnum("user"))
const decodeString = Schema.decodeUnknownSync(Schema.String)

await main()
