import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestBackend } from '../support/backend';
import { adminAuth, jsonRequest } from '../support/citizen';
import { body } from '../support/http';
import { assertionFor, newKey, type TestKey } from '../support/jose-kit';
import { purchaseBody, registerPos, till } from '../support/pos';
import { type Rider, rider, type Terminal, tapBody } from '../support/rider';

const { app } = useTestBackend();

type Caller =
  | 'none'
  | 'citizen'
  | 'other-citizen'
  | 'transit-terminal'
  | 'merchant-pos'
  | 'biller'
  | 'facility-gate'
  | 'service-outlet'
  | 'agency'
  | 'disabled-client'
  | 'operator';
const CALLERS: Caller[] = [
  'none',
  'citizen',
  'other-citizen',
  'transit-terminal',
  'merchant-pos',
  'biller',
  'facility-gate',
  'service-outlet',
  'agency',
  'disabled-client',
  'operator',
];
const EVERYONE = new Set<Caller>(CALLERS);

/** Who may get past authentication, by path: the rule the matrix holds every documented route to. */
function allowed(path: string): Set<Caller> {
  if (/^\/(v1\/health|\.well-known\/|openapi\.json|docs)/.test(path) || path.startsWith('/v1/auth/')) return EVERYONE;
  if (path === '/v1/me' || path.startsWith('/v1/me/')) return new Set(['citizen', 'other-citizen']);
  if (path.startsWith('/v1/admin/')) return new Set(['operator']);
  if (path.startsWith('/v1/transit/')) return new Set(['transit-terminal']);
  if (path.startsWith('/v1/terminal/'))
    return new Set(['transit-terminal', 'merchant-pos', 'facility-gate', 'service-outlet']);
  if (path.startsWith('/v1/facilities/')) return new Set(['facility-gate']);
  if (path.startsWith('/v1/outlet/')) return new Set(['service-outlet']);
  if (path.startsWith('/v1/agency/')) return new Set(['agency']);
  if (path.startsWith('/v1/merchant/')) return new Set(['merchant-pos']);
  if (path.startsWith('/v1/biller/')) return new Set(['biller']);
  // The top-up webhook: only the provider's HMAC signature, which none of these callers has.
  if (path.startsWith('/v1/webhooks/')) return new Set();
  throw new Error(`the matrix has no rule for ${path}: add one`);
}

interface Machine {
  clientId: string;
  key: TestKey;
}
let citizen: Rider;
let other: Rider;
let machines: Record<
  'transit-terminal' | 'merchant-pos' | 'biller' | 'facility-gate' | 'service-outlet' | 'agency' | 'disabled-client',
  Machine
>;

async function registerMachine(kind: string, scope: object): Promise<Machine> {
  const key = await newKey();
  const res = await app.request(
    '/v1/admin/clients',
    jsonRequest('POST', { kind, name: `matrix ${kind}`, publicKeyJwk: key.publicJwk, scope }, adminAuth),
  );
  return { clientId: (await body(res)).clientId, key };
}

beforeAll(async () => {
  citizen = await rider(app, { balanceFen: 5000 });
  other = await rider(app, { balanceFen: 5000 });
  const disabled = await registerMachine('transit-terminal', { routeIds: ['B1'] });
  await app.request(`/v1/admin/clients/${disabled.clientId}/disable`, { method: 'POST', headers: adminAuth });
  machines = {
    'transit-terminal': await registerMachine('transit-terminal', { routeIds: ['B1'] }),
    'merchant-pos': await registerMachine('merchant-pos', { merchantId: 'm-tea' }),
    biller: await registerMachine('biller', { billerId: 'water' }),
    'facility-gate': await registerMachine('facility-gate', { facilityId: 'f-park' }),
    'service-outlet': await registerMachine('service-outlet', { outletId: 'o-station' }),
    agency: await registerMachine('agency', { programs: ['senior-allowance'] }),
    'disabled-client': disabled,
  };
});

async function headersOf(caller: Caller): Promise<Record<string, string>> {
  switch (caller) {
    case 'none':
      return {};
    case 'citizen':
      return citizen.auth;
    case 'other-citizen':
      return other.auth;
    case 'operator':
      return adminAuth;
    default: {
      const m = machines[caller];
      return { authorization: `Bearer ${await assertionFor(m.clientId, m.key)}` };
    }
  }
}

/** A concrete path for a documented one: UUIDs where ids are UUIDs, a plain id elsewhere. */
const concrete = (path: string) =>
  path.replace(/\{(\w+)\}/g, (_m, name: string) =>
    /^(tapId|paymentId|refundId|visitId|topupId|checkId)$/.test(name) ? randomUUID() : `x-${name}`,
  );

describe('the authorization matrix, from /openapi.json', () => {
  it('lets only the right kind of caller past authentication on every documented route', async () => {
    const doc = await body(await app.request('/openapi.json'));
    const operations = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => ({ method: method.toUpperCase(), path })),
    );
    expect(operations.length).toBeGreaterThan(40);
    const wrong: string[] = [];
    for (const { method, path } of operations) {
      const may = allowed(path);
      for (const caller of CALLERS) {
        const headers = await headersOf(caller);
        const init = method === 'GET' || method === 'DELETE' ? { method, headers } : jsonRequest(method, {}, headers);
        const res = await app.request(concrete(path), init);
        const gotIn = res.status !== 401 && res.status !== 403;
        if (res.status >= 500) wrong.push(`${caller} ${method} ${path}: ${res.status}`);
        if (gotIn !== may.has(caller)) wrong.push(`${caller} ${method} ${path}: ${res.status}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 60_000);

  it('keeps callers inside their scope: route, merchant, the citizen’s own card', async () => {
    // A B1 terminal on B2.
    const terminal: Terminal = machines['transit-terminal'];
    const tap = await tapBody(citizen, terminal, { routeId: 'B2', stopId: 'B2-S1', kind: 'board' });
    const outside = await app.request(
      '/v1/transit/taps',
      jsonRequest('POST', tap, await headersOf('transit-terminal')),
    );
    expect(outside.status).toBe(403);
    // Another merchant's POS refunding the teahouse's payment.
    const { buy, refund } = till(app);
    const tea = await registerPos(app, 'm-tea');
    const books = await registerPos(app, 'm-books');
    const paid = (await buy(tea, await purchaseBody(citizen, tea, 500))).json;
    expect((await refund(books, paid.paymentId, 100)).status).toBe(403);
    // Another citizen's device.
    const revoke = await app.request(`/v1/me/devices/${citizen.deviceId}`, { method: 'DELETE', headers: other.auth });
    expect(revoke.status).toBe(404);
  });
});
