import { defineConfig } from 'vitest/config';

// unit: no build, no onnxruntime (seconds); e2e: the built CLI and onnxruntime, rebuilt first when stale;
// both write their files in a directory of the run's own (test/tmp-setup.ts)
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], globalSetup: ['test/tmp-setup.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/tmp-setup.ts', 'test/e2e/setup.ts'],
        },
      },
    ],
  },
});
