import { GetCommand, PutCommand, QueryCommand, type QueryCommandOutput, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { CardItem } from '../cards/cards';
import { ELIGIBILITY_RECORD, type EligibilityRecord } from '../eligibility/model';
import { codeOf, InvariantError, invariant } from '../errors';
import { storedTransfer } from '../ledger/transfers';
import { attributes } from '../store/attributes';
import { isConditionFailed } from '../store/conditions';
import { itemKind } from '../store/items';
import {
  allowanceCardClaimKey,
  allowanceChunkKey,
  allowanceRowKey,
  allowanceRunKey,
  eligibilityProgramKey,
  residentRecordsIndex,
} from '../store/keys';
import { partitionItems } from '../store/partition';
import { putAll } from '../store/put-all';
import type { Store } from '../store/store';
import {
  ALLOWANCE_ROW,
  type AllowanceRow,
  cardOfHolder,
  cardTakes,
  paymentId,
  recordOwes,
  SKIPPED_COUNTS,
  type SkipReason,
} from './allowance';
import { payCard, type RunMoney } from './allowance-money';
import type { AllowanceRules } from './allowance-rules';

/** Records one chunk plans and pays: a worker's share, well inside a function's time. */
export const CHUNK_RECORDS = 500;

/**
 * One chunk of a run: the records of the senior list whose sort keys lie after `fromSk` (none: from
 * the start) up to `toSk` (none: to the end). Ranges, not counts: a record uploaded during the run
 * falls in exactly one chunk. `new` -> `planned` (its rows kept, what it owes summed) -> `paid`.
 */
const CHUNK_RECORD = itemKind(
  'allowance chunk',
  z.object({
    chunk: z.number().int().min(0),
    fromSk: z.string().nullable(),
    toSk: z.string().nullable(),
    state: z.enum(['new', 'planned', 'paid']),
    dueFen: z.number().int().optional(),
    paidFen: z.number().int().optional(),
    paidCount: z.number().int().optional(),
    skipped: SKIPPED_COUNTS.optional(),
  }),
);

/** A chunk of a run: its range of the senior list, how far it got, and what it paid and skipped. */
export type ChunkRecord = z.infer<typeof CHUNK_RECORD.schema>;

const SENIOR_LIST_PK = eligibilityProgramKey('senior-allowance', '', '').pk;

/** Cuts the senior list into chunks of `size` records, reading only their keys. */
export async function chunkRanges(store: Store, size = CHUNK_RECORDS): Promise<Pick<ChunkRecord, 'fromSk' | 'toSk'>[]> {
  const ranges: Pick<ChunkRecord, 'fromSk' | 'toSk'>[] = [];
  let start: Record<string, unknown> | undefined;
  let fromSk: string | null = null;
  do {
    const page: QueryCommandOutput = await store.doc.send(
      new QueryCommand({
        TableName: store.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': SENIOR_LIST_PK },
        ProjectionExpression: 'pk, sk',
        ConsistentRead: true,
        Limit: size,
        ExclusiveStartKey: start,
      }),
    );
    start = page.LastEvaluatedKey;
    if ((page.Items ?? []).length === 0) break;
    const toSk = start ? String(start.sk) : null;
    ranges.push({ fromSk, toSk });
    fromSk = toSk;
  } while (start);
  return ranges;
}

export async function readChunk(store: Store, runId: string, chunk: number): Promise<ChunkRecord> {
  const { Item } = await store.doc.send(
    new GetCommand({ TableName: store.tableName, Key: allowanceChunkKey(runId, chunk), ConsistentRead: true }),
  );
  if (!Item) throw new InvariantError(`run ${runId} has no chunk ${chunk}`);
  return CHUNK_RECORD.parse(Item);
}

/** Every chunk of a run, in order (a run has at most a few hundred). */
export async function readChunks(store: Store, runId: string): Promise<ChunkRecord[]> {
  const chunks: ChunkRecord[] = [];
  const pk = allowanceRunKey(runId).pk;
  for await (const c of partitionItems(store, pk, { prefix: 'chunk#', consistent: true, kind: CHUNK_RECORD })) {
    chunks.push(c);
  }
  return chunks;
}

/**
 * Plans one chunk: every record of its range becomes a row (due with its amount, or skipped and why),
 * kept before any money moves; the chunk then says what it owes. Planning again (a retried worker)
 * writes the same rows again: nothing moved yet.
 */
export async function planChunk(
  store: Store,
  context: { runId: string; month: string; rules: AllowanceRules; now: Date },
  chunk: number,
): Promise<void> {
  const c = await readChunk(store, context.runId, chunk);
  if (c.state !== 'new') return;
  const records = await recordsIn(store, c);
  const firstDay = `${context.month}-01`;
  const seen = new Set<string>();
  const rows: AllowanceRow[] = [];
  for (const [n, r] of records.entries()) {
    const row = await planRow(store, r, { ...context, firstDay, seen });
    rows.push(row.status === 'due' ? await claimCard(store, context.runId, row, `${chunk}#${n}`) : row);
  }
  await putRows(
    store,
    context.runId,
    chunk,
    rows.map((row, n) => ({ n, row })),
  );
  await setChunk(store, context.runId, chunk, 'new', 'planned', {
    dueFen: rows.reduce((s, r) => s + (r.status === 'due' ? r.amountFen : 0), 0),
    skipped: skipCounts(rows),
  });
}

/** One record's row: what it is owed, and whether its holder's card takes it. */
async function planRow(
  store: Store,
  r: EligibilityRecord,
  context: { month: string; rules: AllowanceRules; firstDay: string; now: Date; seen: Set<string> },
): Promise<AllowanceRow> {
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
  const deceased = r.status === 'deceased' || (await holderDeceased(store, r.residentIdHash));
  const owed = recordOwes(r, { deceased: new Set(deceased ? [r.residentIdHash] : []), ...context });
  if (owed.skip) return { ...row, reason: owed.skip };
  const card = await cardOfHolder(store, r.residentIdHash);
  row.cardId = card?.cardId ?? null;
  const paid = await paidAlready(store, card, context.month, context.seen);
  const skip = cardTakes(card, owed.amountFen, { paid, now: context.now });
  // A card that reached its limit check is this month's, paid or not: another record of it is not paid.
  if (card && (skip === null || skip === 'BALANCE_LIMIT')) context.seen.add(card.cardId);
  if (skip !== null) return { ...row, reason: skip };
  return { ...row, status: 'due', amountFen: owed.amountFen };
}

/**
 * A due row claims its card for the run: a second row naming the same card (another agency's record
 * of the holder, in another chunk) finds it claimed and is skipped ALREADY_PAID, so the run reserves
 * and pays each card once. The same row planned again (a retried chunk) finds its own claim.
 */
async function claimCard(store: Store, runId: string, row: AllowanceRow, place: string): Promise<AllowanceRow> {
  try {
    await store.doc.send(
      new PutCommand({
        TableName: store.tableName,
        Item: { ...allowanceCardClaimKey(runId, row.cardId!), place },
        ConditionExpression: 'attribute_not_exists(pk) OR place = :place',
        ExpressionAttributeValues: { ':place': place },
      }),
    );
    return row;
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
    return { ...row, status: 'skipped', reason: 'ALREADY_PAID', amountFen: 0 };
  }
}

/** Another senior-allowance record says the holder died: the holder's records, through their index. */
async function holderDeceased(store: Store, ridHash: string): Promise<boolean> {
  const page = await store.doc.send(
    new QueryCommand({
      TableName: store.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :program)',
      FilterExpression: '#status = :deceased',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':pk': residentRecordsIndex(ridHash),
        ':program': 'senior-allowance#',
        ':deceased': 'deceased',
      },
    }),
  );
  return (page.Items ?? []).length > 0;
}

/** One payment a month per card, whichever record names it (read only for a card that could take it). */
async function paidAlready(store: Store, card: CardItem | undefined, month: string, seen: Set<string>) {
  if (card?.identityVerified !== true) return false;
  if (seen.has(card.cardId)) return true;
  return (await storedTransfer(store, { transferId: paymentId(month, card.cardId) })) !== undefined;
}

/**
 * Pays one planned chunk's due rows out of the run's reserve and keeps each row's outcome: paid,
 * skipped BALANCE_LIMIT (the card filled up since it was planned), CARD_CLOSED (closed since) or ALREADY_PAID (another row of the
 * run named the same card). A payment DynamoDB keeps refusing fails the chunk, to be paid again: the
 * rows it paid answer from their transfers then, and pay nothing twice.
 */
export async function payChunk(store: Store, run: RunMoney, chunk: number, now: Date): Promise<void> {
  const c = await readChunk(store, run.runId, chunk);
  if (c.state === 'paid') return;
  invariant(c.state === 'planned', `chunk ${chunk} of run ${run.runId} is paid only once planned`);
  const rows = await chunkRows(store, run.runId, chunk);
  const changed: { n: number; row: AllowanceRow }[] = [];
  for (const { n, row } of rows) {
    if (row.status !== 'due' || !row.cardId) continue;
    const outcome = await payRow(store, run, row, `${chunk}#${n}`, now);
    changed.push({
      n,
      row:
        outcome === 'paid' ? { ...row, status: 'paid' } : { ...row, status: 'skipped', reason: outcome, amountFen: 0 },
    });
  }
  await putRows(store, run.runId, chunk, changed);
  const after = rows.map(({ n, row }) => changed.find((ch) => ch.n === n)?.row ?? row);
  const paid = after.filter((r) => r.status === 'paid');
  await setChunk(store, run.runId, chunk, 'planned', 'paid', {
    paidFen: paid.reduce((s, r) => s + r.amountFen, 0),
    paidCount: paid.length,
    skipped: skipCounts(after),
  });
}

async function payRow(
  store: Store,
  run: RunMoney,
  row: AllowanceRow,
  place: string,
  now: Date,
): Promise<'paid' | 'BALANCE_LIMIT' | 'CARD_CLOSED' | 'ALREADY_PAID'> {
  try {
    const paidRow = await payCard(store, run, row.cardId!, row.amountFen, now, place);
    return paidRow === place ? 'paid' : 'ALREADY_PAID';
  } catch (err) {
    // The card filled up, or its holder closed it, since the chunk was planned: skipped, the run goes on.
    const code = codeOf(err);
    if (code === 'BALANCE_LIMIT' || code === 'CARD_CLOSED') return code;
    throw err;
  }
}

const skipCounts = (rows: AllowanceRow[]) => {
  const skipped: Partial<Record<SkipReason, number>> = {};
  for (const r of rows) if (r.reason) skipped[r.reason] = (skipped[r.reason] ?? 0) + 1;
  return skipped;
};

async function recordsIn(store: Store, c: ChunkRecord): Promise<EligibilityRecord[]> {
  const out: EligibilityRecord[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page: QueryCommandOutput = await store.doc.send(
      new QueryCommand({
        TableName: store.tableName,
        KeyConditionExpression: c.toSk === null ? 'pk = :pk' : 'pk = :pk AND sk <= :to',
        ExpressionAttributeValues: { ':pk': SENIOR_LIST_PK, ...(c.toSk === null ? {} : { ':to': c.toSk }) },
        ConsistentRead: true,
        ExclusiveStartKey: start ?? (c.fromSk === null ? undefined : { pk: SENIOR_LIST_PK, sk: c.fromSk }),
      }),
    );
    out.push(...(page.Items ?? []).map((item) => ELIGIBILITY_RECORD.parse(item)));
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}

async function chunkRows(store: Store, runId: string, chunk: number) {
  const prefix = allowanceRowKey(runId, chunk, 0).sk.slice(0, -6);
  const rows: { n: number; row: AllowanceRow }[] = [];
  for await (const item of partitionItems(store, allowanceRunKey(runId).pk, { prefix, consistent: true })) {
    rows.push({
      n: Number(attributes(item, 'allowance row').str('sk').slice(prefix.length)),
      row: ALLOWANCE_ROW.parse(item),
    });
  }
  return rows;
}

/** Moves a chunk on, only from the state it was read in (a second worker on the same chunk changes nothing). */
async function setChunk(
  store: Store,
  runId: string,
  chunk: number,
  from: ChunkRecord['state'],
  to: ChunkRecord['state'],
  sets: Partial<ChunkRecord>,
) {
  const all = { ...sets, state: to };
  const names = Object.fromEntries(Object.keys(all).map((k, i) => [`#a${i}`, k]));
  const values = Object.fromEntries(Object.values(all).map((v, i) => [`:a${i}`, v]));
  try {
    await store.doc.send(
      new UpdateCommand({
        TableName: store.tableName,
        Key: allowanceChunkKey(runId, chunk),
        UpdateExpression: `SET ${Object.keys(names)
          .map((n, i) => `${n} = :a${i}`)
          .join(', ')}`,
        ConditionExpression: '#state = :from',
        ExpressionAttributeNames: { ...names, '#state': 'state' },
        ExpressionAttributeValues: { ...values, ':from': from },
      }),
    );
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
  }
}

/** A chunk's report rows, each at its place in the run's report. */
export async function putRows(store: Store, runId: string, chunk: number, rows: { n: number; row: AllowanceRow }[]) {
  await putAll(
    store,
    rows.map(({ n, row }) => ({ ...allowanceRowKey(runId, chunk, n), ...row })),
    'allowance report rows',
  );
}
