import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { afterAll, beforeAll, inject } from 'vitest';
import type { RuntimeConfig } from '../../functions/config';
import { startLocalBackend } from '../../infra/local-backend';
import { silentLogger } from './silent-logger';
import { areaOf, recordTableAccess, requestArea, type TableAccessRecord, tableAccessRefusals } from './table-access';

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
  const accesses: TableAccessRecord[] = [];
  const backend = await startLocalBackend({
    dataDir: ':memory:',
    dynamoEndpoint: inject('dynamoEndpoint'),
    seedsDir: 'seeds',
    adminToken: TEST_ADMIN_TOKEN,
    topupWebhookSecret: TEST_WEBHOOK_SECRET,
    logger: silentLogger,
    tableName: `t-${randomUUID()}`,
    instrumentClient: (client) => recordTableAccess(client, accesses),
    ...options,
  });
  const { app } = backend;
  // Each request runs as the area API Gateway would send it to, so its table accesses are that area's.
  const request = ((input: string | Request | URL, init?: RequestInit, ...rest: unknown[]) => {
    const url =
      typeof input === 'string'
        ? new URL(input, 'http://test')
        : new URL(String(input instanceof Request ? input.url : input));
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    const where = areaOf(method.toUpperCase(), url.pathname);
    const call = () => app.request(input, init, ...(rest as []));
    return where ? requestArea.run(where, call) : call();
  }) as typeof app.request;
  return { ...backend, app: Object.assign(Object.create(app), { request }) as typeof app, accesses };
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
  afterAll(async () => {
    if (backend) expectGrantedTableAccess(backend.accesses);
    await backend?.stop();
  });
  const running = () => {
    if (!backend) throw new Error('the test backend is not running yet');
    return backend;
  };
  return {
    app: { request: (...args: Parameters<TestBackend['app']['request']>) => running().app.request(...args) },
    backend: running,
  };
}

/**
 * Every table action the file's requests made is one its area's role is granted in the cloud
 * (DynamoDB Local checks no IAM: this is where a missing grant shows).
 */
function expectGrantedTableAccess(accesses: TableAccessRecord[]) {
  if (process.env.ONECARD_TABLE_ACCESS_DUMP) {
    appendFileSync(process.env.ONECARD_TABLE_ACCESS_DUMP, accesses.map((a) => `${JSON.stringify(a)}\n`).join(''));
  }
  const refused = tableAccessRefusals(accesses);
  if (refused.length > 0) throw new Error(`table accesses no role is granted:\n${refused.join('\n')}`);
}
