import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { startLocalBackend } from '../../infra/local-backend';
import { silentLogger } from './silent-logger';

export const TEST_ADMIN_TOKEN = 'test-admin-token';
export const TEST_WEBHOOK_SECRET = 'test-webhook-secret';

/** A controllable clock: tests move time on purpose, never by sleeping. */
export function testClock(start = new Date()) {
  let now = start.getTime();
  const clock = () => new Date(now);
  clock.set = (d: Date | string) => {
    now = new Date(d).getTime();
  };
  clock.advance = (ms: number) => {
    now += ms;
  };
  return clock;
}

/**
 * The whole backend against the run's DynamoDB Local, on a table of its own and seeded,
 * as `npm start` builds it; tests call it through `app.request`.
 */
export async function startTestBackend(options: { clock?: () => Date } = {}) {
  return startLocalBackend({
    dataDir: ':memory:',
    dynamoEndpoint: inject('dynamoEndpoint'),
    seedsDir: 'seeds',
    adminToken: TEST_ADMIN_TOKEN,
    topupWebhookSecret: TEST_WEBHOOK_SECRET,
    logger: silentLogger,
    tableName: `t-${randomUUID()}`,
    ...options,
  });
}

export type TestBackend = Awaited<ReturnType<typeof startTestBackend>>;
