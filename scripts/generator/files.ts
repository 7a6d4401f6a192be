/**
 * Writing the generated files, or checking that the files on disk are what a fresh run would write.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { isGenerated } from "./header.js"

export interface OutputFile {
  /** Relative to the project root. */
  readonly path: string
  readonly text: string
}

/** The folders the generator owns: every generated `.ts` file in them comes from one run. */
export const ownedFolders: ReadonlyArray<string> = ["services", "schemas", "schemas/encoders", "test/generated"]

const existingFiles = (root: string): ReadonlyArray<string> =>
  ownedFolders.flatMap((folder) => {
    const dir = path.join(root, folder)
    if (!fs.existsSync(dir)) return []
    return fs.readdirSync(dir).filter((name) => name.endsWith(".ts")).map((name) => path.posix.join(folder, name))
  })

export interface Difference {
  readonly path: string
  readonly kind: "differs" | "missing" | "extra"
}

export const check = (root: string, files: ReadonlyArray<OutputFile>): ReadonlyArray<Difference> => {
  const out: Array<Difference> = []
  const expected = new Set(files.map((file) => file.path))
  for (const file of files) {
    const target = path.join(root, file.path)
    if (!fs.existsSync(target)) out.push({ path: file.path, kind: "missing" })
    else if (fs.readFileSync(target, "utf8") !== file.text) out.push({ path: file.path, kind: "differs" })
  }
  for (const file of existingFiles(root)) if (!expected.has(file)) out.push({ path: file, kind: "extra" })
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
}

export interface WriteResult {
  readonly written: number
  readonly unchanged: number
  readonly removed: ReadonlyArray<string>
  /** Files in an owned folder that the generator did not write and that are not generator output: left alone. */
  readonly foreign: ReadonlyArray<string>
}

export const write = (root: string, files: ReadonlyArray<OutputFile>): WriteResult => {
  let written = 0
  let unchanged = 0
  for (const file of files) {
    const target = path.join(root, file.path)
    if (fs.existsSync(target) && fs.readFileSync(target, "utf8") === file.text) {
      unchanged += 1
      continue
    }
    fs.mkdirSync(path.dirname(target), { recursive: true })
    fs.writeFileSync(target, file.text)
    written += 1
  }
  const expected = new Set(files.map((file) => file.path))
  const removed: Array<string> = []
  const foreign: Array<string> = []
  for (const file of existingFiles(root)) {
    if (expected.has(file)) continue
    const target = path.join(root, file)
    if (isGenerated(fs.readFileSync(target, "utf8"))) {
      fs.rmSync(target)
      removed.push(file)
    } else {
      foreign.push(file)
    }
  }
  return { written, unchanged, removed, foreign }
}
