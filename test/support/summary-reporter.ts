/**
 * Prints one plain closing line, `vitest: N passed, N failed, N skipped`, that CI reads whatever the runner.
 */
import type { Reporter, TestModule } from "vitest/node"

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>) {
    let passed = 0
    let failed = 0
    let skipped = 0
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state
        if (state === "passed") passed++
        else if (state === "failed") failed++
        else skipped++
      }
    }
    // Printed at exit, so that it stands after vitest's own summary as the run's last line.
    process.once("exit", () => console.log(`vitest: ${passed} passed, ${failed} failed, ${skipped} skipped`))
  }
}
