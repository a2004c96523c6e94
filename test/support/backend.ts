import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import type { RuntimeConfig } from '../../functions/config';
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
export async function startTestBackend(options: { clock?: () => Date; configOverrides?: Partial<RuntimeConfig> } = {}) {
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

/**
 * One backend for a test file: started before its tests, stopped after. `app.request` reaches
 * whichever backend is running, so tests read as if it were a plain app.
 */
export function useTestBackend(options: { clock?: () => Date } = {}) {
  let backend: TestBackend | undefined;
  beforeAll(async () => {
    backend = await startTestBackend(options);
  });
  afterAll(() => backend?.stop());
  const running = () => {
    if (!backend) throw new Error('the test backend is not running yet');
    return backend;
  };
  return {
    app: { request: (...args: Parameters<TestBackend['app']['request']>) => running().app.request(...args) },
    backend: running,
  };
}
