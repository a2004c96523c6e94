import { ScanCommand, type ScanCommandOutput } from '@aws-sdk/lib-dynamodb';
import { BUCKET_PREFIX } from '../store/keys';
import type { Store } from '../store/store';
import { accountLayout } from './accounts';

export interface AccountCheck {
  accountId: string;
  kind: string;
  balanceFen: number;
  /** The sum of every transfer's postings to this account. */
  replayedFen: number;
  /** Wallets only: the sum of the statement entries, and the last entry's running balance (the wallet's balance). */
  entriesFen?: number;
  lastBalanceAfterFen?: number;
  ok: boolean;
}

export interface Reconciliation {
  balanced: boolean;
  sumFen: number;
  accounts: number;
  transfers: number;
  mismatches: AccountCheck[];
  byKind: Record<string, number>;
  checkedAt: string;
}

/** Scan segments read in parallel; the scan is an operator's check, not a hot path. */
const SCAN_SEGMENTS = 4;
const SCAN_PAGE_ITEMS = 1000;

/**
 * The double-entry check over the whole ledger: the balances of every account (system and clearing
 * included) sum to 0, each account's balance equals the replay of the transfers' postings, and each
 * wallet's entries add up to its balance with a consistent running balance.
 */
export async function reconcile(store: Store, now: Date): Promise<Reconciliation> {
  const balances = new Map<string, number>();
  const replayed = new Map<string, number>();
  const entries = new Map<string, { sum: number; lastSk: string; lastAfter: number }>();
  let transfers = 0;

  await Promise.all(
    Array.from({ length: SCAN_SEGMENTS }, async (_, segment) => {
      let start: Record<string, unknown> | undefined;
      do {
        const page: ScanCommandOutput = await store.doc.send(
          new ScanCommand({
            TableName: store.tableName,
            Segment: segment,
            TotalSegments: SCAN_SEGMENTS,
            Limit: SCAN_PAGE_ITEMS,
            ConsistentRead: true,
            ExclusiveStartKey: start,
            FilterExpression: 'begins_with(pk, :acct) OR begins_with(pk, :xfer)',
            ExpressionAttributeValues: { ':acct': 'ACCT#', ':xfer': 'XFER#' },
          }),
        );
        for (const item of page.Items ?? []) {
          const pk = item.pk as string;
          const sk = item.sk as string;
          if (pk.startsWith('XFER#')) {
            // A declined or free tap's answer, kept at its transfer's key, moved nothing.
            if (!Array.isArray(item.postings)) continue;
            transfers++;
            for (const p of item.postings as { accountId: string; amountFen: number }[]) {
              replayed.set(p.accountId, (replayed.get(p.accountId) ?? 0) + p.amountFen);
            }
          } else if (sk === 'A' || sk.startsWith(BUCKET_PREFIX)) {
            // A shard item or a payee's minute bucket: each carries part of a balance. (A wallet's
            // own item carries none: its balance is on its newest entry.)
            const id = item.accountId as string;
            balances.set(id, (balances.get(id) ?? 0) + ((item.balanceFen as number | undefined) ?? 0));
          } else if (sk.startsWith('E#')) {
            const id = pk.slice('ACCT#'.length);
            const e = entries.get(id) ?? { sum: 0, lastSk: '', lastAfter: 0 };
            e.sum += item.amountFen as number;
            // Entries' sort keys run newest first (store/keys.ts).
            if (e.lastSk === '' || sk < e.lastSk) {
              e.lastSk = sk;
              e.lastAfter = item.balanceAfterFen as number;
            }
            entries.set(id, e);
          }
        }
        start = page.LastEvaluatedKey;
      } while (start);
    }),
  );

  const mismatches: AccountCheck[] = [];
  const byKind: Record<string, number> = {};
  let sumFen = 0;
  for (const accountId of new Set([...balances.keys(), ...replayed.keys()])) {
    const kind = accountLayout(accountId).kind;
    const balanceFen = kind === 'wallet' ? (entries.get(accountId)?.lastAfter ?? 0) : (balances.get(accountId) ?? 0);
    const replayedFen = replayed.get(accountId) ?? 0;
    sumFen += balanceFen;
    byKind[kind] = (byKind[kind] ?? 0) + balanceFen;
    const check: AccountCheck = { accountId, kind, balanceFen, replayedFen, ok: balanceFen === replayedFen };
    if (kind === 'wallet') {
      const e = entries.get(accountId);
      check.entriesFen = e?.sum ?? 0;
      check.lastBalanceAfterFen = e?.lastAfter ?? 0;
      check.ok &&= check.entriesFen === balanceFen && check.lastBalanceAfterFen === balanceFen;
    }
    if (!check.ok) mismatches.push(check);
  }
  return {
    balanced: sumFen === 0 && mismatches.length === 0,
    sumFen,
    accounts: balances.size,
    transfers,
    mismatches,
    byKind,
    checkedAt: now.toISOString(),
  };
}
