import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { type CardItem, cardOf } from '../cards/cards';
import { grantInForce } from '../eligibility/grants';
import { ELIGIBILITY_RECORD, type EligibilityRecord } from '../eligibility/model';
import { SYSTEM } from '../ledger/accounts';
import { creditCeilingFen } from '../ledger/postings';
import { postTransfer } from '../ledger/transfers';
import { readWallet } from '../ledger/wallet-head';
import { attributes } from '../store/attributes';
import { type ItemKind, itemKind } from '../store/items';
import {
  ALLOWANCE_ROW_SK,
  ALLOWANCE_RULES_PK,
  accountKey,
  allowanceDayKey,
  allowanceRunKey,
  eligibilityProgramKey,
  residentIdKey,
} from '../store/keys';
import { partitionItems } from '../store/partition';
import { partitionPage } from '../store/partition-page';
import type { Store } from '../store/store';
import { versionedDocuments } from '../store/versioned';
import { csvOf } from '../text/csv';
import { type AllowanceRules, allowanceFen } from './allowance-rules';

export const SKIP_REASONS = [
  'IDENTITY_NOT_VERIFIED',
  'NO_CARD',
  'CARD_CLOSED',
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
  /** `due`: the run will pay it (or stopped before it did); final once the run is done. */
  status: 'paid' | 'skipped' | 'due';
  reason: SkipReason | null;
  amountFen: number;
}

/** A report row as the run keeps it. */
export const ALLOWANCE_ROW: ItemKind<AllowanceRow> = itemKind(
  'allowance row',
  z.object({
    recordId: z.string(),
    agencyId: z.string(),
    residentIdMasked: z.string(),
    group: z.string(),
    cardId: z.string().nullable(),
    status: z.enum(['paid', 'skipped', 'due']),
    reason: z.enum(SKIP_REASONS).nullable(),
    amountFen: z.number().int(),
  }),
);

/** Counts by skip reason as a run or chunk keeps them, read back (reasons it does not know are a defect). */
export const SKIPPED_COUNTS = z.partialRecord(z.enum(SKIP_REASONS), z.number().int().min(0));

export interface AllowanceRun {
  runId: string;
  month: string;
  status: 'running' | 'done' | 'failed';
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
  return Item ? attributes(Item, 'allowance fund').intOr0('balanceFen') : 0;
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

/** Every senior-allowance record, from the program's list. */
export async function seniorRecords(store: Store): Promise<EligibilityRecord[]> {
  const out: EligibilityRecord[] = [];
  const pk = eligibilityProgramKey('senior-allowance', '', '').pk;
  for await (const record of partitionItems(store, pk, { kind: ELIGIBILITY_RECORD })) out.push(record);
  return out;
}

/** The card a holder opened, read with its balance; none if they have not. */
export async function cardOfHolder(store: Store, ridHash: string): Promise<CardItem | undefined> {
  const rid = await store.doc.send(
    new GetCommand({ TableName: store.tableName, Key: residentIdKey(ridHash), ConsistentRead: true }),
  );
  if (!rid.Item) return undefined;
  return cardOf(await readWallet(store, attributes(rid.Item, 'resident id').str('cardId')));
}

/** A card's payment for a month: its transfer id, so that it is made once, whatever runs there are. */
export const paymentId = (month: string, cardId: string) => `allowance:${month}:${cardId}`;

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
  if (card.status === 'closed') return 'CARD_CLOSED';
  if (!card.identityVerified) return 'IDENTITY_NOT_VERIFIED';
  if (context.paid) return 'ALREADY_PAID';
  // The ledger's own ceiling for a credit: the card's limit less its open holds.
  const ceilingFen = creditCeilingFen(card, card.holds, context.now);
  return ceilingFen !== null && card.balanceFen + amountFen > ceilingFen ? 'BALANCE_LIMIT' : null;
}

/** A run as the operator reads it: its state, and its counts (final once `done`). */
export async function allowanceRun(store: Store, runId: string): Promise<AllowanceRun | undefined> {
  const { Item } = await store.doc.send(
    new GetCommand({ TableName: store.tableName, Key: allowanceRunKey(runId), ConsistentRead: true }),
  );
  if (!Item) return undefined;
  const a = attributes(Item, 'allowance run');
  return {
    runId: a.str('runId'),
    month: a.str('month'),
    // A run that reserved and stopped paying part-way, or is giving back what it did not pay, still runs.
    status: Item.status === 'done' || Item.status === 'failed' ? Item.status : 'running',
    paidCount: a.intOr0('paidCount'),
    paidFen: a.intOr0('paidFen'),
    skipped: a.has('skipped') ? SKIPPED_COUNTS.parse(Item.skipped) : {},
  };
}

export async function allowanceRows(store: Store, runId: string): Promise<AllowanceRow[]> {
  const rows: AllowanceRow[] = [];
  for await (const row of partitionItems(store, allowanceRunKey(runId).pk, { prefix: 'row#', kind: ALLOWANCE_ROW })) {
    rows.push(row);
  }
  return rows;
}

/** One page of a run's report rows, in the order the run considered them. */
export async function allowanceRowsPage(
  store: Store,
  runId: string,
  page: { limit: number; cursor?: string | undefined },
) {
  const read = await partitionPage(store, {
    list: 'allowance-rows',
    pk: allowanceRunKey(runId).pk,
    prefix: 'row#',
    skShape: ALLOWANCE_ROW_SK,
    consistent: true,
    kind: ALLOWANCE_ROW,
    ...page,
  });
  return { rows: read.items, nextCursor: read.nextCursor };
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
  return Item ? attributes(Item, 'allowance day').intOr0('paidFen') : 0;
}
