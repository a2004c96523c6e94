import { BatchWriteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { CardItem } from '../cards/cards';
import { ConflictError, InvariantError, RefusedError } from '../errors';
import { SYSTEM } from '../ledger/accounts';
import { runCommand } from '../ledger/command';
import { creditCeilingFen } from '../ledger/postings';
import { postTransfer, storedTransfer } from '../ledger/transfers';
import { readWallet } from '../ledger/wallet-head';
import { csvOf } from '../settlement/lines';
import {
  ALLOWANCE_RULES_PK,
  accountKey,
  allowanceDayKey,
  allowanceRowKey,
  allowanceRunKey,
  eligibilityProgramKey,
  residentIdKey,
} from '../store/keys';
import { partitionItems } from '../store/partition';
import type { Store } from '../store/store';
import { versionedDocuments } from '../store/versioned';
import { businessDate, shanghaiDate } from '../time/shanghai';
import { type AllowanceRules, allowanceFen } from './allowance-rules';
import { grantInForce } from './grants';
import type { EligibilityRecord } from './model';

export const SKIP_REASONS = [
  'IDENTITY_NOT_VERIFIED',
  'NO_CARD',
  'DECEASED',
  'BALANCE_LIMIT',
  'NOT_IN_BAND',
  'NOT_ACTIVE',
  'ALREADY_PAID',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export interface AllowanceRow {
  recordId: string;
  agencyId: string;
  residentIdMasked: string;
  group: string;
  cardId: string | null;
  status: 'paid' | 'skipped';
  reason: SkipReason | null;
  amountFen: number;
}

export interface AllowanceRun {
  runId: string;
  month: string;
  paidCount: number;
  paidFen: number;
  skipped: Partial<Record<SkipReason, number>>;
}

export const allowanceRules = (store: Store, clock: () => Date) =>
  versionedDocuments<AllowanceRules>(store, clock, {
    pk: ALLOWANCE_RULES_PK,
    field: 'rules',
    cacheMs: 60_000,
    what: 'Allowance rules',
  });

/** The fund's balance: one item (a floor of 0 guards every payment). */
export async function fundBalanceFen(store: Store): Promise<number> {
  const { Item } = await store.doc.send(
    new GetCommand({ TableName: store.tableName, Key: accountKey(SYSTEM.allowanceFund, 0), ConsistentRead: true }),
  );
  return (Item?.balanceFen as number | undefined) ?? 0;
}

/** The city funds the allowance: from the treasury to the fund, once per transfer id. */
export async function fundAllowance(store: Store, transferId: string, amountFen: number, at: Date): Promise<number> {
  await postTransfer(store, {
    transferId,
    kind: 'funding',
    at: at.toISOString(),
    description: 'Allowance fund from the treasury',
    ref: transferId,
    postings: [
      { accountId: SYSTEM.treasury, amountFen: -amountFen },
      { accountId: SYSTEM.allowanceFund, amountFen },
    ],
  });
  return fundBalanceFen(store);
}

async function allRecords(store: Store): Promise<EligibilityRecord[]> {
  const out: EligibilityRecord[] = [];
  const pk = eligibilityProgramKey('senior-allowance', '', '').pk;
  for await (const item of partitionItems(store, pk)) out.push(item as unknown as EligibilityRecord);
  return out;
}

async function cardOf(store: Store, ridHash: string): Promise<CardItem | undefined> {
  const rid = await store.doc.send(
    new GetCommand({ TableName: store.tableName, Key: residentIdKey(ridHash), ConsistentRead: true }),
  );
  if (!rid.Item) return undefined;
  return (await readWallet(store, rid.Item.cardId as string)) as CardItem | undefined;
}

const paymentId = (month: string, cardId: string) => `allowance:${month}:${cardId}`;

/**
 * What one senior-allowance record is owed for the month, from the record alone: nothing for a holder
 * another record says is deceased, a record not in force on the month's first day, or an age and group
 * in no band of the rules.
 */
export function recordOwes(
  r: EligibilityRecord,
  context: { deceased: ReadonlySet<string>; rules: AllowanceRules; firstDay: string },
): { skip: SkipReason; amountFen?: never } | { skip?: never; amountFen: number } {
  if (context.deceased.has(r.residentIdHash)) return { skip: 'DECEASED' };
  if (!grantInForce(r, context.firstDay)) return { skip: 'NOT_ACTIVE' };
  const amountFen = allowanceFen(context.rules, r.birthDate, r.group, context.firstDay);
  return amountFen === null ? { skip: 'NOT_IN_BAND' } : { amountFen };
}

/**
 * Whether the holder's card takes the month's payment: there is a card, verified in person, not paid
 * this month yet, and the payment keeps it within its balance limit (open holds count). Null: it does.
 */
export function cardTakes(
  card: CardItem | undefined,
  amountFen: number,
  context: { paid: boolean; now: Date },
): SkipReason | null {
  if (!card) return 'NO_CARD';
  if (!card.identityVerified) return 'IDENTITY_NOT_VERIFIED';
  if (context.paid) return 'ALREADY_PAID';
  // The ledger's own ceiling for a credit: the card's limit less its open holds.
  const ceilingFen = creditCeilingFen(card, card.holds, context.now);
  return ceilingFen !== null && card.balanceFen + amountFen > ceilingFen ? 'BALANCE_LIMIT' : null;
}

/**
 * The monthly allowance run: every card whose holder has an active senior-allowance record valid on
 * the month's first day, is in a band by age that day and group, and is verified in person, is paid
 * once for the month (the payment's transfer id names month and card, so no second run pays it
 * again), from the fund, into the card (a frozen card too). If the fund cannot cover every payment the
 * run pays nothing (409 FUND_INSUFFICIENT). Every record considered is a row of the run's report.
 */
export async function runAllowance(
  store: Store,
  deps: { clock: () => Date; rules: ReturnType<typeof allowanceRules> },
  input: { runId: string; month: string },
): Promise<AllowanceRun> {
  const known = await allowanceRun(store, input.runId);
  if (known) return known;
  const now = deps.clock();
  if (input.month > shanghaiDate(now).slice(0, 7)) {
    throw new RefusedError('MONTH_IN_FUTURE', 'A month up to the current one (Asia/Shanghai) may be run');
  }
  const firstDay = `${input.month}-01`;
  const rules = await deps.rules.at(new Date(`${firstDay}T00:00:00+08:00`));
  const records = await allRecords(store);
  const deceased = new Set(records.filter((r) => r.status === 'deceased').map((r) => r.residentIdHash));
  const rows: AllowanceRow[] = [];
  const due: { row: AllowanceRow; card: CardItem }[] = [];
  const seen = new Set<string>();
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
    const card = await cardOf(store, r.residentIdHash);
    row.cardId = card?.cardId ?? null;
    // One payment a month per card, whichever record names it (read only for a card that could take it).
    const paid =
      card?.identityVerified === true &&
      (seen.has(card.cardId) ||
        (await storedTransfer(store, { transferId: paymentId(input.month, card.cardId) })) !== undefined);
    const skip = cardTakes(card, owed.amountFen, { paid, now });
    // A card that reached its limit check is this month's, paid or not: another record of it is not paid.
    if (card && (skip === null || skip === 'BALANCE_LIMIT')) seen.add(card.cardId);
    if (skip !== null || !card) {
      row.reason = skip;
      continue;
    }
    row.amountFen = owed.amountFen;
    due.push({ row, card });
  }
  const totalFen = due.reduce((s, d) => s + d.row.amountFen, 0);
  const fund = await fundBalanceFen(store);
  if (totalFen > fund) {
    throw new ConflictError('FUND_INSUFFICIENT', `The fund holds ${fund} fen; this month’s payments need ${totalFen}`, {
      fundBalanceFen: fund,
      neededFen: totalFen,
    });
  }
  for (const { row, card } of due) {
    try {
      await pay(store, input.month, card.cardId, row.amountFen, now);
      row.status = 'paid';
    } catch (err) {
      // The card filled up since it was read: skipped like the others over the limit.
      if ((err as { code?: string }).code !== 'BALANCE_LIMIT') throw err;
      row.reason = 'BALANCE_LIMIT';
      row.amountFen = 0;
    }
  }
  const run: AllowanceRun = {
    runId: input.runId,
    month: input.month,
    paidCount: rows.filter((r) => r.status === 'paid').length,
    paidFen: rows.reduce((s, r) => s + (r.status === 'paid' ? r.amountFen : 0), 0),
    skipped: {},
  };
  for (const r of rows) if (r.reason) run.skipped[r.reason] = (run.skipped[r.reason] ?? 0) + 1;
  await writeRows(store, input.runId, rows);
  await store.doc.send(
    new PutCommand({
      TableName: store.tableName,
      Item: { ...allowanceRunKey(input.runId), ...run, rows: rows.length },
    }),
  );
  return run;
}

/** One month's allowance into one card, once: the card shows it (and the statement, kind allowance). */
function pay(store: Store, month: string, cardId: string, amountFen: number, now: Date) {
  const transferId = paymentId(month, cardId);
  return runCommand(store, {
    reads: { wallet: accountKey(cardId) },
    plan: () => ({
      transfer: {
        transferId,
        kind: 'allowance' as const,
        at: now.toISOString(),
        description: `Senior living allowance ${month}`,
        ref: month,
        postings: [
          { accountId: SYSTEM.allowanceFund, amountFen: -amountFen },
          { accountId: cardId, amountFen },
        ],
      },
      walletAttributes: { [cardId]: { lastAllowance: { month, amountFen } } },
      writes: [
        {
          item: {
            Update: {
              TableName: store.tableName,
              Key: allowanceDayKey(businessDate(now)),
              UpdateExpression: 'ADD #paid :amount',
              ExpressionAttributeNames: { '#paid': 'paidFen' },
              ExpressionAttributeValues: { ':amount': amountFen },
            },
          },
          onConditionFailed: 'replan' as const,
        },
      ],
      result: { transferId },
    }),
    replay: async () => ((await storedTransfer(store, { transferId })) ? { transferId } : undefined),
  });
}

async function writeRows(store: Store, runId: string, rows: AllowanceRow[]) {
  for (let i = 0; i < rows.length; i += 25) {
    let requests = rows.slice(i, i + 25).map((row, j) => ({
      PutRequest: { Item: { ...allowanceRowKey(runId, i + j), ...row } },
    }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt > 20) throw new InvariantError('allowance report rows could not be written');
      const out = await store.doc.send(new BatchWriteCommand({ RequestItems: { [store.tableName]: requests } }));
      requests = (out.UnprocessedItems?.[store.tableName] ?? []) as typeof requests;
    }
  }
}

export async function allowanceRun(store: Store, runId: string): Promise<AllowanceRun | undefined> {
  const { Item } = await store.doc.send(
    new GetCommand({ TableName: store.tableName, Key: allowanceRunKey(runId), ConsistentRead: true }),
  );
  if (!Item) return undefined;
  return {
    runId: Item.runId as string,
    month: Item.month as string,
    paidCount: Item.paidCount as number,
    paidFen: Item.paidFen as number,
    skipped: Item.skipped as AllowanceRun['skipped'],
  };
}

export async function allowanceRows(store: Store, runId: string): Promise<AllowanceRow[]> {
  const rows: AllowanceRow[] = [];
  for await (const { pk: _pk, sk: _sk, ...row } of partitionItems(store, allowanceRunKey(runId).pk, {
    prefix: 'row#',
  })) {
    rows.push(row as unknown as AllowanceRow);
  }
  return rows;
}

export const ALLOWANCE_CSV_HEADER = [
  'recordId',
  'agencyId',
  'residentIdMasked',
  'group',
  'cardId',
  'status',
  'reason',
  'amountFen',
] as const;

export function allowanceCsv(rows: AllowanceRow[]): string {
  return csvOf(
    ALLOWANCE_CSV_HEADER,
    rows.map((r) => ALLOWANCE_CSV_HEADER.map((c) => r[c] ?? '')),
  );
}

/** Allowances paid in a business day, all cards together (the operator's daily report). */
export async function allowancesPaidOn(store: Store, date: string): Promise<number> {
  const { Item } = await store.doc.send(
    new GetCommand({ TableName: store.tableName, Key: allowanceDayKey(date), ConsistentRead: true }),
  );
  return (Item?.paidFen as number | undefined) ?? 0;
}
