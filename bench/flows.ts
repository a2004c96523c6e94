import { resolve } from 'node:path';
import {
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  type TransactWriteItemsCommandInput,
} from '@aws-sdk/client-dynamodb';
import { startLocalBackend } from '../infra/local-backend';
import { statementPage } from '../shared/ledger/statement';
import { createLogger } from '../shared/log/logger';
import { transitStateOf } from '../shared/transit/stored-state';
import { TEST_ADMIN_TOKEN, TEST_WEBHOOK_SECRET, testClock } from '../test/support/backend';
import { jsonRequest, topUp } from '../test/support/citizen';
import { aWeekAgoAtSeven, commuter } from '../test/support/commuter';
import { registerMachine, visitBody } from '../test/support/gate';
import { attributeOf, itemSizeBytes, transactionalWcu } from '../test/support/item-size';
import { assertionFor } from '../test/support/jose-kit';
import { purchaseBody, registerPos } from '../test/support/pos';
import { postTap, registerTerminal, rider, tapBody } from '../test/support/rider';
import { benchPseudonymous } from './pseudonymous';
import { summary } from './stats';
import { bareTransaction, bareWallets, bestBareRate, inFlight, plainClient } from './through-http';

type Backend = Awaited<ReturnType<typeof startLocalBackend>>;
type Items = NonNullable<TransactWriteItemsCommandInput['TransactItems']>;
type AttrItem = Record<string, import('@aws-sdk/client-dynamodb').AttributeValue>;

const SEQUENTIAL = 150;
const IN_FLIGHT = 32;
const CARDS = 64;
const CONCURRENT_TOTAL = 320;

/** Every write one request sends, as DynamoDB receives it (marshalled). */
interface Captured {
  transactions: Items[];
  puts: { Item: AttrItem; TableName: string }[];
  updates: { Key: AttrItem; TableName: string }[];
}

export function capture(backend: Backend) {
  let current: Captured | undefined;
  backend.deps.store.doc.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Record<string, unknown>;
      if (current && context.commandName === 'TransactWriteItemsCommand')
        current.transactions.push(structuredClone((input as unknown as TransactWriteItemsCommandInput).TransactItems!));
      if (current && context.commandName === 'PutItemCommand')
        current.puts.push(structuredClone(input) as Captured['puts'][number]);
      if (current && context.commandName === 'UpdateItemCommand')
        current.updates.push(structuredClone(input) as Captured['updates'][number]);
      return next(args);
    },
    { step: 'build', name: 'benchCaptureWrites' },
  );
  return async <T>(fn: () => T | Promise<T>) => {
    current = { transactions: [], puts: [], updates: [] };
    const out = await fn();
    const got = current;
    current = undefined;
    return { out, writes: got };
  };
}

/**
 * Write units of one request's writes by DynamoDB's rules, from the items' sizes: 2 per started KB of
 * each item in a transaction, 1 per started KB of a single write, an update by the item as it stands
 * after it; and 1 per started KB for each index an item lands in (gsi1, gsi2).
 */
export async function writeUnits(raw: DynamoDBClient, w: Captured) {
  const sizeNow = async (TableName: string, Key: AttrItem) =>
    itemSizeBytes((await raw.send(new GetItemCommand({ TableName, Key }))).Item ?? {});
  const indexUnits = (item: AttrItem | undefined, bytes: number) =>
    [item?.gsi1pk, item?.gsi2pk].filter(Boolean).length * Math.max(1, Math.ceil(bytes / 1024));
  // Which item: its key's kind (`XFER`, `ACCT/E`, `PJTI`...), without the ids.
  const kindOf = (key: AttrItem) => `${key.pk?.S?.split('#')[0]}/${key.sk?.S?.replace(/[#\d].*$/, '')}`;
  const items: { item: string; bytes: number; units: number }[] = [];
  for (const tx of w.transactions) {
    for (const t of tx) {
      if (t.Put) {
        const bytes = itemSizeBytes(t.Put.Item!);
        items.push({
          item: kindOf(t.Put.Item!),
          bytes,
          units: transactionalWcu(bytes) + indexUnits(t.Put.Item, bytes),
        });
      } else if (t.Update) {
        const bytes = await sizeNow(t.Update.TableName!, t.Update.Key!);
        items.push({ item: kindOf(t.Update.Key!), bytes, units: transactionalWcu(bytes) });
      } else if (t.ConditionCheck) {
        // A condition check costs as a write of its item in a transaction (1 KB assumed).
        items.push({ item: kindOf(t.ConditionCheck.Key!), bytes: 1024, units: 2 });
      }
    }
  }
  for (const p of w.puts) {
    const bytes = itemSizeBytes(p.Item);
    items.push({
      item: kindOf(p.Item),
      bytes,
      units: Math.max(1, Math.ceil(bytes / 1024)) + indexUnits(p.Item, bytes),
    });
  }
  for (const u of w.updates) {
    const bytes = await sizeNow(u.TableName, u.Key);
    items.push({ item: kindOf(u.Key), bytes, units: Math.max(1, Math.ceil(bytes / 1024)) });
  }
  const units = items.reduce((acc, i) => acc + i.units, 0);
  return { units, items, roundTrips: w.transactions.length + w.puts.length + w.updates.length };
}

/**
 * What a tap of this design needs of DynamoDB at the least, sent raw: one consistent query of the
 * card with its newest entry, then the transfer record, the card's next entry (put where none is),
 * the payee's update and the proof's replay guard (four items).
 */
async function tapFloor(raw: DynamoDBClient, tableName: string, i: number, payer: string, seq: number) {
  await raw.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: `BARE#W#${payer}` } },
      Limit: 2,
      ConsistentRead: true,
    }),
  );
  const [transfer, , payee, entry] = bareTransaction(tableName, i, payer, seq);
  const head = {
    Put: {
      ...entry!.Put!,
      Item: { ...entry!.Put!.Item, pk: { S: `BARE#W#${payer}` } },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
  const guard = {
    Put: {
      TableName: tableName,
      Item: { pk: { S: `BARE#J#${i}-${Math.random().toString(36).slice(2)}` }, sk: { S: 'J' } },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
  await raw.send(
    new TransactWriteItemsCommand({
      TransactItems: [transfer!, head, payee!, guard],
    }),
  );
}

/**
 * Issue 13's figures: a tap's and a purchase's latency through HTTP against the bare 4-item
 * transaction (interleaved, same DynamoDB Local), 32 taps in flight against 32 bare transactions in
 * flight, and the write units of a tap, a purchase, a bill payment, a facility visit and a top-up.
 */
export async function benchFlows(backend: Backend) {
  const { app } = backend;
  const tableName = backend.deps.store.tableName;
  const raw = plainClient(backend.endpoint!);
  const measure = capture(backend);
  const terminal = await registerTerminal(app, ['B1']);
  const pos = await registerPos(app, 'm-tea');
  const gate = await registerMachine(app, 'facility-gate', { facilityId: 'f-park' });

  // Riders: five taps or purchases each keeps every tap under the daily cap and moving money.
  const riders = [];
  for (let i = 0; i < Math.ceil((2 * SEQUENTIAL) / 5) + 2; i++) riders.push(await rider(app, { balanceFen: 50_000 }));
  const wallets = await bareWallets(raw, tableName, 4);

  const tapMs: number[] = [];
  const buyMs: number[] = [];
  const bareMs: number[] = [];
  const floorMs: number[] = [];
  const wcu = { tap: [] as number[], purchase: [] as number[] };
  type WrittenItems = Awaited<ReturnType<typeof writeUnits>>['items'];
  let tapItems: WrittenItems = [];
  // One request's writes of each other flow, item by item (the last one measured).
  const itemsOf: Record<'purchase' | 'billPayment' | 'visit' | 'topup', WrittenItems> = {
    purchase: [],
    billPayment: [],
    visit: [],
    topup: [],
  };
  for (let i = 0; i < SEQUENTIAL; i++) {
    const r = riders[Math.floor(i / 5)]!;
    const body = await tapBody(r, terminal, {
      routeId: 'B1',
      stopId: 'B1-S1',
      kind: 'board',
      at: new Date(Date.now() - 1000),
    });
    // The terminal signs its assertion before it sends: the client's work, not the server's.
    const tapAuth = { authorization: `Bearer ${await assertionFor(terminal.clientId, terminal.key)}` };
    let t = performance.now();
    const tap = await measure(() => app.request('/v1/transit/taps', jsonRequest('POST', body, tapAuth)));
    tapMs.push(performance.now() - t);
    if (tap.out.status !== 200) throw new Error(`bench tap: ${tap.out.status}`);

    const w = wallets[i % wallets.length]!;
    t = performance.now();
    await raw.send(new TransactWriteItemsCommand({ TransactItems: bareTransaction(tableName, i, w.id, w.version) }));
    bareMs.push(performance.now() - t);
    w.version++;
    t = performance.now();
    // The floor never writes the wallet's own item: its entries' numbers need only be new (i is).
    await tapFloor(raw, tableName, i, w.id, i);
    floorMs.push(performance.now() - t);

    const buyer = riders[Math.floor(SEQUENTIAL / 5) + Math.floor(i / 5)]!;
    const pb = await purchaseBody(buyer, pos, 1000);
    const auth = { authorization: `Bearer ${await assertionFor(pos.clientId, pos.key)}` };
    t = performance.now();
    const buy = await measure(() => app.request('/v1/merchant/payments', jsonRequest('POST', pb, auth)));
    buyMs.push(performance.now() - t);
    if (buy.out.status !== 200) throw new Error(`bench purchase: ${buy.out.status}`);
    if (i < 20) {
      const written = await writeUnits(raw, tap.writes);
      wcu.tap.push(written.units);
      // The last tap that wrote its limit counter's batch is not the typical one: keep one that did not.
      if (!written.items.some((x) => x.item.startsWith('RATE'))) tapItems = written.items;
      const bought = await writeUnits(raw, buy.writes);
      wcu.purchase.push(bought.units);
      itemsOf.purchase = bought.items;
    }
  }

  // A bill payment, a park visit and a top-up (start and the provider's webhook), a few of each.
  const payer = riders.at(-1)!;
  const other = riders.at(-2)!;
  const flows = { billPayment: [] as number[], visit: [] as number[], topup: [] as number[] };
  for (const [i, [billerId, accountNo]] of [
    ['water', 'W-0001'],
    ['power', 'E-0001'],
    ['gas', 'G-0001'],
  ].entries()) {
    const bills = await (
      await app.request(`/v1/me/bills?billerId=${billerId}&accountNo=${accountNo}`, { headers: payer.auth })
    ).json();
    const bill = (bills as { items: { billId: string; amountDueFen: number }[] }).items[0];
    if (bill) {
      const paid = await measure(() =>
        app.request(
          '/v1/me/bill-payments',
          jsonRequest(
            'POST',
            { billId: bill.billId, amountFen: bill.amountDueFen },
            { ...payer.auth, 'idempotency-key': `bench-bill-${i}-${Date.now()}` },
          ),
        ),
      );
      if (paid.out.status >= 300) throw new Error(`bench bill payment: ${paid.out.status}`);
      const written = await writeUnits(raw, paid.writes);
      flows.billPayment.push(written.units);
      itemsOf.billPayment = written.items;
    }
    const vb = await visitBody(other, gate, { facilityId: 'f-park', kind: 'enter' });
    const gauth = { authorization: `Bearer ${await assertionFor(gate.clientId, gate.key)}` };
    const visit = await measure(() => app.request('/v1/facilities/visits', jsonRequest('POST', vb, gauth)));
    if (visit.out.status === 200) {
      const written = await writeUnits(raw, visit.writes);
      flows.visit.push(written.units);
      itemsOf.visit = written.items;
    }
    const top = await measure(() => topUp(app, other.auth, 100));
    const toppedUp = await writeUnits(raw, top.writes);
    flows.topup.push(toppedUp.units);
    itemsOf.topup = toppedUp.items;
  }

  // 32 taps in flight across 64 cards, against 32 bare transactions in flight across 64 wallets.
  const cards = [];
  for (let i = 0; i < CARDS; i++) cards.push(await rider(app, { balanceFen: 50_000 }));
  const bodies: Awaited<ReturnType<typeof tapBody>>[] = [];
  for (let i = 0; i < CONCURRENT_TOTAL; i++)
    bodies.push(
      await tapBody(cards[i % CARDS]!, terminal, {
        routeId: 'B1',
        stopId: 'B1-S2',
        kind: 'board',
        at: new Date(Date.now() - 1000),
      }),
    );
  const assertions = await Promise.all(bodies.map(() => assertionFor(terminal.clientId, terminal.key)));
  const tapsPerSecond = await inFlight(CONCURRENT_TOTAL, IN_FLIGHT, async (i) => {
    const res = await app.request(
      '/v1/transit/taps',
      jsonRequest('POST', bodies[i], { authorization: `Bearer ${assertions[i]}` }),
    );
    if (res.status !== 200) throw new Error(`bench concurrent tap: ${res.status}`);
  });
  const barePerSecond = (await bestBareRate(raw, tableName)).perSecond;
  const commuterFigures = await benchCommuter(backend, raw);
  const statementFigures = await benchStatement(backend, pos);
  const pseudonymousFigures = await benchPseudonymous(backend, raw, measure, writeUnits);

  // A 500-tap offline batch through HTTP: 100 cards, five boardings each, as a validator uploads it.
  const batchRiders = [];
  for (let i = 0; i < 100; i++) batchRiders.push(await rider(app, { balanceFen: 50_000 }));
  const batchTaps = [];
  for (let i = 0; i < 500; i++) {
    const at = new Date(Date.now() - (5 - (i % 5)) * 1000);
    batchTaps.push(
      await tapBody(batchRiders[Math.floor(i / 5)]!, terminal, { routeId: 'B1', stopId: 'B1-S3', kind: 'board', at }),
    );
  }
  const batchStarted = performance.now();
  const uploaded = await postTap(app, terminal, { taps: batchTaps }, { path: '/v1/transit/taps/batch' });
  const batchMs = performance.now() - batchStarted;
  if (uploaded.status !== 200) throw new Error(`bench batch: ${uploaded.status}`);
  raw.destroy();

  const tap = summary(tapMs);
  const buy = summary(buyMs);
  const bare = summary(bareMs);
  const floor = summary(floorMs);
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
  const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
  const figures = {
    bareP50Ms: round(bare.p50),
    bareP99Ms: round(bare.p99),
    tapP50Ms: round(tap.p50),
    tapP99Ms: round(tap.p99),
    tapP50Ratio: round(tap.p50 / bare.p50),
    tapFloorP50Ms: round(floor.p50),
    tapFloorP50Ratio: round(floor.p50 / bare.p50),
    purchaseP50Ms: round(buy.p50),
    purchaseP99Ms: round(buy.p99),
    purchaseP50Ratio: round(buy.p50 / bare.p50),
    inFlight: IN_FLIGHT,
    tapsPerSecond: round(tapsPerSecond, 1),
    bareTransactionsPerSecond: round(barePerSecond, 1),
    inFlightRatio: round(tapsPerSecond / barePerSecond),
    wcuTap: round(mean(wcu.tap), 1),
    wcuPurchase: round(mean(wcu.purchase), 1),
    wcuBillPayment: round(mean(flows.billPayment), 1),
    wcuVisit: round(mean(flows.visit), 1),
    wcuTopup: round(mean(flows.topup), 1),
    batch500Ms: round(batchMs, 0),
    // The least 500 transactions take on this DynamoDB Local: at the rate of bare ones in flight.
    batch500BareMs: round((500 / barePerSecond) * 1000, 0),
    batch500Ratio: round(batchMs / ((500 / barePerSecond) * 1000)),
    ...commuterFigures,
    ...statementFigures,
    ...pseudonymousFigures,
    tapItems,
    itemsOf,
  };
  return figures;
}

/**
 * A commuter's card after a week of riding (test/support/commuter.ts: 32 boards on two routes, nine
 * fare days), on a backend of its own whose clock starts eight days ago, on the same DynamoDB Local:
 * its newest entry (what each of its taps writes) after the week, after a zone entry with a hold and a
 * transfer, and after its exit, each against the same entry with the transit state kept as DynamoDB
 * maps (as it was before it became one string); and the two zone taps' write units.
 */
async function benchCommuter(backend: Backend, raw: DynamoDBClient) {
  const clock = testClock(aWeekAgoAtSeven());
  const own = await startLocalBackend({
    dataDir: ':memory:',
    dynamoEndpoint: backend.endpoint,
    tableName: `bench-commuter-${Date.now()}`,
    seedsDir: resolve(import.meta.dirname, '../seeds'),
    adminToken: TEST_ADMIN_TOKEN,
    topupWebhookSecret: TEST_WEBHOOK_SECRET,
    logger: createLogger('bench', 'silent'),
    clock,
  });
  try {
    const { app } = own;
    const tableName = own.deps.store.tableName;
    const measure = capture(own);
    const terminal = await registerTerminal(app, ['B1', 'B2', 'Z1']);
    const r = await rider(app, { balanceFen: 50_000, now: clock() });
    const { cardId } = (await (await app.request('/v1/me/card', { headers: r.auth })).json()) as { cardId: string };
    const ride = commuter(app, clock, terminal, r);
    const head = async () => {
      const [, item] =
        (
          await raw.send(
            new QueryCommand({
              TableName: tableName,
              KeyConditionExpression: 'pk = :pk',
              ExpressionAttributeValues: { ':pk': { S: `ACCT#${cardId}` } },
              Limit: 2,
              ConsistentRead: true,
            }),
          )
        ).Items ?? [];
      const carried = item!.carried!.M!;
      const state = transitStateOf(carried.transit?.S);
      const asMaps = { ...item, carried: { M: { ...carried, transit: attributeOf(state) } } };
      return { bytes: itemSizeBytes(item!), bytesAsMaps: itemSizeBytes(asMaps), boards: state.boards.length };
    };
    await ride.rideAWeek();
    const afterWeek = await head();
    const entry = await measure(() => ride.tap('Z1', 'Z1-S1', 'entry'));
    const afterEntry = await head();
    clock.advance(20 * 60_000);
    const exit = await measure(() => ride.tap('Z1', 'Z1-S4', 'exit'));
    const afterExit = await head();
    const exitWrites = await writeUnits(raw, exit.writes);
    const fix = await benchJourneyFix(own, ride, clock, raw, measure);
    return {
      ...fix,
      commuterBoards: afterWeek.boards,
      commuterHeadBytes: afterWeek.bytes,
      commuterHeadBytesAsMaps: afterWeek.bytesAsMaps,
      commuterZoneEntryBytes: afterEntry.bytes,
      commuterZoneEntryBytesAsMaps: afterEntry.bytesAsMaps,
      commuterZoneExitBytes: afterExit.bytes,
      commuterZoneExitBytesAsMaps: afterExit.bytesAsMaps,
      commuterZoneEntryFareFen: entry.out.fareFen,
      wcuCommuterZoneEntry: (await writeUnits(raw, entry.writes)).units,
      wcuCommuterZoneExit: exitWrites.units,
      zoneExitItems: exitWrites.items,
    };
  } finally {
    await own.stop();
  }
}

/**
 * A zone journey left without its exit, fixed by its holder four hours later (POST
 * /v1/me/journeys/{id}/exit): its write units.
 */
async function benchJourneyFix(
  own: Backend,
  ride: ReturnType<typeof commuter>,
  clock: ReturnType<typeof testClock>,
  raw: DynamoDBClient,
  measure: ReturnType<typeof capture>,
) {
  const entry = await ride.tap('Z1', 'Z1-S1', 'entry');
  clock.advance(4 * 3600_000);
  const auth = await ride.morning();
  const fixed = await measure(() =>
    own.app.request(`/v1/me/journeys/${entry.journeyId}/exit`, jsonRequest('POST', { stopId: 'Z1-S3' }, auth)),
  );
  if (fixed.out.status !== 200) throw new Error(`bench journey fix: ${fixed.out.status}`);
  return { wcuJourneyFix: (await writeUnits(raw, fixed.writes)).units };
}

/** Entries on the card whose statement is read: a full default page of receipts to sign. */
const STATEMENT_ENTRIES = 20;
const STATEMENT_READS = 30;

/**
 * A page of 20 entries through `GET /v1/me/statement`, each with its receipt signed (WebCrypto here,
 * KMS in the cloud), against the same page read straight from the ledger (no HTTP, no signing).
 */
async function benchStatement(backend: Backend, pos: Awaited<ReturnType<typeof registerPos>>) {
  const { app } = backend;
  const reader = await rider(app, { balanceFen: 50_000 });
  for (let i = 1; i < STATEMENT_ENTRIES; i++) {
    const auth = { authorization: `Bearer ${await assertionFor(pos.clientId, pos.key)}` };
    const res = await app.request(
      '/v1/merchant/payments',
      jsonRequest('POST', await purchaseBody(reader, pos, 10), auth),
    );
    if (res.status !== 200) throw new Error(`bench statement purchase: ${res.status}`);
  }
  const signedMs: number[] = [];
  const bareMs: number[] = [];
  for (let i = 0; i < STATEMENT_READS; i++) {
    let t = performance.now();
    const res = await app.request(`/v1/me/statement?limit=${STATEMENT_ENTRIES}`, { headers: reader.auth });
    const page = (await res.json()) as { items: { receipt: string | null }[] };
    signedMs.push(performance.now() - t);
    if (page.items.filter((x) => x.receipt).length !== STATEMENT_ENTRIES) throw new Error('bench: a receipt missing');
    t = performance.now();
    await statementPage(backend.deps.store, reader.card.cardId, STATEMENT_ENTRIES);
    bareMs.push(performance.now() - t);
  }
  const signed = summary(signedMs);
  const bare = summary(bareMs);
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    statementEntries: STATEMENT_ENTRIES,
    statementP50Ms: round(signed.p50),
    statementBareP50Ms: round(bare.p50),
    statementP50Ratio: round(signed.p50 / bare.p50),
  };
}
