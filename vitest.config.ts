import { defineConfig } from 'vitest/config';

// test.env does not reach globalSetup, so the SDK's Node 20 warning is switched off here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.CDK_DISABLE_CLI_TELEMETRY = 'true';

export default defineConfig({
  test: {
    projects: [
      // Unit tests import large modules (zod schemas, the OpenAPI document) and may wait on a loaded machine.
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 60_000 } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/http/**/*.test.ts'],
          globalSetup: ['test/support/dynamo-global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      // A CDK synth in a beforeAll takes tens of seconds on a busy 2-core machine: hooks get the tests' time.
      { test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 180_000 } },
    ],
  },
});
