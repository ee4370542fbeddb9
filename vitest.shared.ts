/**
 * What the packages' unit-test configurations share. The unit stage tests every package
 * side by side: on a busy 2-core runner a fuzz, property or in-process server test that
 * takes a second or two alone can take several. The limit only catches a hang; no test
 * asserts a duration with it.
 */
export const unitTests = { include: ["test/**/*.test.ts"], testTimeout: 30_000 }
