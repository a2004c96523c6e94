import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { allowancesPaidOn } from '../benefits/allowance';
import { accountLayout, type PayeeKind, SYSTEM } from '../ledger/accounts';
import { minuteBuckets } from '../ledger/buckets';
import { reconcile } from '../ledger/reconcile';
import { cityCashOn } from '../outlets/till';
import { minuteOf, settlementRunsIndex } from '../store/keys';
import type { Store } from '../store/store';
import { BUSINESS_DAY_START_HOUR } from '../time/shanghai';
import type { Payee } from './model';
import { runLines } from './run';

/** How the report names what each kind of payee sold. */
const SPENDING: Record<PayeeKind, 'fares' | 'bills' | 'purchases' | 'facilities'> = {
  'transit-operator': 'fares',
  biller: 'bills',
  merchant: 'purchases',
  facility: 'facilities',
};
type SpendingKind = (typeof SPENDING)[PayeeKind];

export interface DailyReport {
  businessDate: string;
  topupsFen: { provider: number; cash: number };
  spendingFen: Record<SpendingKind, number>;
  refundsFen: Record<SpendingKind, number>;
  allowanceFen: number;
  /** Of the settlement runs whose cutoff falls in the day. */
  payoutsFen: number;
  feesFen: number;
  /**
   * The stored value outstanding (every card's balance) must equal the money received (top-ups and
   * cash) less what was paid out and what sits in the system accounts: a difference is an alarm.
   */
  storedValue: {
    outstandingFen: number;
    receivedFen: number;
    paidOutFen: number;
    inSystemFen: number;
    differenceFen: number;
    ledgerBalanced: boolean;
  };
  alarm: boolean;
}

const SHANGHAI_OFFSET_MS = 8 * 3600_000;

/** The log message an unbalanced stored value raises; a metric filter turns it into an alarm in the cloud. */
export const STORED_VALUE_ALARM = 'STORED_VALUE_MISMATCH';

/** The business day's bounds: 04:00 to 04:00 Asia/Shanghai. */
export function businessDayBounds(date: string): { from: Date; to: Date } {
  const from = new Date(Date.parse(`${date}T00:00:00Z`) + BUSINESS_DAY_START_HOUR * 3600_000 - SHANGHAI_OFFSET_MS);
  return { from, to: new Date(from.getTime() + 24 * 3600_000) };
}

/** What went in and out of one account over minutes [from, to), from its minute buckets. */
async function flows(store: Store, accountId: string, from: Date, to: Date) {
  let inFen = 0;
  let outFen = 0;
  const shards = accountLayout(accountId).shards;
  for (let shard = 0; shard < shards; shard++) {
    for await (const b of minuteBuckets(store, accountId, shard, minuteOf(from), minuteOf(to) - 1)) {
      inFen += b.inFen ?? 0;
      outFen += b.outFen ?? 0;
    }
  }
  return { inFen, outFen };
}

/**
 * The operator's report of one business day: money in, spending and refunds by kind, payouts and
 * fees, and the stored value outstanding checked against the rest of the ledger. The day's flows come
 * from the minute buckets (cost by payees, shards and minutes, never by movements); the stored value
 * from a reconciliation of the whole ledger.
 */
export async function dailyReport(store: Store, payees: Payee[], date: string, now: Date): Promise<DailyReport> {
  const { from, to } = businessDayBounds(date);
  const spendingFen: Record<SpendingKind, number> = { fares: 0, bills: 0, purchases: 0, facilities: 0 };
  const refundsFen: Record<SpendingKind, number> = { fares: 0, bills: 0, purchases: 0, facilities: 0 };
  for (const payee of payees) {
    const f = await flows(store, payee.accountId, from, to);
    spendingFen[SPENDING[payee.payeeKind]] += f.inFen;
    refundsFen[SPENDING[payee.payeeKind]] += f.outFen;
  }
  // A top-up takes money out of clearing into a card.
  const provider = (await flows(store, SYSTEM.topupClearing, from, to)).outFen;
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

  const ledger = await reconcile(store, now);
  const kind = (k: string) => ledger.byKind[k] ?? 0;
  const outstandingFen = kind('wallet');
  const receivedFen = -(kind('topup-clearing') + kind('outlet-till'));
  const paidOutFen = kind('payouts-clearing');
  const inSystemFen = Object.entries(ledger.byKind)
    .filter(([k]) => !['wallet', 'topup-clearing', 'outlet-till', 'payouts-clearing'].includes(k))
    .reduce((s, [, v]) => s + v, 0);
  const differenceFen = receivedFen - paidOutFen - inSystemFen - outstandingFen;
  return {
    businessDate: date,
    topupsFen: { provider, cash },
    spendingFen,
    refundsFen,
    allowanceFen: await allowancesPaidOn(store, date),
    payoutsFen,
    feesFen,
    storedValue: {
      outstandingFen,
      receivedFen,
      paidOutFen,
      inSystemFen,
      differenceFen,
      ledgerBalanced: ledger.balanced,
    },
    alarm: differenceFen !== 0 || !ledger.balanced,
  };
}
