import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The conformance suite and corpus compilation are large but deterministic; keep generous limits.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
