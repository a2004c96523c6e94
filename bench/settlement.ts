import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { startLocalBackend } from '../infra/local-backend';
import { billerPayable, facilityPayable, merchantPayable, operatorPayable, SYSTEM } from '../shared/ledger/accounts';
import { postTransfer } from '../shared/ledger/transfers';
import { runSettlement } from '../shared/settlement/run';
import { ms, ratio } from './stats';

type Backend = Awaited<ReturnType<typeof startLocalBackend>>;

const MOVEMENTS = 10_000;
const DAY_MS = 24 * 3600_000;
/** The mix of a city's day: most movements are taps into the two operators' accounts. */
const MIX: [string, number][] = [
  [operatorPayable('bus-co'), 0.7],
  [operatorPayable('coach-co'), 0.1],
  [merchantPayable('m-tea'), 0.08],
  [merchantPayable('m-books'), 0.04],
  [billerPayable('water'), 0.04],
  [facilityPayable('f-park'), 0.04],
];

function payeeFor(i: number): string {
  let x = ((i * 7919) % 1000) / 1000;
  for (const [account, share] of MIX) {
    if (x < share) return account;
    x -= share;
  }
  return MIX[0]![0];
}

/**
 * A settlement run over a day of 10,000 movements, against reading those movements, which is what a
 * run would cost that counted movements instead of minute buckets: a scan of the day's transfers.
 */
export async function benchSettlement(backend: Backend): Promise<string> {
  const { store } = backend.deps;
  // The day is spread over 24 hours of recording time: the ledger records by the store's clock.
  const dayStart = Date.parse('2026-11-01T20:00:00.000Z');
  let now = dayStart;
  const timed = { ...store, clock: () => new Date(now) };
  for (let i = 0; i < MOVEMENTS; i++) {
    now = dayStart + Math.floor((i / MOVEMENTS) * DAY_MS);
    const amountFen = 100 + (i % 7) * 50;
    await postTransfer(timed, {
      transferId: `bench:${i}`,
      kind: 'adjustment',
      at: new Date(now).toISOString(),
      description: 'bench movement',
      ref: `bench-${i}`,
      postings: [
        { accountId: payeeFor(i), amountFen },
        { accountId: SYSTEM.adjustments, amountFen: -amountFen },
      ],
    });
  }
  now = dayStart + DAY_MS;

  // Baseline: read every transfer of the day (what a run that reads movements has to do).
  const scanStart = performance.now();
  let scanned = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await store.doc.send(
      new ScanCommand({
        TableName: store.tableName,
        FilterExpression: 'begins_with(pk, :x)',
        ExpressionAttributeValues: { ':x': 'XFER#bench:' },
        ExclusiveStartKey: start,
      }),
    );
    scanned += page.Items?.length ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  const scanMs = performance.now() - scanStart;

  const runStart = performance.now();
  const run = await runSettlement(
    { store: timed, clock: () => new Date(now) },
    { runId: 'bench-run', cutoff: new Date(now) },
  );
  const runMs = performance.now() - runStart;
  const perBucketMs = runMs / Math.max(1, run.cost.bucketsRead);
  return [
    '## A settlement run over a day',
    '',
    `${MOVEMENTS} movements spread over 24 hours of recording time (70% into bus-co, the rest over a second operator, two merchants, a biller and a facility), then one run with its cutoff at the day's end, DynamoDB Local in memory.`,
    '',
    '| what | time | reads | against the baseline |',
    '| --- | --- | --- | --- |',
    `| baseline: scanning the day's ${scanned} transfers (what a run that reads movements must at least do) | ${ms(scanMs)} | ${scanned} items | 1.00x |`,
    `| the run: ${run.cost.payees} payees, ${run.cost.shards} shards, ${run.cost.bucketsRead} minute buckets read (${run.cost.sealsWritten} of them sealed), ${run.cost.movementsRead} movements of the cutoff minute, ${run.lines.length} lines paid out | ${ms(runMs)} | ${run.cost.bucketsRead + run.cost.movementsRead} items | ${ratio(runMs, scanMs)} |`,
    '',
    `${perBucketMs.toFixed(2)} ms per bucket read here, all in. 10,000 movements spread over a day is the worst case for buckets (almost every movement has a shard-minute of its own); from there the run's reads stop growing: two million movements a day into these payees fill at most ${run.cost.shards} shards x 1440 minutes = ${run.cost.shards * 1440} buckets, so a day's run reads at most ${((run.cost.shards * 1440) / run.cost.bucketsRead).toFixed(1)}x the buckets above, where reading the movements grows 200-fold.`,
    '',
  ].join('\n');
}
