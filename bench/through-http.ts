import { Agent } from 'node:http';
import {
  DynamoDBClient,
  PutItemCommand,
  TransactWriteItemsCommand,
  type TransactWriteItemsCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { Hono } from 'hono';
import { LOCAL_AWS } from '../infra/dynamo-local';
import { jsonRequest } from '../test/support/citizen';
import { assertionFor } from '../test/support/jose-kit';
import { purchaseBody, registerPos } from '../test/support/pos';
import { registerTerminal, rider, tapBody } from '../test/support/rider';
import { summary } from './stats';

type App = Pick<Hono, 'request'>;
type Items = NonNullable<TransactWriteItemsCommandInput['TransactItems']>;

const SEQUENTIAL = 150;
const IN_FLIGHT = 32;
/** The bare baseline's concurrencies: the best of them is its rate. */
const BARE_WIDTHS = [8, 16, 32, 64];
const BARE_PER_WIDTH = 640;
const TAPS_IN_FLIGHT_TOTAL = 320;

/** The test helpers' `app.request`, sent over the network to a server (keep-alive: Node's fetch pools connections). */
export function remoteApp(baseUrl: string): App {
  const request = (input: string | URL | Request, init?: RequestInit) =>
    fetch(input instanceof Request ? input : new URL(String(input), baseUrl), init);
  // Hono's request also takes an Env and an execution context, which a remote server never needs.
  return { request } as App;
}

/** The fastest honest client for the bare work: the plain DynamoDB client on a keep-alive agent with room for every lane. */
export function plainClient(endpoint: string) {
  return new DynamoDBClient({
    endpoint,
    ...LOCAL_AWS,
    requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: 256 }) },
  });
}

/** The least a money movement writes: transfer record, payer's conditional update, payee's update, statement entry. */
export function bareTransaction(tableName: string, i: number, payer: string, version: number): Items {
  const id = `bare-${i}-${Math.random().toString(36).slice(2)}`;
  const at = new Date().toISOString();
  const postings = [
    { M: { accountId: { S: payer }, amountFen: { N: '-200' } } },
    { M: { accountId: { S: 'operator:bus-co:payable' }, amountFen: { N: '200' } } },
  ];
  return [
    {
      Put: {
        TableName: tableName,
        Item: {
          pk: { S: `BARE#T#${id}` },
          sk: { S: 'T' },
          kind: { S: 'fare' },
          at: { S: at },
          postings: { L: postings },
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      Update: {
        TableName: tableName,
        Key: { pk: { S: `BARE#W#${payer}` }, sk: { S: 'A' } },
        UpdateExpression: 'SET #v = :next, #b = #b - :amt',
        ConditionExpression: '#v = :read AND #b >= :amt',
        ExpressionAttributeNames: { '#v': 'version', '#b': 'balanceFen' },
        ExpressionAttributeValues: {
          ':read': { N: String(version) },
          ':next': { N: String(version + 1) },
          ':amt': { N: '200' },
        },
      },
    },
    {
      Update: {
        TableName: tableName,
        Key: { pk: { S: 'BARE#PAYEE' }, sk: { S: `S${i % 16}` } },
        UpdateExpression: 'ADD #b :amt',
        ExpressionAttributeNames: { '#b': 'balanceFen' },
        ExpressionAttributeValues: { ':amt': { N: '200' } },
      },
    },
    {
      Put: {
        TableName: tableName,
        Item: {
          pk: { S: `BARE#E#${payer}` },
          sk: { S: `E${String(version + 1).padStart(10, '0')}` },
          transferId: { S: id },
          amountFen: { N: '-200' },
          balanceAfterFen: { N: '0' },
          at: { S: at },
        },
      },
    },
  ];
}

/** Bare wallets, each at version 0 with plenty of money. */
export async function bareWallets(raw: DynamoDBClient, tableName: string, n: number) {
  const wallets = Array.from({ length: n }, (_, i) => ({ id: `bare-${Date.now()}-${i}`, version: 0 }));
  await Promise.all(
    wallets.map((w) =>
      raw.send(
        new PutItemCommand({
          TableName: tableName,
          Item: { pk: { S: `BARE#W#${w.id}` }, sk: { S: 'A' }, version: { N: '0' }, balanceFen: { N: '100000000' } },
        }),
      ),
    ),
  );
  return wallets;
}

/** Requests per second with `width` lanes, lane k doing items k, k + width, ... */
export async function inFlight(total: number, width: number, fn: (i: number, lane: number) => Promise<unknown>) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: width }, async (_, lane) => {
      while (next < total) await fn(next++, lane);
    }),
  );
  return total / ((performance.now() - started) / 1000);
}

/** The bare transaction's best rate: each lane on a wallet of its own (a lost version race would measure retries). */
export async function bestBareRate(raw: DynamoDBClient, tableName: string) {
  const rates: Record<number, number> = {};
  for (const width of BARE_WIDTHS) {
    const wallets = await bareWallets(raw, tableName, width);
    rates[width] = await inFlight(BARE_PER_WIDTH, width, async (i, lane) => {
      const w = wallets[lane]!;
      await raw.send(
        new TransactWriteItemsCommand({ TransactItems: bareTransaction(tableName, i, w.id, w.version++) }),
      );
    });
  }
  const [width, rate] = Object.entries(rates).sort((a, b) => b[1] - a[1])[0]!;
  return { bestWidth: Number(width), perSecond: rate, rates };
}

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/**
 * A tap and a purchase through HTTP to a running server (a socket, as a terminal sends them; every
 * signature made before the timer), interleaved with the bare transaction on the same DynamoDB Local,
 * then 32 taps in flight against the bare transaction at its best concurrency.
 */
export async function benchThroughHttp(target: { baseUrl: string; dynamoEndpoint: string; tableName: string }) {
  const app = remoteApp(target.baseUrl);
  const raw = plainClient(target.dynamoEndpoint);
  try {
    const terminal = await registerTerminal(app, ['B1']);
    const pos = await registerPos(app, 'm-tea');
    const riders = [];
    for (let i = 0; i < Math.ceil((2 * SEQUENTIAL) / 5) + 2; i++) riders.push(await rider(app, { balanceFen: 50_000 }));
    const [wallet] = await bareWallets(raw, target.tableName, 1);
    const ms = { tap: [] as number[], purchase: [] as number[], bare: [] as number[] };
    const timed = async (into: number[], fn: () => unknown) => {
      const t = performance.now();
      const res = await fn();
      into.push(performance.now() - t);
      if (res instanceof Response && res.status !== 200) throw new Error(`bench: ${res.status} ${await res.text()}`);
      if (res instanceof Response) await res.arrayBuffer();
    };
    for (let i = 0; i < SEQUENTIAL; i++) {
      const tap = await tapBody(riders[Math.floor(i / 5)]!, terminal, {
        routeId: 'B1',
        stopId: 'B1-S1',
        kind: 'board',
        at: new Date(Date.now() - 1000),
      });
      const tapAuth = { authorization: `Bearer ${await assertionFor(terminal.clientId, terminal.key)}` };
      const buy = await purchaseBody(riders[Math.floor(SEQUENTIAL / 5) + Math.floor(i / 5)]!, pos, 1000);
      const buyAuth = { authorization: `Bearer ${await assertionFor(pos.clientId, pos.key)}` };
      await timed(ms.tap, () => app.request('/v1/transit/taps', jsonRequest('POST', tap, tapAuth)));
      await timed(ms.bare, () =>
        raw.send(
          new TransactWriteItemsCommand({
            TransactItems: bareTransaction(target.tableName, i, wallet!.id, wallet!.version++),
          }),
        ),
      );
      await timed(ms.purchase, () => app.request('/v1/merchant/payments', jsonRequest('POST', buy, buyAuth)));
    }
    const cards = [];
    for (let i = 0; i < 2 * IN_FLIGHT; i++) cards.push(await rider(app, { balanceFen: 50_000 }));
    const requests: ReturnType<typeof jsonRequest>[] = [];
    for (let i = 0; i < TAPS_IN_FLIGHT_TOTAL; i++) {
      // Lane k taps cards k and k + 32 in turn: a card's taps never race each other.
      const card = cards[(i % IN_FLIGHT) + IN_FLIGHT * (Math.floor(i / IN_FLIGHT) % 2)]!;
      const body = await tapBody(card, terminal, {
        routeId: 'B1',
        stopId: 'B1-S2',
        kind: 'board',
        at: new Date(Date.now() - 1000),
      });
      requests.push(
        jsonRequest('POST', body, { authorization: `Bearer ${await assertionFor(terminal.clientId, terminal.key)}` }),
      );
    }
    const tapsPerSecond = await inFlight(TAPS_IN_FLIGHT_TOTAL, IN_FLIGHT, async (i) => {
      const res = await app.request('/v1/transit/taps', requests[i]);
      if (res.status !== 200) throw new Error(`bench tap in flight: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    });
    const bare = await bestBareRate(raw, target.tableName);
    const [tap, purchase, bareOne] = [summary(ms.tap), summary(ms.purchase), summary(ms.bare)];
    return {
      bareP50Ms: round(bareOne.p50),
      tapP50Ms: round(tap.p50),
      tapP99Ms: round(tap.p99),
      tapP50Ratio: round(tap.p50 / bareOne.p50),
      purchaseP50Ms: round(purchase.p50),
      purchaseP99Ms: round(purchase.p99),
      purchaseP50Ratio: round(purchase.p50 / bareOne.p50),
      inFlight: IN_FLIGHT,
      tapsPerSecond: round(tapsPerSecond, 1),
      bareBestWidth: bare.bestWidth,
      bareTransactionsPerSecond: round(bare.perSecond, 1),
      bareRates: Object.fromEntries(Object.entries(bare.rates).map(([w, r]) => [w, round(r, 0)])),
      inFlightRatio: round(tapsPerSecond / bare.perSecond),
    };
  } finally {
    raw.destroy();
  }
}
