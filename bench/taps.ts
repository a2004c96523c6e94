import {
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  type TransactWriteItemsCommandInput,
} from '@aws-sdk/client-dynamodb';
import { transitDeps } from '../functions/terminal/transit-routes';
import { LOCAL_AWS } from '../infra/dynamo-local';
import type { startLocalBackend } from '../infra/local-backend';
import { CARD_CONCURRENCY } from '../shared/credentials/batch';
import { processBatch } from '../shared/transit/batch';
import { processTap } from '../shared/transit/taps';
import { itemSizeBytes, transactionalWcu } from '../test/support/item-size';
import { postTap, registerTerminal, rider, tapBody } from '../test/support/rider';
import { ms, ratio, summary, timeEach } from './stats';

type Backend = Awaited<ReturnType<typeof startLocalBackend>>;
type Items = NonNullable<TransactWriteItemsCommandInput['TransactItems']>;
type TapBody = Awaited<ReturnType<typeof tapBody>>;

const TAPS = 250;
const TAPS_PER_RIDER = 5; // under the daily cap, so every tap moves money
const BATCH = 500;

/** Riders with cards, phones and credentials, and one board tap body each per slot. */
async function boardTaps(
  app: Backend['app'],
  terminal: Awaited<ReturnType<typeof registerTerminal>>,
  count: number,
  routeId: string,
) {
  const bodies: TapBody[] = [];
  let r = await rider(app, { balanceFen: 5000 });
  for (let i = 0; i < count; i++) {
    if (i > 0 && i % TAPS_PER_RIDER === 0) r = await rider(app, { balanceFen: 5000 });
    const at = new Date(Date.now() - (TAPS_PER_RIDER - (i % TAPS_PER_RIDER)) * 1000);
    bodies.push(await tapBody(r, terminal, { routeId, stopId: `${routeId}-S1`, kind: 'board', at }));
  }
  return bodies;
}

/**
 * One tap's cost against the bare DynamoDB transaction it wraps. Paired: right after each tap, the
 * very items of its transaction are sent again on fresh keys (the card copied there whole, at the
 * version the update expects), so both halves run under the same conditions. Also the write units
 * of a tap and a 500-tap offline batch.
 */
export async function benchTaps(backend: Backend) {
  const { app, deps } = backend;
  let captured: Items | undefined;
  deps.store.doc.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'TransactWriteItemsCommand') {
        captured = structuredClone((args.input as TransactWriteItemsCommandInput).TransactItems!);
      }
      return next(args);
    },
    { step: 'build', name: 'benchCaptureTransactions' },
  );
  const raw = new DynamoDBClient({ endpoint: backend.endpoint, ...LOCAL_AWS });
  const terminal = await registerTerminal(app, ['B1', 'B2']);
  const transit = transitDeps(deps);
  const machine = { clientId: terminal.clientId, scope: { routeIds: ['B1', 'B2'] } };

  const warmup = await boardTaps(app, terminal, 10, 'B2');
  for (const body of warmup) await processTap(transit, machine, body);

  const bodies = await boardTaps(app, terminal, TAPS, 'B1');
  const tapSamples: number[] = [];
  const bareSamples: number[] = [];
  const wcu: number[] = [];
  for (const [i, body] of bodies.entries()) {
    const started = performance.now();
    const result = await processTap(transit, machine, body);
    tapSamples.push(performance.now() - started);
    if (result.status !== 'accepted') throw new Error(`bench tap declined: ${result.declineCode}`);

    const items = captured!;
    const moved = structuredClone(items).map((item) => {
      if (item.Put) item.Put.Item!.pk = { S: `BENCH${i}#${item.Put.Item!.pk!.S}` };
      if (item.Update) item.Update.Key!.pk = { S: `BENCH${i}#${item.Update.Key!.pk!.S}` };
      return item;
    });
    let units = 0;
    for (const [j, item] of moved.entries()) {
      if (item.Put) units += transactionalWcu(itemSizeBytes(item.Put.Item!));
      if (!item.Update) continue;
      const real = await raw.send(
        new GetItemCommand({ TableName: item.Update.TableName!, Key: items[j]!.Update!.Key! }),
      );
      units += transactionalWcu(itemSizeBytes(real.Item ?? {}));
      if (item.Update.ConditionExpression?.includes('#version = :read')) {
        await raw.send(
          new PutItemCommand({
            TableName: item.Update.TableName!,
            Item: { ...real.Item, pk: item.Update.Key!.pk!, version: item.Update.ExpressionAttributeValues![':read']! },
          }),
        );
      }
    }
    wcu.push(units);
    const bareStarted = performance.now();
    await raw.send(new TransactWriteItemsCommand({ TransactItems: moved }));
    bareSamples.push(performance.now() - bareStarted);
  }

  // Through HTTP as a validator calls it: adds the assertion check and its single-use jti write.
  const httpBodies = await boardTaps(app, terminal, 100, 'B2');
  const httpSamples = await timeEach(httpBodies.length, async (i) => {
    const res = await postTap(app, terminal, httpBodies[i]!);
    if (res.status !== 200) throw new Error(`bench http tap: ${res.status}`);
  });

  // A 500-tap offline upload: 100 cards, 5 taps each.
  const batch = await boardTaps(app, terminal, BATCH, 'B1');
  const batchStart = performance.now();
  const results = await processBatch(transit, machine, batch);
  const batchMs = performance.now() - batchStart;
  const accepted = results.filter((r) => r.status === 'accepted').length;
  raw.destroy();

  const tap = summary(tapSamples);
  const bare = summary(bareSamples);
  const http = summary(httpSamples);
  const wcuMean = wcu.reduce((a, b) => a + b, 0) / wcu.length;
  return [
    '## One tap against the bare DynamoDB transaction it wraps',
    '',
    `Sequential, DynamoDB Local in memory, ${TAPS} accepted board taps (each moving 200 fen), each followed by its own transaction sent again on fresh keys.`,
    '',
    '| what | mean | p50 | p90 | p99 | mean against the baseline |',
    '| --- | --- | --- | --- | --- | --- |',
    `| baseline: the tap's TransactWriteItems (${captured?.length} items) alone | ${ms(bare.mean)} | ${ms(bare.p50)} | ${ms(bare.p90)} | ${ms(bare.p99)} | 1.00x |`,
    `| processTap: one query of the card with its newest entry while both signatures are checked, the fare, that transaction | ${ms(tap.mean)} | ${ms(tap.p50)} | ${ms(tap.p90)} | ${ms(tap.p99)} | ${ratio(tap.mean, bare.mean)} |`,
    `| POST /v1/transit/taps through Hono (adds the assertion and its single-use jti write) | ${ms(http.mean)} | ${ms(http.p50)} | ${ms(http.p90)} | ${ms(http.p99)} | ${ratio(http.mean, bare.mean)} |`,
    '',
    `Write units of one accepted tap's transaction, from its items' sizes by DynamoDB's rules (2 units per started KB of each item in a transaction; DynamoDB Local's own ConsumedCapacity ignores sizes): mean ${wcuMean.toFixed(1)}, min ${Math.min(...wcu)}, max ${Math.max(...wcu)}. The machine assertion's single-use jti adds 1 more per HTTP request.`,
    '',
    '## A 500-tap offline batch',
    '',
    '| what | time | against the baseline |',
    '| --- | --- | --- |',
    `| baseline: 500 of the bare transactions above, one after another | ${ms(bare.mean * BATCH)} | 1.00x |`,
    `| processBatch: 500 taps, 100 cards, ${CARD_CONCURRENCY} cards at a time (${accepted} accepted) | ${ms(batchMs)} | ${ratio(batchMs, bare.mean * BATCH)} |`,
    '',
  ].join('\n');
}
