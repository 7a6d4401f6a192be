/**
 * The users every REST and decoding benchmark serves: full wire-format Clerk users (an email address
 * verified through Google, a phone number, a Google external account, and the three metadata bags), each
 * different from the next, serialised once so that no benchmark pays for producing them.
 */
import { userJson } from "../../src/testing/fixtures.js"
import type { Subject } from "../harness.js"

export const SECRET_KEY = "sk_test_benchmarkbenchmarkbenchmarkbenchmark00"

const firstNames = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia", "Tony"]
const lastNames = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson", "Perlman", "Hoare"]

/** The id of the `i`th user: shaped like Clerk's (`user_` + 27 characters). */
export const userId = (i: number): string => `user_2bench${String(i).padStart(22, "0")}`

/** The `i`th user, as the Backend API sends it. */
export const user = (i: number): Record<string, unknown> => {
  const firstName = firstNames[i % firstNames.length] ?? "Ada"
  const lastName = lastNames[(i * 7) % lastNames.length] ?? "Lovelace"
  return userJson({
    id: userId(i),
    emailAddress: `${firstName}.${lastName}.${i}@example.com`.toLowerCase(),
    firstName,
    lastName,
    username: i % 3 === 0 ? null : `${firstName}${i}`.toLowerCase(),
    phoneNumber: `+1555${String(1_000_000 + i).slice(-7)}`,
    externalId: i % 2 === 0 ? `crm-${i}` : null,
    createdAt: 1_735_689_600_000 + i * 86_400_000,
    withGoogle: true,
    publicMetadata: { plan: i % 4 === 0 ? "pro" : "free", seats: i % 10, features: ["sso", "audit-log"] },
    privateMetadata: { stripeCustomerId: `cus_${i.toString(36).padStart(10, "0")}`, flags: { beta: i % 5 === 0 } },
    unsafeMetadata: { onboarding: { step: i % 6, completed: i % 6 === 5 }, theme: "dark" }
  })
}

/** `GET /users?limit=<n>`: a bare array. */
export const userListJson = (n: number): string => JSON.stringify(Array.from({ length: n }, (_, i) => user(i)))

/** `GET /users/{id}`. */
export const userOneJson = (i = 0): string => JSON.stringify(user(i))

/** `GET /users/count`. */
export const countJson = (n: number): string => JSON.stringify({ object: "total_count", total_count: n })

/** The three bodies a benchmark serves: a list page of `pageSize` users, one user, the count. */
export interface Bodies {
  readonly list: string
  readonly one: string
  readonly count: string
}

export const bodies = (pageSize = 100): Bodies => ({
  list: userListJson(pageSize),
  one: userOneJson(0),
  count: countJson(pageSize)
})

/**
 * Which body answers a URL: `/users/count`, `/users/<id>`, else the list. Both SDKs' stubs and the HTTP
 * server route with this, so routing costs every contender the same.
 */
export const route = (pathname: string, b: Bodies): string =>
  pathname.endsWith("/users/count") ? b.count : pathname.includes("/users/user_") ? b.one : b.list

/** The first user id of whatever a subject returned, to prove each one is wired before it is timed. */
export const firstId = (value: unknown): unknown => {
  const list = Array.isArray(value)
    ? value
    : typeof value === "object" && value !== null && "data" in value && Array.isArray(value.data)
    ? value.data
    : undefined
  if (list !== undefined) return firstId(list[0])
  if (Array.isArray(value)) return firstId(value[0])
  return typeof value === "object" && value !== null && "id" in value ? value.id : undefined
}

export const checkWired = async (subjects: ReadonlyArray<Subject>, expected: string): Promise<void> => {
  for (const s of subjects) {
    s.enter?.()
    try {
      const id = firstId(await s.run())
      if (id !== expected) throw new Error(`${s.name} returned user ${String(id)}, expected ${expected}`)
    } finally {
      s.exit?.()
    }
  }
}
