import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { auditExport } from '../infra/audit/duckdb-audits';
import { exportTable } from '../infra/audit/local-export';
import { LOCAL_AWS } from '../infra/dynamo-local';
import { startLocalBackend } from '../infra/local-backend';
import { allowanceRules } from '../shared/benefits/allowance';
import { runAllowance } from '../shared/benefits/allowance-run';
import { openCard, verifyIdentity } from '../shared/cards/cards';
import { catalogPage } from '../shared/catalog/catalog';
import { storeEligibility } from '../shared/eligibility/records';
import { citizenForPhone } from '../shared/identity/citizens';
import { merchantPayable, SYSTEM } from '../shared/ledger/accounts';
import { postTransfer } from '../shared/ledger/transfers';
import { createLogger } from '../shared/log/logger';
import { dailyReport } from '../shared/reports/daily-report';
import { runSettlement } from '../shared/settlement/run';
import { catalogKey } from '../shared/store/keys';
import { dynamoClient, type Store } from '../shared/store/store';
import { businessDate } from '../shared/time/shanghai';
import { TEST_ADMIN_TOKEN, TEST_WEBHOOK_SECRET } from '../test/support/backend';

/** Requests a piece of work sent to DynamoDB, by command: the cost measure that does not depend on the machine. */
class RequestMeter {
  private counts = new Map<string, number>();
  attach(client: DynamoDBClient) {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const name = String(context.commandName).replace(/Command$/, '');
        this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
        return next(args);
      },
      { step: 'initialize', name: 'requestMeter' },
    );
  }
  reset() {
    this.counts.clear();
  }
  total() {
    return [...this.counts.values()].reduce((a, b) => a + b, 0);
  }
}

interface Row {
  work: string;
  size: string;
  requests: number;
  ms: number;
  per?: string;
}

const meter = new RequestMeter();
const DAY = '2026-11-02';
const DAY_START_MS = Date.parse('2026-11-01T20:00:00.000Z');

async function measure(work: string, size: string, fn: () => Promise<unknown>, unit?: number): Promise<Row> {
  meter.reset();
  const start = performance.now();
  await fn();
  const ms = Math.round(performance.now() - start);
  const requests = meter.total();
  return { work, size, requests, ms, ...(unit ? { per: (requests / unit).toFixed(1) } : {}) };
}

async function backendOf(name: string, endpoint?: string) {
  let now = DAY_START_MS + 26 * 3600_000;
  const clock = () => new Date(now);
  const backend = await startLocalBackend({
    dataDir: ':memory:',
    ...(endpoint ? { dynamoEndpoint: endpoint } : {}),
    tableName: `scale-${name}`,
    seedsDir: resolve(import.meta.dirname, '../seeds'),
    adminToken: TEST_ADMIN_TOKEN,
    topupWebhookSecret: TEST_WEBHOOK_SECRET,
    logger: createLogger('bench', 'silent'),
    clock,
    instrumentClient: (client) => meter.attach(client),
  });
  return { backend, setNow: (ms: number) => (now = ms) };
}

/** Idle merchants in the catalogue: a city's alliance, most of it selling nothing on a given day. */
async function addMerchants(store: Store, count: number) {
  for (let i = 0; i < count; i += 25) {
    const items = Array.from({ length: Math.min(25, count - i) }, (_, j) => {
      const merchantId = `m-idle-${String(i + j).padStart(6, '0')}`;
      return {
        PutRequest: { Item: { ...catalogKey('merchant', merchantId), merchantId, name: 'Idle', feeBasisPoints: 60 } },
      };
    });
    let requests = items;
    while (requests.length > 0) {
      const out = await store.doc.send(new BatchWriteCommand({ RequestItems: { [store.tableName]: requests } }));
      requests = (out.UnprocessedItems?.[store.tableName] ?? []) as typeof requests;
    }
  }
}

/** A day's sales into `payees` merchants, one movement each, over the business day's hours. */
async function sellDay(store: Store, setNow: (ms: number) => void, payees: number) {
  for (let i = 0; i < payees; i++) {
    setNow(DAY_START_MS + Math.floor((i / payees) * 20 * 3600_000));
    await postTransfer(store, {
      transferId: `scale-sale-${i}`,
      kind: 'adjustment',
      at: new Date(DAY_START_MS).toISOString(),
      description: 'sale',
      ref: `s${i}`,
      postings: [
        { accountId: merchantPayable(`m-idle-${String(i).padStart(6, '0')}`), amountFen: 1000 },
        { accountId: SYSTEM.adjustments, amountFen: -1000 },
      ],
    });
  }
  setNow(DAY_START_MS + 26 * 3600_000);
}

/** Settlement and the daily report against the catalogue's size (flat) and the payees that sold (linear). */
async function settlementCurves(endpoint: string): Promise<Row[]> {
  const rows: Row[] = [];
  for (const [catalogue, sold] of [
    [1_000, 20],
    [10_000, 20],
    [50_000, 20],
    [10_000, 200],
    [10_000, 2_000],
  ] as const) {
    const { backend, setNow } = await backendOf(`settle-${catalogue}-${sold}`, endpoint);
    const { store } = backend.deps;
    await addMerchants(store, catalogue);
    await sellDay(store, setNow, sold);
    const cutoff = new Date(DAY_START_MS + 24 * 3600_000);
    const size = `${catalogue.toLocaleString('en')} merchants, ${sold} sold`;
    rows.push(
      await measure(
        'settlement run',
        size,
        () => runSettlement({ store, clock: backend.deps.clock }, { runId: 'r', cutoff }),
        sold,
      ),
    );
    rows.push(await measure('daily report (flows)', size, () => dailyReport(store, DAY, undefined), sold));
    rows.push(await measure('merchants, a page of 1000', size, () => catalogPage(store, 'merchant', { limit: 1000 })));
    await backend.stop();
  }
  return rows;
}

/** Holders with verified cards and senior records, written through the domain as the API would. */
async function addElders(
  store: Store,
  clock: () => Date,
  count: number,
  pepper: string,
  city: Parameters<typeof openCard>[2],
) {
  const records = [];
  for (let i = 0; i < count; i++) {
    const birthDate = `192${i % 5}-0${1 + (i % 9)}-1${i % 10}`;
    const idNumber = residentId(birthDate, i);
    const citizenId = await citizenForPhone(store, { hash: `bench-phone-${i}`, masked: '139****0000' }, clock());
    const { card } = await openCard(
      store,
      { citizenId, name: `Elder ${i}`, idNumber, birthDate },
      city,
      pepper,
      clock(),
    );
    await verifyIdentity(store, card.cardId, { verifiedBy: 'bench', reference: 'bench' }, pepper, clock());
    records.push({
      recordId: `e-${i}`,
      idNumber,
      program: 'senior-allowance',
      group: 'none',
      validFrom: '2026-01-01',
      validTo: null,
      status: 'active',
    });
  }
  for (let i = 0; i < records.length; i += 500) {
    await storeEligibility(
      store,
      { clientId: 'agcy_bench', programs: ['senior-allowance'] },
      records.slice(i, i + 500),
      pepper,
      clock(),
    );
  }
}

function residentId(birthDate: string, seq: number): string {
  const digits = `445202${birthDate.replaceAll('-', '')}${String(seq % 1000).padStart(3, '0')}`;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...digits].reduce((acc, d, i) => acc + Number(d) * w[i]!, 0);
  return digits + '10X98765432'[sum % 11];
}

/** The allowance run against its records: requests grow with records, time with chunks over the workers. */
async function allowanceCurves(endpoint: string): Promise<Row[]> {
  const rows: Row[] = [];
  for (const records of [100, 400, 1_600]) {
    const { backend } = await backendOf(`alw-${records}`, endpoint);
    const { store, clock } = backend.deps;
    const pepper = await backend.deps.secrets.get('residentIdPepper');
    await addElders(store, clock, records, pepper, await backend.deps.city());
    await postTransfer(store, {
      transferId: 'fund',
      kind: 'funding',
      at: clock().toISOString(),
      description: 'fund',
      ref: 'fund',
      postings: [
        { accountId: SYSTEM.treasury, amountFen: -records * 30_000 },
        { accountId: SYSTEM.allowanceFund, amountFen: records * 30_000 },
      ],
    });
    const deps = { clock, rules: allowanceRules(store, clock), chunkRecords: 100 };
    rows.push(
      await measure(
        'allowance run (chunks of 100, 8 at once)',
        `${records.toLocaleString('en')} records`,
        () => runAllowance(store, deps, { runId: 'scale', month: businessDate(clock()).slice(0, 7) }),
        records,
      ),
    );
    await backend.stop();
  }
  return rows;
}

/** The full audit on DuckDB over a local export: the engine's work grows with the table, and no function's does. */
async function auditCurves(endpoint: string): Promise<Row[]> {
  const rows: Row[] = [];
  for (const movements of [1_000, 5_000, 20_000]) {
    const { backend, setNow } = await backendOf(`audit-${movements}`, endpoint);
    const { store } = backend.deps;
    await sellDay(store, setNow, movements);
    const client = dynamoClient({ endpoint, ...LOCAL_AWS });
    const dir = await mkdtemp(join(tmpdir(), 'scale-export-'));
    rows.push(
      await measure('full audit (export + DuckDB)', `${movements.toLocaleString('en')} movements`, async () => {
        await exportTable(client, store.tableName, dir);
        await auditExport(join(dir, 'data'));
      }),
    );
    client.destroy();
    await rm(dir, { recursive: true, force: true });
    await backend.stop();
  }
  return rows;
}

/** `npm run bench -- scale`: each job's cost at three sizes, as DynamoDB requests (and time on this machine). */
export async function benchScale(): Promise<string> {
  const { backend: first } = await backendOf('first');
  try {
    const rows = [
      ...(await settlementCurves(first.endpoint)),
      ...(await allowanceCurves(first.endpoint)),
      ...(await auditCurves(first.endpoint)),
    ];
    return [
      '## A city’s size: each job’s cost at three sizes',
      '',
      'DynamoDB requests are the measure (they do not depend on the machine); times are this machine’s, against DynamoDB Local in memory.',
      '',
      '| work | size | DynamoDB requests | per unit | ms |',
      '| --- | --- | --- | --- | --- |',
      ...rows.map((r) => `| ${r.work} | ${r.size} | ${r.requests} | ${r.per ?? ''} | ${r.ms} |`),
      '',
      `SCALE ${JSON.stringify(rows)}`,
      '',
    ].join('\n');
  } finally {
    await first.stop();
  }
}
