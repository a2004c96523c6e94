/**
 * `npm run bench`: every figure is a ratio against a baseline measured in the same run, on this
 * machine, against DynamoDB Local in memory. Prints Markdown.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { resolve } from 'node:path';
import { startLocalBackend } from '../infra/local-backend';
import { createLogger } from '../shared/log/logger';
import { TEST_ADMIN_TOKEN, TEST_WEBHOOK_SECRET } from '../test/support/backend';
import { benchHttp } from './http';
import { benchSettlement } from './settlement';
import { benchTaps } from './taps';
import { benchVerifier } from './verifier';

const started = Date.now();
console.log(`# OneCard benchmarks (${new Date().toISOString()}, Node ${process.version})\n`);
console.log(await benchVerifier());
const backend = await startLocalBackend({
  dataDir: ':memory:',
  seedsDir: resolve(import.meta.dirname, '../seeds'),
  adminToken: TEST_ADMIN_TOKEN,
  topupWebhookSecret: TEST_WEBHOOK_SECRET,
  logger: createLogger('bench', 'silent'),
  // The bench logs in hundreds of riders a minute from one address.
  configOverrides: {
    otp: { perPhonePerMinute: 5, perAddressPerMinute: 100_000, tokenPerAddressPerMinute: 100_000 },
    limits: { machineRequestsPerMinute: 1_000_000, billLookupsPerMinute: 1_000_000, cardStatusChangesPerHour: 6 },
  },
});
try {
  console.log(await benchHttp(backend));
  console.log(await benchTaps(backend));
  console.log(await benchSettlement(backend));
} finally {
  await backend.stop();
}
console.log(`(${((Date.now() - started) / 1000).toFixed(0)} s)`);
