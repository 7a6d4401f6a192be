/**
 * How bundle sizes are measured, by `npm run size` and by the benchmarks alike: esbuild, minified ESM for a
 * neutral platform (an edge function), gzip -9.
 */
import * as esbuild from "esbuild"
import { gzipSync } from "node:zlib"

export interface Bundle {
  readonly text: string
  readonly min: number
  readonly gzip: number
}

export const bundle = async (entry: string): Promise<Bundle> => {
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: "esm",
    platform: "neutral",
    mainFields: ["module", "main"],
    write: false,
    logLevel: "error"
  })
  const text = result.outputFiles[0]?.text ?? ""
  return { text, min: Buffer.byteLength(text), gzip: gzipSync(text, { level: 9 }).length }
}
