import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { pooled } from '../async/pool';
import { ConflictError, codeOf, InvariantError, intDetailOf, RefusedError, RetryLaterError } from '../errors';
import { attributes } from '../store/attributes';
import { isConditionFailed } from '../store/conditions';
import { itemKind } from '../store/items';
import { allowanceChunkKey, allowanceMonthKey, allowanceRunKey } from '../store/keys';
import { putAll } from '../store/put-all';
import type { Store } from '../store/store';
import { shanghaiDate } from '../time/shanghai';
import { type AllowanceRun, type allowanceRules, allowanceRun, SKIP_REASONS, type SkipReason } from './allowance';
import { CHUNK_RECORDS, chunkRanges, payChunk, planChunk, readChunks } from './allowance-chunks';
import { fundInsufficient, type RunMoney, releaseRun, reserveRun } from './allowance-money';

/**
 * Where a run's chunks are planned and paid: here, to the end (the local stage), or by the cloud's
 * state machine, the request answering while it runs.
 */
export interface AllowanceRuns {
  start(input: { runId: string; month: string }): Promise<AllowanceRun>;
}

export interface AllowanceDeps {
  clock: () => Date;
  rules: ReturnType<typeof allowanceRules>;
  /** Records a chunk holds (CHUNK_RECORDS; tests cut runs finer). */
  chunkRecords?: number;
  /** Chunks planned or paid at once by the local stage (the cloud's Map state has its own). */
  concurrency?: number;
}

/** A month's run that has not moved for this long is taken to have died: the next run finishes it first. */
export const STALE_ALLOWANCE_RUN_MS = 15 * 60_000;
const LOCAL_CONCURRENCY = 8;

/**
 * How a run is kept. `planning`: its chunks (ranges of the senior list) are cut and each is planned
 * into rows; `paying`: the whole total is reserved and each chunk pays its due rows; `releasing`: the
 * payments are counted and what was not paid goes back; `done`; `failed`: the fund could not cover
 * it, nothing was paid.
 */
const RUN_RECORD = itemKind(
  'allowance run',
  z.object({
    runId: z.string(),
    month: z.string(),
    status: z.enum(['planning', 'paying', 'releasing', 'done', 'failed']),
    chunks: z.number().int().min(0),
    totalFen: z.number().int().optional(),
    fundBalanceFen: z.number().int().optional(),
  }),
);

/** A run as it keeps itself: where it is, its chunks, the total it reserved. */
export type RunRecord = z.infer<typeof RUN_RECORD.schema>;

/**
 * The monthly allowance run: every card whose holder has an active senior-allowance record valid on
 * the month's first day, is in a band by age that day and group, and is verified in person, is paid
 * once for the month, into the card (a frozen card too). In chunks of the senior list that each
 * survive a crash and run in parallel: open (claim the month, cut the chunks), plan every chunk (every
 * record a row, before any money moves), reserve the whole total from the fund (409 FUND_INSUFFICIENT
 * and nothing paid if it cannot), pay every chunk out of that reserve, give back what was not paid.
 * Locally all of it runs here; in the cloud a state machine runs the same steps (functions/jobs).
 * A run that could not finish now (DynamoDB kept refusing) answers `running`: started again, it goes on.
 */
export async function runAllowance(
  store: Store,
  deps: AllowanceDeps,
  input: { runId: string; month: string },
): Promise<AllowanceRun> {
  const run = await openRun(store, deps, input);
  if (run.status === 'done' || run.status === 'failed') return answerEnded(store, run);
  const chunks = Array.from({ length: run.chunks }, (_, i) => i);
  const concurrency = deps.concurrency ?? LOCAL_CONCURRENCY;
  try {
    if (run.status === 'planning') {
      const rules = await deps.rules.at(new Date(`${run.month}-01T00:00:00+08:00`));
      await pooled(chunks, concurrency, (c) => planChunk(store, { ...run, rules, now: deps.clock() }, c));
      await reserveAll(store, run, deps.clock());
    }
    if (run.status !== 'releasing') {
      const money = await runMoney(store, run.runId);
      await pooled(chunks, concurrency, (c) => payChunk(store, money, c, deps.clock()));
    }
    await finishRun(store, run.runId, deps.clock());
  } catch (err) {
    if (codeOf(err) !== 'RETRY_LATER') throw err;
  }
  return (await allowanceRun(store, run.runId))!;
}

/** A run that ended answers as it ended (a failed one with its 409 again), the month free again. */
export async function answerEnded(store: Store, run: RunRecord): Promise<AllowanceRun> {
  await releaseMonth(store, run);
  if (run.status === 'failed') throw fundInsufficient(run.fundBalanceFen ?? 0, run.totalFen ?? 0);
  return (await allowanceRun(store, run.runId))!;
}

/**
 * The run's first step: a month up to the current one, the month claimed for this run (one run of a
 * month at a time), its chunks cut and kept with the run's record. A run started before is answered
 * as it stands; its chunks stay as they were cut.
 */
export async function openRun(
  store: Store,
  deps: Pick<AllowanceDeps, 'clock' | 'chunkRecords'> & Partial<AllowanceDeps>,
  input: { runId: string; month: string },
): Promise<RunRecord> {
  const known = await readRunRecord(store, input.runId);
  if (known && known.month !== input.month) {
    throw new ConflictError('IDEMPOTENCY_KEY_REUSED', `Run ${input.runId} is for ${known.month}`);
  }
  if (known?.status === 'done' || known?.status === 'failed') return known;
  if (!known && input.month > shanghaiDate(deps.clock()).slice(0, 7)) {
    throw new RefusedError('MONTH_IN_FUTURE', 'A month up to the current one (Asia/Shanghai) may be run');
  }
  await claimMonth(store, deps, input);
  if (known) return known;
  const ranges = await chunkRanges(store, deps.chunkRecords ?? CHUNK_RECORDS);
  await putChunks(store, input.runId, ranges);
  const record: RunRecord = { runId: input.runId, month: input.month, status: 'planning', chunks: ranges.length };
  try {
    await store.doc.send(
      new PutCommand({
        TableName: store.tableName,
        Item: { ...allowanceRunKey(input.runId), ...record, startedAt: deps.clock().toISOString() },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return record;
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
    // The same run opened at the same moment (a job delivered twice): its chunks stand.
    return (await readRunRecord(store, input.runId))!;
  }
}

/**
 * Once every chunk is planned: their total set aside from the fund in one transfer (all or nothing);
 * a fund that cannot cover it ends the run failed with nothing paid.
 */
export async function reserveAll(store: Store, run: RunRecord, now: Date): Promise<void> {
  const chunks = await readChunks(store, run.runId);
  if (chunks.some((c) => c.state === 'new')) throw new RetryLaterError('The run’s chunks are still being planned');
  const totalFen = chunks.reduce((s, c) => s + (c.dueFen ?? 0), 0);
  try {
    await reserveRun(store, { ...run, totalFen }, now);
  } catch (err) {
    if (codeOf(err) === 'FUND_INSUFFICIENT') await failRun(store, run, err);
    throw err;
  }
  await setRunStatus(store, run.runId, ['planning', 'paying'], 'paying', { totalFen });
  run.status = 'paying';
}

async function runMoney(store: Store, runId: string): Promise<RunMoney> {
  const run = (await readRunRecord(store, runId))!;
  if (run.totalFen === undefined) throw new InvariantError(`run ${runId} pays before it reserved`);
  return { runId, month: run.month, totalFen: run.totalFen };
}

/** Once every chunk is paid: the counts kept, what was not paid back to the fund, the month free again. */
export async function finishRun(store: Store, runId: string, now: Date): Promise<void> {
  const chunks = await readChunks(store, runId);
  if (chunks.some((c) => c.state !== 'paid')) throw new RetryLaterError('The run’s chunks are still being paid');
  const skipped: Partial<Record<SkipReason, number>> = {};
  for (const c of chunks) {
    for (const reason of SKIP_REASONS) skipped[reason] = (skipped[reason] ?? 0) + (c.skipped?.[reason] ?? 0);
  }
  const counts = {
    paidCount: chunks.reduce((s, c) => s + (c.paidCount ?? 0), 0),
    paidFen: chunks.reduce((s, c) => s + (c.paidFen ?? 0), 0),
    skipped,
  };
  const money = await runMoney(store, runId);
  await setRunStatus(store, runId, ['paying', 'releasing'], 'releasing', counts);
  await releaseRun(store, money, counts.paidFen, now);
  await setRunStatus(store, runId, ['releasing', 'done'], 'done', counts);
  await releaseMonth(store, money);
}

export async function readRunRecord(store: Store, runId: string): Promise<RunRecord | undefined> {
  const { Item } = await store.doc.send(
    new GetCommand({ TableName: store.tableName, Key: allowanceRunKey(runId), ConsistentRead: true }),
  );
  return Item ? RUN_RECORD.parse(Item) : undefined;
}

async function putChunks(store: Store, runId: string, ranges: { fromSk: string | null; toSk: string | null }[]) {
  const items = ranges.map((r, chunk) => ({ ...allowanceChunkKey(runId, chunk), chunk, ...r, state: 'new' }));
  await putAll(store, items, 'allowance chunks');
}

/**
 * Takes the month for this run: no other run of the month is planning or paying (two would plan the
 * same cards). A run that stopped moving long ago is finished first, as it would have finished.
 */
async function claimMonth(
  store: Store,
  deps: Pick<AllowanceDeps, 'clock'> & Partial<AllowanceDeps>,
  input: { runId: string; month: string },
) {
  for (let attempt = 0; attempt < 2; attempt++) {
    const now = deps.clock();
    try {
      await store.doc.send(
        new UpdateCommand({
          TableName: store.tableName,
          Key: allowanceMonthKey(input.month),
          UpdateExpression: 'SET runId = :run, claimedAt = :now',
          ConditionExpression: 'attribute_not_exists(runId) OR runId = :run',
          ExpressionAttributeValues: { ':run': input.runId, ':now': now.toISOString() },
        }),
      );
      return;
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
    }
    const { Item } = await store.doc.send(
      new GetCommand({ TableName: store.tableName, Key: allowanceMonthKey(input.month), ConsistentRead: true }),
    );
    const claim = Item ? attributes(Item, 'allowance month') : undefined;
    const holder = claim?.optStr('runId');
    if (!holder || !claim) continue;
    const rules = deps.rules;
    if (Date.parse(claim.str('claimedAt')) > now.getTime() - STALE_ALLOWANCE_RUN_MS || !rules) {
      throw new ConflictError('ALLOWANCE_RUN_IN_PROGRESS', `Run ${holder} of ${input.month} is still paying`, {
        runningRunId: holder,
      });
    }
    await runAllowance(store, { ...deps, rules }, { runId: holder, month: input.month });
  }
  throw new RetryLaterError();
}

async function releaseMonth(store: Store, run: { runId: string; month: string }) {
  try {
    await store.doc.send(
      new UpdateCommand({
        TableName: store.tableName,
        Key: allowanceMonthKey(run.month),
        UpdateExpression: 'REMOVE runId, claimedAt',
        ConditionExpression: 'runId = :run',
        ExpressionAttributeValues: { ':run': run.runId },
      }),
    );
  } catch (err) {
    // Released by an earlier attempt of this run.
    if (!isConditionFailed(err)) throw err;
  }
}

/** Moves the run on from one of the states it may be in (a repeat of the step finds it there already). */
async function setRunStatus(
  store: Store,
  runId: string,
  from: RunRecord['status'][],
  to: RunRecord['status'],
  sets: Record<string, unknown>,
) {
  const all = { ...sets, status: to };
  const names = Object.fromEntries(Object.keys(all).map((k, i) => [`#a${i}`, k]));
  const values = Object.fromEntries(Object.values(all).map((v, i) => [`:a${i}`, v]));
  const froms = Object.fromEntries(from.map((f, i) => [`:from${i}`, f]));
  try {
    await store.doc.send(
      new UpdateCommand({
        TableName: store.tableName,
        Key: allowanceRunKey(runId),
        UpdateExpression: `SET ${Object.keys(names)
          .map((n, i) => `${n} = :a${i}`)
          .join(', ')}`,
        ConditionExpression: `#status IN (${Object.keys(froms).join(', ')})`,
        ExpressionAttributeNames: { ...names, '#status': 'status' },
        ExpressionAttributeValues: { ...values, ...froms },
      }),
    );
  } catch (err) {
    if (isConditionFailed(err)) throw new InvariantError(`allowance run ${runId} moved past ${to}`);
    throw err;
  }
}

/** The fund could not cover the run: it ends failed with nothing paid, and the month is free again. */
async function failRun(store: Store, run: RunRecord, err: unknown) {
  const fundBalanceFen = intDetailOf(err, 'fundBalanceFen');
  const neededFen = intDetailOf(err, 'neededFen');
  await store.doc.send(
    new UpdateCommand({
      TableName: store.tableName,
      Key: allowanceRunKey(run.runId),
      UpdateExpression: 'SET #status = :failed, fundBalanceFen = :fund, totalFen = :total',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':failed': 'failed', ':fund': fundBalanceFen, ':total': neededFen },
    }),
  );
  await releaseMonth(store, run);
}
