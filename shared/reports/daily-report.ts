import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { allowancesPaidOn } from '../benefits/allowance';
import { type PayeeKind, payeeOf, SYSTEM } from '../ledger/accounts';
import { activeBuckets, bucketTotals } from '../ledger/buckets';
import type { AuditResult } from '../ledger-audit/audit-result';
import { cityCashOn } from '../outlets/till';
import { runLines } from '../settlement/run';
import { minuteOf, settlementRunsIndex } from '../store/keys';
import type { Store } from '../store/store';
import { BUSINESS_DAY_START_HOUR } from '../time/shanghai';

/** How the report names what each kind of payee sold. */
const SPENDING: Record<PayeeKind, 'fares' | 'bills' | 'purchases' | 'facilities'> = {
  'transit-operator': 'fares',
  biller: 'bills',
  merchant: 'purchases',
  facility: 'facilities',
};
export type SpendingKind = (typeof SPENDING)[PayeeKind];

export interface DailyReport {
  businessDate: string;
  topupsFen: { provider: number; cash: number };
  spendingFen: Record<SpendingKind, number>;
  refundsFen: Record<SpendingKind, number>;
  allowanceFen: number;
  /**
   * Alliance points of the day's purchases (1 point = 1 fen): what merchants funded (earned by their
   * customers, less what refunds took back) and what customers paid with them. Per merchant, each
   * settlement line says the same of its cycle.
   */
  pointsFen: { funded: number; spent: number };
  /** Of the settlement runs whose cutoff falls in the day. */
  payoutsFen: number;
  feesFen: number;
  /**
   * The stored value outstanding (every card's balance) must equal the money received (top-ups and
   * cash) less what was paid out and what sits in the system accounts: a difference is an alarm. From
   * the latest full audit (null until one completed).
   */
  storedValue: StoredValue | null;
  alarm: boolean;
}

export interface StoredValue {
  outstandingFen: number;
  receivedFen: number;
  paidOutFen: number;
  inSystemFen: number;
  differenceFen: number;
  ledgerBalanced: boolean;
  /** The audit it comes from, and the moment its data is of. */
  asOf: string;
  auditId: string;
}

const SHANGHAI_OFFSET_MS = 8 * 3600_000;

/** The log message an unbalanced stored value raises; a metric filter turns it into an alarm in the cloud. */
export const STORED_VALUE_ALARM = 'STORED_VALUE_MISMATCH';

/** The business day's bounds: 04:00 to 04:00 Asia/Shanghai. */
export function businessDayBounds(date: string): { from: Date; to: Date } {
  const from = new Date(Date.parse(`${date}T00:00:00Z`) + BUSINESS_DAY_START_HOUR * 3600_000 - SHANGHAI_OFFSET_MS);
  return { from, to: new Date(from.getTime() + 24 * 3600_000) };
}

/** What a moved bucket counts towards in the reports: a kind of spending (a payee's), top-ups, or nothing. */
export function fieldOf(accountId: string): SpendingKind | 'topups' | null {
  const payee = payeeOf(accountId);
  if (payee) return SPENDING[payee.payeeKind];
  return accountId === SYSTEM.topupClearing ? 'topups' : null;
}

/**
 * The day's flows (04:00 to 04:00), from the buckets that moved: the activity index lists them, and
 * their totals are read in batches. Costs what the day moved, never the catalogue of payees.
 */
async function dayFlows(store: Store, from: Date, to: Date) {
  const spendingFen: Record<SpendingKind, number> = { fares: 0, bills: 0, purchases: 0, facilities: 0 };
  const refundsFen: Record<SpendingKind, number> = { fares: 0, bills: 0, purchases: 0, facilities: 0 };
  let providerFen = 0;
  const pointsFen = { funded: 0, spent: 0 };
  for await (const bucket of bucketTotals(store, activeBuckets(store, minuteOf(from), minuteOf(to) - 1))) {
    const field = fieldOf(bucket.accountId);
    if (field === 'topups') {
      // A top-up takes money out of clearing into a card.
      providerFen += bucket.outFen;
    } else if (field) {
      spendingFen[field] += bucket.inFen;
      refundsFen[field] += bucket.outFen;
      pointsFen.funded += bucket.pointsFundedFen;
      pointsFen.spent += bucket.pointsSpentFen;
    }
  }
  return { spendingFen, refundsFen, providerFen, pointsFen };
}

/**
 * The operator's report of one business day: money in, spending and refunds by kind, payouts and
 * fees, and the stored value outstanding checked against the rest of the ledger. The day's flows come
 * from the minute buckets that moved (cost by the day's buckets, never by movements or payees); the
 * stored value from the full audit of the ledger (an analytics engine over an export, never a scan).
 */
export async function dailyReport(store: Store, date: string, audit: AuditResult | undefined): Promise<DailyReport> {
  const { from, to } = businessDayBounds(date);
  const { spendingFen, refundsFen, providerFen: provider, pointsFen } = await dayFlows(store, from, to);
  const cash = await cityCashOn(store, date);

  let payoutsFen = 0;
  let feesFen = 0;
  const runs = await store.doc.send(
    new QueryCommand({
      TableName: store.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': settlementRunsIndex, ':from': from.toISOString(), ':to': to.toISOString() },
    }),
  );
  for (const run of runs.Items ?? []) {
    for (const line of await runLines(store, run.runId as string)) {
      payoutsFen += line.payoutFen;
      feesFen += line.feeFen;
    }
  }

  const storedValue = audit ? storedValueOf(audit) : null;
  return {
    businessDate: date,
    topupsFen: { provider, cash },
    spendingFen,
    refundsFen,
    allowanceFen: await allowancesPaidOn(store, date),
    pointsFen,
    payoutsFen,
    feesFen,
    storedValue,
    alarm: storedValue !== null && (storedValue.differenceFen !== 0 || !storedValue.ledgerBalanced),
  };
}

/**
 * The float the city holds for citizens, from the full audit's balances by kind (as of its export):
 * every card's balance together must equal what was received (top-ups and cash) less what was paid
 * out and what sits in the system accounts, to the fen.
 */
export function storedValueOf(audit: AuditResult): StoredValue {
  const kind = (k: string) => audit.byKind[k] ?? 0;
  const outstandingFen = kind('wallet');
  const receivedFen = -(kind('topup-clearing') + kind('outlet-till'));
  const paidOutFen = kind('payouts-clearing');
  const inSystemFen = Object.entries(audit.byKind)
    .filter(([k]) => !['wallet', 'topup-clearing', 'outlet-till', 'payouts-clearing'].includes(k))
    .reduce((s, [, v]) => s + v, 0);
  return {
    outstandingFen,
    receivedFen,
    paidOutFen,
    inSystemFen,
    differenceFen: receivedFen - paidOutFen - inSystemFen - outstandingFen,
    ledgerBalanced: audit.balanced,
    asOf: audit.asOf,
    auditId: audit.auditId,
  };
}
