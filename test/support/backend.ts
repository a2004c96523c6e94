import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { afterAll, beforeAll, inject } from 'vitest';
import type { RuntimeConfig } from '../../functions/config';
import { startLocalBackend } from '../../infra/local-backend';
import { areaApps } from './area-apps';
import { type AccessRecord, areaOf, recordPorts, recordTableAccess, requestArea } from './grants/access-records';
import { keyFamily, refusals } from './grants/check';
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
  const accesses: AccessRecord[] = [];
  const backend = await startLocalBackend({
    dataDir: ':memory:',
    dynamoEndpoint: inject('dynamoEndpoint'),
    seedsDir: 'seeds',
    adminToken: TEST_ADMIN_TOKEN,
    topupWebhookSecret: TEST_WEBHOOK_SECRET,
    logger: silentLogger,
    tableName: `t-${randomUUID()}`,
    instrumentClient: (client) => recordTableAccess(client, accesses),
    instrumentPorts: (ports) => recordPorts(ports, accesses),
    ...options,
  });
  const { app } = backend;
  const apps = areaApps(backend.deps, backend.keyMaterial);
  // Each request runs as the area API Gateway would send it to, on that area's app, so what it asks
  // of AWS is that area's.
  const request = ((input: string | Request | URL, init?: RequestInit, ...rest: unknown[]) => {
    const url =
      typeof input === 'string'
        ? new URL(input, 'http://test')
        : new URL(String(input instanceof Request ? input.url : input));
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    const where = areaOf(method.toUpperCase(), url.pathname);
    const served = (where && apps[where.area]) || app;
    const call = () => served.request(input, init, ...(rest as []));
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
    if (backend) expectGranted(backend.accesses);
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
 * Everything the file's requests asked of AWS (table actions, keys, secrets, reports, state machines)
 * is allowed to their area's role in the synthesized template: DynamoDB Local and the local stand-ins
 * check no IAM, so this is where a missing grant shows. With ONECARD_ACCESS_RECORDS set (npm test),
 * the accesses are kept for the check that nothing granted goes unused (test/support/grants/unused.ts).
 */
function expectGranted(accesses: AccessRecord[]) {
  const file = process.env.ONECARD_ACCESS_RECORDS;
  if (file) {
    const lines = new Set(accesses.map((a) => JSON.stringify({ ...a, leadingKey: keyFamily(a.leadingKey) })));
    appendFileSync(file, [...lines].map((l) => `${l}\n`).join(''));
  }
  const refused = refusals(inject('cloudGrants'), accesses);
  if (refused.length > 0) throw new Error(`accesses no role is granted:\n${refused.join('\n')}`);
}
