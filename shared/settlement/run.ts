import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { pooled } from '../async/pool';
import { ConflictError, RefusedError } from '../errors';
import { PAYEE_KINDS, payeeAccount, SYSTEM } from '../ledger/accounts';
import { addCounts, COUNT_NAMES, countsOf, isZero, noCounts } from '../ledger/payee-counts';
import { postTransfer } from '../ledger/transfers';
import { attributes, isMap } from '../store/attributes';
import { isConditionFailed } from '../store/conditions';
import type { Item } from '../store/items';
import {
  minuteOf,
  payeeLinesIndex,
  SEED_MARKER,
  SETTLEMENT_HEAD,
  SETTLEMENT_LINE_PREFIX,
  settlementLineKey,
  settlementRunKey,
  settlementRunsIndex,
} from '../store/keys';
import { partitionItems } from '../store/partition';
import { putAll } from '../store/put-all';
import type { Store } from '../store/store';
import { collectShard, LATE_MINUTES } from './collect';
import { settlementLine } from './lines';
import type { Boundary, Payee, SettlementLine, SettlementRun } from './model';
import { payeesMoved } from './payees';

export interface SettlementDeps {
  store: Store;
  clock: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

/** A cutoff may be this far ahead of the clock: the run waits for it to pass before it reads. */
export const CUTOFF_AHEAD_MS = 5000;
/** A run not finished within the longest a function lives is taken over (resumed, never restarted). */
export const STALE_RUN_MS = 15 * 60_000;
/** Payees collected at once: each reads its shards one after another. */
const PAYEE_CONCURRENCY = 16;

interface Head {
  lastCutoff?: string;
  lastRunId?: string;
  running?: { runId: string; cutoff: string; startedAt: string };
}

const RUN_STATUSES = ['collecting', 'lines', 'completed'] as const;

interface RunRecord {
  runId: string;
  cutoff: string;
  previousCutoff: string | null;
  status: (typeof RUN_STATUSES)[number];
  payoutFen?: number;
}

/** What a run measured of itself: its cost grows with the payees and shards that moved money, not movements. */
export interface RunCost {
  /** Minute buckets the activity index listed for the cycle (every account that moved, payee or not). */
  bucketsListed: number;
  payees: number;
  shards: number;
  bucketsRead: number;
  sealsWritten: number;
  movementsRead: number;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function readHead(store: Store): Promise<Head> {
  const { Item } = await store.doc.send(
    new GetCommand({ TableName: store.tableName, Key: SETTLEMENT_HEAD, ConsistentRead: true }),
  );
  if (!Item) return {};
  const a = attributes(Item, 'settlement head');
  const lastCutoff = a.optStr('lastCutoff');
  const lastRunId = a.optStr('lastRunId');
  const running = a.has('running') ? a.nested('running') : undefined;
  return {
    ...(lastCutoff ? { lastCutoff } : {}),
    ...(lastRunId ? { lastRunId } : {}),
    ...(running
      ? { running: { runId: running.str('runId'), cutoff: running.str('cutoff'), startedAt: running.str('startedAt') } }
      : {}),
  };
}

async function readRun(store: Store, runId: string): Promise<RunRecord | undefined> {
  const { Item } = await store.doc.send(
    new GetCommand({ TableName: store.tableName, Key: settlementRunKey(runId), ConsistentRead: true }),
  );
  if (!Item) return undefined;
  const a = attributes(Item, 'settlement run');
  const payoutFen = a.optInt('payoutFen');
  return {
    runId: a.str('runId'),
    cutoff: a.str('cutoff'),
    previousCutoff: a.has('previousCutoff') ? a.str('previousCutoff') : null,
    status: a.oneOf('status', RUN_STATUSES),
    ...(payoutFen === undefined ? {} : { payoutFen }),
  };
}

/**
 * Claims the head for this run: only one run at a time, and only for a cutoff after the last one.
 * Answers the previous cutoff the run settles from. A run that claimed it before (a resumed run)
 * simply finds it claimed.
 */
async function claim(deps: SettlementDeps, runId: string, cutoff: Date): Promise<void> {
  const { store } = deps;
  const now = deps.clock();
  try {
    await store.doc.send(
      new UpdateCommand({
        TableName: store.tableName,
        Key: SETTLEMENT_HEAD,
        UpdateExpression: 'SET #running = :running',
        ConditionExpression:
          '(attribute_not_exists(#running) OR #running.#runId = :runId OR #running.#startedAt < :stale) AND (attribute_not_exists(#last) OR #last < :cutoff)',
        ExpressionAttributeNames: {
          '#running': 'running',
          '#runId': 'runId',
          '#startedAt': 'startedAt',
          '#last': 'lastCutoff',
        },
        ExpressionAttributeValues: {
          ':running': { runId, cutoff: cutoff.toISOString(), startedAt: now.toISOString() },
          ':runId': runId,
          ':stale': new Date(now.getTime() - STALE_RUN_MS).toISOString(),
          ':cutoff': cutoff.toISOString(),
        },
      }),
    );
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
    const head = await readHead(store);
    if (head.lastCutoff && head.lastCutoff >= cutoff.toISOString()) {
      throw new ConflictError(
        'CUTOFF_NOT_AFTER_PREVIOUS',
        `The cutoff must be after the last run’s (${head.lastCutoff})`,
        {
          previousCutoff: head.lastCutoff,
        },
      );
    }
    throw new ConflictError('SETTLEMENT_RUNNING', 'Another settlement run is in progress; retry when it ends', {
      runningRunId: head.running?.runId,
      cutoff: head.running?.cutoff,
    });
  }
}

/** The payee's latest line before this cutoff: what it carries, and what that run counted of its cut minute. */
async function previousLine(store: Store, payee: Payee, cutoff: Date) {
  const page = await store.doc.send(
    new QueryCommand({
      TableName: store.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk < :cutoff',
      ExpressionAttributeValues: {
        ':pk': payeeLinesIndex(payee.payeeKind, payee.payeeId),
        ':cutoff': cutoff.toISOString(),
      },
      ScanIndexForward: false,
      Limit: 1,
    }),
  );
  const item = page.Items?.[0];
  if (!item) return { carriedFen: 0, boundaries: {} };
  const a = attributes(item, 'settlement line');
  return { carriedFen: a.intOr0('carriedFen'), boundaries: a.record('boundaries', boundaryOf) };
}

async function collectPayee(
  deps: SettlementDeps,
  run: RunRecord,
  payee: Payee,
  cost: RunCost,
): Promise<{ line: SettlementLine; boundaries: Record<string, Boundary> } | null> {
  const cutoff = new Date(run.cutoff);
  const previous = await previousLine(deps.store, payee, cutoff);
  let counts = noCounts();
  const boundaries: Record<string, Boundary> = {};
  for (const shard of payee.shards) {
    const totals = await collectShard(deps.store, {
      runId: run.runId,
      accountId: payee.accountId,
      shard,
      cutoff,
      previousCutoff: run.previousCutoff ? new Date(run.previousCutoff) : null,
      previousBoundary: previous.boundaries[String(shard)],
      sealedAt: deps.clock(),
    });
    counts = addCounts(counts, totals.counts);
    cost.bucketsRead += totals.bucketsRead;
    cost.sealsWritten += totals.sealsWritten;
    cost.movementsRead += totals.movementsRead;
    const { minute: _minute, ...cutCounts } = totals.boundary;
    if (!isZero(cutCounts)) boundaries[String(shard)] = totals.boundary;
  }
  cost.shards += payee.shards.length;
  if (isZero(counts) && previous.carriedFen === 0) return null;
  return { line: settlementLine(payee, counts, previous.carriedFen), boundaries };
}

async function writeLines(
  store: Store,
  run: RunRecord,
  collected: { line: SettlementLine; boundaries: Record<string, Boundary> }[],
) {
  const items = collected.map(({ line, boundaries }) => ({
    ...settlementLineKey(run.runId, line.payeeKind, line.payeeId),
    gsi1pk: payeeLinesIndex(line.payeeKind, line.payeeId),
    gsi1sk: `${run.cutoff}#${run.runId}`,
    runId: run.runId,
    cutoff: run.cutoff,
    ...line,
    boundaries,
  }));
  await putAll(store, items, 'settlement lines');
}

export async function runLines(store: Store, runId: string): Promise<SettlementLine[]> {
  const lines: SettlementLine[] = [];
  const pk = settlementRunKey(runId).pk;
  for await (const i of partitionItems(store, pk, { prefix: SETTLEMENT_LINE_PREFIX, consistent: true })) {
    lines.push(toLine(i));
  }
  return lines.sort((a, b) => a.payeeKind.localeCompare(b.payeeKind) || a.payeeId.localeCompare(b.payeeId));
}

export const toLine = (i: Item): SettlementLine => {
  const a = attributes(i, 'settlement line');
  return {
    payeeKind: a.oneOf('payeeKind', Object.values(PAYEE_KINDS)),
    payeeId: a.str('payeeId'),
    salesFen: a.int('salesFen'),
    refundsFen: a.int('refundsFen'),
    // Lines written before points existed have none.
    pointsFundedFen: a.intOr0('pointsFundedFen'),
    pointsSpentFen: a.intOr0('pointsSpentFen'),
    feeFen: a.int('feeFen'),
    netFen: a.int('netFen'),
    payoutFen: a.int('payoutFen'),
    carriedFen: a.int('carriedFen'),
  };
};

/** What a line kept of one shard's cutoff minute. */
const boundaryOf = (value: unknown, shard: string): Boundary => {
  const item = isMap(value) ? value : {};
  const minute = attributes(item, `settlement boundary ${shard}`).int('minute');
  return { minute, ...countsOf(item, COUNT_NAMES, `settlement boundary ${shard}`) };
};

/** The payout and the fee of one line, out of the payee's account, once (its id is the run's and the payee's). */
async function postLine(store: Store, run: RunRecord, line: SettlementLine, at: Date) {
  const accountId = payeeAccount(line.payeeKind, line.payeeId);
  const out = line.payoutFen + line.feeFen;
  if (out === 0) return;
  await postTransfer(store, {
    transferId: `settle:${run.runId}:${line.payeeKind}:${line.payeeId}`,
    kind: 'settlement',
    at: at.toISOString(),
    description: `Settlement to ${run.cutoff}: payout ${line.payoutFen}, fee ${line.feeFen}`,
    ref: run.runId,
    postings: [
      { accountId, amountFen: -out },
      ...(line.payoutFen > 0 ? [{ accountId: SYSTEM.payoutsClearing, amountFen: line.payoutFen }] : []),
      ...(line.feeFen > 0 ? [{ accountId: SYSTEM.feeIncome, amountFen: line.feeFen }] : []),
    ],
  });
}

/**
 * A new run: refused with a cutoff ahead of the clock; a run that died halfway is finished first, as it
 * would have finished; then this one claims the head and its record is written once.
 */
async function openRun(deps: SettlementDeps, input: { runId: string; cutoff: Date }): Promise<RunRecord> {
  const { store } = deps;
  const now = deps.clock();
  if (input.cutoff.getTime() > now.getTime() + CUTOFF_AHEAD_MS) {
    throw new RefusedError('CUTOFF_IN_FUTURE', 'A cutoff may be at most 5 seconds ahead of the server’s clock', {
      serverTime: now.toISOString(),
    });
  }
  const { running } = await readHead(store);
  if (running && running.runId !== input.runId && Date.parse(running.startedAt) < now.getTime() - STALE_RUN_MS) {
    await runSettlement(deps, { runId: running.runId, cutoff: new Date(running.cutoff) });
  }
  await claim(deps, input.runId, input.cutoff);
  const run: RunRecord = {
    runId: input.runId,
    cutoff: input.cutoff.toISOString(),
    previousCutoff: (await readHead(store)).lastCutoff ?? null,
    status: 'collecting',
  };
  await store.doc.send(
    new PutCommand({
      TableName: store.tableName,
      Item: {
        ...settlementRunKey(run.runId),
        ...run,
        gsi1pk: settlementRunsIndex,
        gsi1sk: `${run.cutoff}#${run.runId}`,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return run;
}

/** The cycle's lines, one per payee that moved money in it, written once; the run then holds its total. */
async function collectLines(deps: SettlementDeps, run: RunRecord, cost: RunCost): Promise<SettlementLine[]> {
  const { store } = deps;
  const { payees, bucketsListed } = await payeesMoved(
    store,
    await cycleStartMinute(store, run),
    minuteOf(new Date(run.cutoff)),
  );
  cost.bucketsListed = bucketsListed;
  cost.payees = payees.length;
  const collected = (await pooled(payees, PAYEE_CONCURRENCY, (p) => collectPayee(deps, run, p, cost))).filter(
    (c) => c !== null,
  );
  await writeLines(store, run, collected);
  const lines = collected.map((c) => c.line);
  await setStatus(
    store,
    run.runId,
    'lines',
    lines.reduce((s, l) => s + l.payoutFen, 0),
  );
  return lines;
}

/**
 * A settlement run: every movement into a payee account recorded before `cutoff` and not settled by an
 * earlier run, once. In steps that each survive a crash, so the same run started again (same runId)
 * finishes the same lines: claim the head; count each payee's shards (sealing the minutes counted);
 * keep the lines; move payouts and fees through the ledger (idempotent transfers); release the head.
 */
export async function runSettlement(
  deps: SettlementDeps,
  input: { runId: string; cutoff: Date },
): Promise<SettlementRun & { cost: RunCost }> {
  const { store } = deps;
  const cost: RunCost = { bucketsListed: 0, payees: 0, shards: 0, bucketsRead: 0, sealsWritten: 0, movementsRead: 0 };
  const known = await readRun(store, input.runId);
  if (known?.status === 'completed') return { ...(await settlementRun(store, input.runId))!, cost };
  if (known && known.cutoff !== input.cutoff.toISOString()) {
    throw new ConflictError('IDEMPOTENCY_KEY_REUSED', `Run ${input.runId} has another cutoff (${known.cutoff})`);
  }
  const run = known ?? (await openRun(deps, input));
  // A cutoff a little ahead: let it pass, so that every minute before it is complete.
  const waitMs = input.cutoff.getTime() - deps.clock().getTime() + 1;
  if (waitMs > 0) await (deps.sleep ?? defaultSleep)(waitMs);

  const lines = run.status === 'collecting' ? await collectLines(deps, run, cost) : await runLines(store, run.runId);
  const at = deps.clock();
  await pooled(lines, PAYEE_CONCURRENCY, (l) => postLine(store, run, l, at));
  await setStatus(store, run.runId, 'completed');
  await release(store, run);
  return { ...(await settlementRun(store, run.runId))!, cost };
}

/**
 * The first minute a run looks at for buckets that moved: as far behind the previous cutoff's minute
 * as a movement may commit late (collect.ts). The first run ever reads from the day before the store
 * was seeded (no movement is recorded before its store exists); an unseeded store has none to read.
 */
async function cycleStartMinute(store: Store, run: RunRecord): Promise<number> {
  if (run.previousCutoff) return Math.max(0, minuteOf(new Date(run.previousCutoff)) - LATE_MINUTES);
  const { Item } = await store.doc.send(
    new GetCommand({ TableName: store.tableName, Key: SEED_MARKER, ConsistentRead: true }),
  );
  if (typeof Item?.seededAt !== 'string') return minuteOf(new Date(run.cutoff));
  return Math.max(0, minuteOf(new Date(Item.seededAt)) - FIRST_RUN_MARGIN_MINUTES);
}

/** How far before the store's seeding the first run looks: clocks differ by seconds, not a day. */
const FIRST_RUN_MARGIN_MINUTES = 24 * 60;

async function setStatus(store: Store, runId: string, status: RunRecord['status'], payoutFen?: number) {
  await store.doc.send(
    new UpdateCommand({
      TableName: store.tableName,
      Key: settlementRunKey(runId),
      UpdateExpression: `SET #status = :status${payoutFen === undefined ? '' : ', payoutFen = :payout'}`,
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':status': status, ...(payoutFen === undefined ? {} : { ':payout': payoutFen }) },
    }),
  );
}

async function release(store: Store, run: RunRecord) {
  try {
    await store.doc.send(
      new UpdateCommand({
        TableName: store.tableName,
        Key: SETTLEMENT_HEAD,
        UpdateExpression: 'SET lastCutoff = :cutoff, lastRunId = :run REMOVE #running',
        ConditionExpression: '#running.runId = :run',
        ExpressionAttributeNames: { '#running': 'running' },
        ExpressionAttributeValues: { ':cutoff': run.cutoff, ':run': run.runId },
      }),
    );
  } catch (err) {
    // Released already by an earlier attempt of this run.
    if (!isConditionFailed(err)) throw err;
  }
}

/** A run as its answer: the same body the POST gave. */
export async function settlementRun(store: Store, runId: string): Promise<SettlementRun | undefined> {
  const run = await readRun(store, runId);
  if (!run) return undefined;
  const lines = await runLines(store, runId);
  return {
    runId: run.runId,
    cutoff: run.cutoff,
    previousCutoff: run.previousCutoff,
    lines,
    payoutFen: lines.reduce((s, l) => s + l.payoutFen, 0),
  };
}
