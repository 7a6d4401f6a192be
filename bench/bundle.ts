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
import { fileURLToPath } from "node:url"
import { fmt, goals, requireDev, table } from "./harness.js"

const root = fileURLToPath(new URL("..", import.meta.url))

interface Size {
  readonly min: number
  readonly gzip: number
}

// The measurement `npm run size` makes; esbuild is a dev dependency, reported like any other when missing.
const { bundle: measure } = await requireDev("esbuild", () => import("../scripts/bundle.js"))
const bundle = async (entry: string): Promise<Size> => measure(`${root}bench/programs/${entry}`)

const kb = (bytes: number) => `${fmt(bytes / 1024)} KB`

interface Row {
  readonly program: string
  readonly ours: Size
  readonly floor: Size
  readonly floorName: string
  readonly theirs: Size
  readonly theirsName: string
}

const marginal = (r: Row): number => (r.ours.gzip - r.floor.gzip) / 1024

const main = async () => {
  const httpFloor = await bundle("../../scripts/size/floor.ts")
  const verifyFloor = await bundle("floor-verify.ts")
  const getUser = await bundle("clerk-backend-get.ts")
  // The same floor program in Effect 4.1.0: not what effect-clerk builds on (DESIGN.md pins Effect 3).
  const httpFloor4 = await bundle("floor-effect4.ts")
  const http = { floor: httpFloor, floorName: "Effect + HttpClient + Schema", theirs: getUser, theirsName: "getUser" }
  const verify = {
    floor: verifyFloor,
    floorName: "Effect + Layer + Schema",
    theirs: await bundle("clerk-backend-verify-token.ts"),
    theirsName: "verifyToken"
  }
  const live: Row = {
    program: "Users.get through ClerkLive (`import { ClerkLive, Users } from \"effect-clerk\"`)",
    ours: await bundle("users-get-live.ts"),
    ...http
  }
  const small: Row = {
    program: "Users.get through Users.Default + ClerkClient.layerConfig (deep imports)",
    ours: await bundle("users-get-small.ts"),
    ...http
  }
  const standalone: Row = {
    program: "verifyToken with a jwtKey: TokenVerifier.layer + TokenVerifier.verifyToken",
    ours: await bundle("token-verifier.ts"),
    ...verify
  }
  const viaClerkAuth: Row = {
    program: "verifyToken with a jwtKey: ClerkAuth.layer + ClerkAuth.verifyToken",
    ours: await bundle("verify-token.ts"),
    ...verify
  }
  const authenticate: Row = {
    program: "authenticateRequest with a jwtKey: ClerkAuth.layer + ClerkAuth.authenticateRequest",
    ours: await bundle("authenticate-request.ts"),
    ...verify,
    theirs: await bundle("clerk-backend-authenticate-request.ts"),
    theirsName: "createClerkClient().authenticateRequest"
  }
  const rows: ReadonlyArray<Row> = [live, small, standalone, viaClerkAuth, authenticate]

  console.log("## Bundle size (esbuild --bundle --minify --format=esm --platform=neutral, gzip -9)\n")
  console.log(table(
    ["program", "effect-clerk min", "gzip", "Effect floor gzip", "marginal over floor", "@clerk/backend", "min", "gzip"],
    rows.map((r) => [
      r.program,
      kb(r.ours.min),
      kb(r.ours.gzip),
      `${kb(r.floor.gzip)} (${r.floorName})`,
      kb(r.ours.gzip - r.floor.gzip),
      r.theirsName,
      kb(r.theirs.min),
      kb(r.theirs.gzip)
    ])
  ) + "\n")
  console.log(
    `The HTTP floor program in Effect 4.1.0 (\`floor-effect4.ts\`; effect-clerk builds on Effect 3): ` +
      `${kb(httpFloor4.gzip)} gzip (${kb(httpFloor4.min)} min), against ${kb(httpFloor.gzip)} in Effect 3 and ` +
      `${kb(getUser.gzip)} for @clerk/backend's getUser program.\n`
  )

  console.log(goals([
    {
      goal: "Users.get program through ClerkLive: marginal bundle over the Effect floor ≤ 15 KB gzip",
      met: marginal(live) <= 15,
      measured: `${fmt(marginal(live))} KB (ClerkLive provides every service and ClerkAuth; the bundle keeps Users alone)`
    },
    {
      goal: "Users.get program, Users only: marginal bundle over the Effect floor ≤ 15 KB gzip",
      met: marginal(small) <= 15,
      measured: `${fmt(marginal(small))} KB`
    },
    {
      goal: "verifyToken program (TokenVerifier): marginal bundle over the Effect floor ≤ 12 KB gzip",
      met: marginal(standalone) <= 12,
      measured: `${fmt(marginal(standalone))} KB (through ClerkAuth, with request authentication: ${fmt(marginal(viaClerkAuth))} KB)`
    }
  ]))
}

await main()
