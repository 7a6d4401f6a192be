/**
 * Bundle size (issue 5, item 5): esbuild, minified ESM, `--platform=neutral` (what an edge function
 * ships), gzip -9, for each program in `bench/programs/` beside the same program with `@clerk/backend` and
 * the bare Effect floor, so that the SDK's own marginal bytes are visible.
 *
 * The effect-clerk programs import the package the way a user does (`effect-clerk`, `effect-clerk/…`,
 * resolved through package.json `exports` to the sources). jose, a dependency of effect-clerk, counts as
 * the SDK's bytes.
 *
 *   npx tsx bench/bundle.ts
 */
import { existsSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { fmt, goals, requireDev, table } from "./harness.js"

const root = fileURLToPath(new URL("..", import.meta.url))

interface Size {
  readonly min: number
  readonly gzip: number
}

// The measurement `npm run size` makes; esbuild is a dev dependency, reported like any other when missing.
const { bundle: measure } = await requireDev("esbuild", () => import("../scripts/bundle.js"))
const bundle = async (entry: string): Promise<Size> => measure(`${root}${entry}`)

const kb = (bytes: number) => `${fmt(bytes / 1024)} KB`

/** `ClerkAuth.verifyToken` exists once the auth work has landed; until then its rows are pending. */
const hasVerifyToken = (): boolean => {
  const file = `${root}src/ClerkAuth.ts`
  return existsSync(file) && /verifyToken/.test(readFileSync(file, "utf8"))
}
interface Row {
  readonly program: string
  readonly ours: Size | "pending"
  readonly floor: Size | undefined
  readonly floorName: string
  readonly theirs: Size
}

const main = async () => {
  const httpFloor = await bundle("scripts/size/floor.ts")
  const rows: Array<Row> = [
    {
      program: "Users.get through ClerkLive (`import { ClerkLive, Users } from \"effect-clerk\"`)",
      ours: await bundle("bench/programs/users-get-live.ts"),
      floor: httpFloor,
      floorName: "Effect + HttpClient + Schema",
      theirs: await bundle("bench/programs/clerk-backend-get.ts")
    },
    {
      program: "Users.get through Users.Default + ClerkClient.layerConfig (deep imports)",
      ours: await bundle("bench/programs/users-get-small.ts"),
      floor: httpFloor,
      floorName: "Effect + HttpClient + Schema",
      theirs: await bundle("bench/programs/clerk-backend-get.ts")
    }
  ]
  const verifyFloor = await bundle("bench/programs/floor-verify.ts")
  rows.push({
    program: "verifyToken with a jwtKey (ClerkAuth.layer + ClerkAuth.verifyToken)",
    ours: hasVerifyToken() ? await bundle("bench/programs/verify-token.ts") : "pending",
    floor: verifyFloor,
    floorName: "Effect + Layer + Schema",
    theirs: await bundle("bench/programs/clerk-backend-verify-token.ts")
  })
  // TODO(authenticateRequest): `ClerkAuth.authenticateRequest` was still being built (it did not type-check)
  // when these benchmarks were written. Add bench/programs/authenticate-request.ts and its @clerk/backend
  // twin (`createClerkClient({ publishableKey }).authenticateRequest(request, { jwtKey })`), then a row here.

  console.log("## Bundle size (esbuild --bundle --minify --format=esm --platform=neutral, gzip -9)\n")
  console.log(table(
    ["program", "effect-clerk min", "gzip", "Effect floor gzip", "marginal over floor", "@clerk/backend min", "gzip"],
    [
      ...rows.map((r) => [
        r.program,
        r.ours === "pending" ? "pending: ClerkAuth not yet built" : kb(r.ours.min),
        r.ours === "pending" ? "–" : kb(r.ours.gzip),
        r.floor === undefined ? "–" : `${kb(r.floor.gzip)} (${r.floorName})`,
        r.ours === "pending" || r.floor === undefined ? "–" : kb(r.ours.gzip - r.floor.gzip),
        kb(r.theirs.min),
        kb(r.theirs.gzip)
      ]),
      ["authenticateRequest (TODO)", "pending: authenticateRequest not yet benchmarked", "–", "–", "–", "–", "–"]
    ]
  ) + "\n")

  const marginal = (r: Row | undefined) =>
    r === undefined || r.ours === "pending" || r.floor === undefined ? undefined : (r.ours.gzip - r.floor.gzip) / 1024
  const live = marginal(rows[0])
  const small = marginal(rows[1])
  const verify = marginal(rows[2])
  console.log(goals([
    {
      goal: "Users.get program (ClerkLive): marginal bundle over the Effect floor ≤ 15 KB gzip",
      met: live !== undefined && live <= 15,
      measured: `${fmt(live ?? Number.NaN)} KB (Users.Default + layerConfig: ${fmt(small ?? Number.NaN)} KB)`
    },
    {
      goal: "verifyToken program: marginal bundle over the Effect floor ≤ 12 KB gzip",
      met: verify === undefined ? "pending" : verify <= 12,
      measured: verify === undefined ? "ClerkAuth not yet built" : `${fmt(verify)} KB`
    }
  ]))
}

await main()
