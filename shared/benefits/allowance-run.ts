import { BatchWriteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CardItem } from '../cards/cards';
import { ConflictError, InvariantError, RefusedError, RetryLaterError } from '../errors';
import { storedTransfer } from '../ledger/transfers';
import { isConditionFailed } from '../store/conditions';
import { allowanceMonthKey, allowanceRowKey, allowanceRunKey } from '../store/keys';
import { partitionItems } from '../store/partition';
import type { Store } from '../store/store';
import { shanghaiDate } from '../time/shanghai';
import {
  type AllowanceRow,
  type AllowanceRun,
  type allowanceRules,
  allowanceRun,
  cardOfHolder,
  cardTakes,
  paymentId,
  recordOwes,
  seniorRecords,
} from './allowance';
import { fundInsufficient, payCard, type RunMoney, releaseRun, reserveRun } from './allowance-money';

export interface AllowanceDeps {
  clock: () => Date;
  rules: ReturnType<typeof allowanceRules>;
}

/** A month's run that has not moved for this long is taken to have died: the next run finishes it first. */
export const STALE_ALLOWANCE_RUN_MS = 15 * 60_000;

/**
 * How a run is kept: its month, its planned total, and where it is. `running`: its rows are written
 * (the plan) and it reserves, then pays the due rows; `releasing`: its payments are counted and it
 * gives back what it did not pay; `done`; `failed`: the fund could not cover it, nothing was paid.
 */
interface RunRecord extends RunMoney {
  status: 'running' | 'releasing' | 'done' | 'failed';
  rows: number;
  fundBalanceFen?: number;
}

/**
 * The monthly allowance run: every card whose holder has an active senior-allowance record valid on
 * the month's first day, is in a band by age that day and group, and is verified in person, is paid
 * once for the month, into the card (a frozen card too). In steps that each survive a crash, so the
 * same run started again finishes as it would have: plan (every record considered is a row of the
 * run's report, written before any money moves), reserve the whole total from the fund (409
 * FUND_INSUFFICIENT and nothing paid if it cannot), pay each due row out of that reserve, give back
 * what was not paid. One run of a month at a time. A run that could not pay every due row now
 * (DynamoDB kept refusing) answers `running`: the same run started again pays the rest.
 */
export async function runAllowance(
  store: Store,
  deps: AllowanceDeps,
  input: { runId: string; month: string },
): Promise<AllowanceRun> {
  const known = await readRunRecord(store, input.runId);
  if (known?.status === 'done' || known?.status === 'failed') {
    // Ended: the month may still name it if the run died just after it ended.
    await releaseMonth(store, known);
    if (known.status === 'failed') throw fundInsufficient(known.fundBalanceFen ?? 0, known.totalFen);
    return (await allowanceRun(store, input.runId))!;
  }
  if (known && known.month !== input.month) {
    throw new ConflictError('IDEMPOTENCY_KEY_REUSED', `Run ${input.runId} is for ${known.month}`);
  }
  if (!known && input.month > shanghaiDate(deps.clock()).slice(0, 7)) {
    throw new RefusedError('MONTH_IN_FUTURE', 'A month up to the current one (Asia/Shanghai) may be run');
  }
  await claimMonth(store, deps, input);
  const run = known ?? (await planRun(store, deps, input));
  if (run.status === 'running') {
    try {
      await reserveRun(store, run, deps.clock());
    } catch (err) {
      if ((err as { code?: string }).code === 'FUND_INSUFFICIENT') await failRun(store, run, err);
      throw err;
    }
    const stillDue = await payDueRows(store, run, deps.clock());
    if (stillDue > 0) return (await allowanceRun(store, run.runId))!;
    await setRunStatus(store, run, 'running', 'releasing', await countRows(store, run.runId));
  }
  const counts = await countRows(store, run.runId);
  await releaseRun(store, run, counts.paidFen, deps.clock());
  await setRunStatus(store, run, 'releasing', 'done', counts);
  await releaseMonth(store, run);
  return (await allowanceRun(store, run.runId))!;
}

async function readRunRecord(store: Store, runId: string): Promise<RunRecord | undefined> {
  const { Item } = await store.doc.send(
    new GetCommand({ TableName: store.tableName, Key: allowanceRunKey(runId), ConsistentRead: true }),
  );
  return Item as RunRecord | undefined;
}

/**
 * Takes the month for this run: no other run of the month is planning or paying (two would plan the
 * same cards). A run that stopped moving long ago is finished first, as it would have finished.
 */
async function claimMonth(store: Store, deps: AllowanceDeps, input: { runId: string; month: string }) {
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
    const holder = Item?.runId as string | undefined;
    if (!holder) continue;
    if (Date.parse(Item?.claimedAt as string) > now.getTime() - STALE_ALLOWANCE_RUN_MS) {
      throw new ConflictError('ALLOWANCE_RUN_IN_PROGRESS', `Run ${holder} of ${input.month} is still paying`, {
        runningRunId: holder,
      });
    }
    await runAllowance(store, deps, { runId: holder, month: input.month });
  }
  throw new RetryLaterError();
}

async function releaseMonth(store: Store, run: RunMoney) {
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

/**
 * Decides every record's row from the records, the cards and the payments made so far, and keeps the
 * rows and the run's record (its total) before any money moves: what the run will pay is fixed here.
 */
async function planRun(store: Store, deps: AllowanceDeps, input: { runId: string; month: string }) {
  const rows = await planRows(store, deps, input.month);
  const record: RunRecord = {
    runId: input.runId,
    month: input.month,
    status: 'running',
    totalFen: rows.reduce((s, r) => s + (r.status === 'due' ? r.amountFen : 0), 0),
    rows: rows.length,
  };
  await writeRows(store, input.runId, rows);
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
    // The same run planned at the same moment (a job delivered twice): its plan stands.
    return (await readRunRecord(store, input.runId))!;
  }
}

async function planRows(store: Store, deps: AllowanceDeps, month: string): Promise<AllowanceRow[]> {
  const now = deps.clock();
  const firstDay = `${month}-01`;
  const rules = await deps.rules.at(new Date(`${firstDay}T00:00:00+08:00`));
  const records = await seniorRecords(store);
  const deceased = new Set(records.filter((r) => r.status === 'deceased').map((r) => r.residentIdHash));
  const seen = new Set<string>();
  const rows: AllowanceRow[] = [];
  for (const r of records) {
    const row: AllowanceRow = {
      recordId: r.recordId,
      agencyId: r.agencyId,
      residentIdMasked: r.residentIdMasked,
      group: r.group,
      cardId: null,
      status: 'skipped',
      reason: null,
      amountFen: 0,
    };
    rows.push(row);
    const owed = recordOwes(r, { deceased, rules, firstDay });
    if (owed.skip) {
      row.reason = owed.skip;
      continue;
    }
    const card = await cardOfHolder(store, r.residentIdHash);
    row.cardId = card?.cardId ?? null;
    const skip = cardTakes(card, owed.amountFen, { paid: await paidAlready(store, card, month, seen), now });
    // A card that reached its limit check is this month's, paid or not: another record of it is not paid.
    if (card && (skip === null || skip === 'BALANCE_LIMIT')) seen.add(card.cardId);
    if (skip !== null) row.reason = skip;
    else Object.assign(row, { status: 'due', amountFen: owed.amountFen });
  }
  return rows;
}

/** One payment a month per card, whichever record names it (read only for a card that could take it). */
async function paidAlready(store: Store, card: CardItem | undefined, month: string, seen: Set<string>) {
  if (card?.identityVerified !== true) return false;
  if (seen.has(card.cardId)) return true;
  return (await storedTransfer(store, { transferId: paymentId(month, card.cardId) })) !== undefined;
}

/**
 * Pays the run's due rows out of its reserve and keeps each row's outcome: paid, or skipped
 * BALANCE_LIMIT when the card filled up since it was read. A payment DynamoDB kept refusing stays due
 * (the run is started again to pay it). Answers how many rows are still due.
 */
async function payDueRows(store: Store, run: RunMoney, now: Date): Promise<number> {
  const changed: { n: number; row: AllowanceRow }[] = [];
  let stillDue = 0;
  for (const { n, row } of await readRows(store, run.runId)) {
    if (row.status !== 'due' || !row.cardId) continue;
    try {
      await payCard(store, run, row.cardId, row.amountFen, now);
      changed.push({ n, row: { ...row, status: 'paid' } });
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'RETRY_LATER') {
        stillDue++;
        continue;
      }
      if (code !== 'BALANCE_LIMIT') throw err;
      changed.push({ n, row: { ...row, status: 'skipped', reason: 'BALANCE_LIMIT', amountFen: 0 } });
    }
  }
  await putRows(store, run.runId, changed);
  return stillDue;
}

async function readRows(store: Store, runId: string): Promise<{ n: number; row: AllowanceRow }[]> {
  const rows: { n: number; row: AllowanceRow }[] = [];
  for await (const { pk: _pk, sk, ...row } of partitionItems(store, allowanceRunKey(runId).pk, {
    prefix: 'row#',
    consistent: true,
  })) {
    rows.push({ n: Number(String(sk).slice('row#'.length)), row: row as unknown as AllowanceRow });
  }
  return rows;
}

/** The run's counts from its rows: what it paid, and what it skipped by reason. */
async function countRows(store: Store, runId: string) {
  const rows = (await readRows(store, runId)).map((r) => r.row);
  const skipped: Partial<Record<string, number>> = {};
  for (const r of rows) if (r.reason) skipped[r.reason] = (skipped[r.reason] ?? 0) + 1;
  const paid = rows.filter((r) => r.status === 'paid');
  return { paidCount: paid.length, paidFen: paid.reduce((s, r) => s + r.amountFen, 0), skipped };
}

async function setRunStatus(
  store: Store,
  run: RunMoney,
  from: RunRecord['status'],
  to: RunRecord['status'],
  counts: Awaited<ReturnType<typeof countRows>>,
) {
  try {
    await store.doc.send(
      new UpdateCommand({
        TableName: store.tableName,
        Key: allowanceRunKey(run.runId),
        UpdateExpression: 'SET #status = :to, paidCount = :count, paidFen = :paid, skipped = :skipped',
        ConditionExpression: '#status IN (:from, :to)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':from': from,
          ':to': to,
          ':count': counts.paidCount,
          ':paid': counts.paidFen,
          ':skipped': counts.skipped,
        },
      }),
    );
  } catch (err) {
    if (isConditionFailed(err)) throw new InvariantError(`allowance run ${run.runId} moved past ${to}`);
    throw err;
  }
}

/** The fund could not cover the run: it ends failed with nothing paid, and the month is free again. */
async function failRun(store: Store, run: RunMoney, err: unknown) {
  const fundBalanceFen = (err as { details?: { fundBalanceFen?: number } }).details?.fundBalanceFen ?? 0;
  await store.doc.send(
    new UpdateCommand({
      TableName: store.tableName,
      Key: allowanceRunKey(run.runId),
      UpdateExpression: 'SET #status = :failed, fundBalanceFen = :fund',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':failed': 'failed', ':fund': fundBalanceFen },
    }),
  );
  await releaseMonth(store, run);
}

const writeRows = (store: Store, runId: string, rows: AllowanceRow[]) =>
  putRows(
    store,
    runId,
    rows.map((row, n) => ({ n, row })),
  );

/** Batches of 25 (DynamoDB's limit), each retried until DynamoDB took every item. */
async function putRows(store: Store, runId: string, rows: { n: number; row: AllowanceRow }[]) {
  for (let i = 0; i < rows.length; i += 25) {
    let requests = rows.slice(i, i + 25).map(({ n, row }) => ({
      PutRequest: { Item: { ...allowanceRowKey(runId, n), ...row } },
    }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt > 20) throw new InvariantError('allowance report rows could not be written');
      const out = await store.doc.send(new BatchWriteCommand({ RequestItems: { [store.tableName]: requests } }));
      requests = (out.UnprocessedItems?.[store.tableName] ?? []) as typeof requests;
    }
  }
}
