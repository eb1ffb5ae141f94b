import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // node-web-audio-api runs native audio threads: one process per test file.
    pool: "forks",
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
