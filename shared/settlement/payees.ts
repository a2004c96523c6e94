import { catalogGet } from '../catalog/catalog';
import { payeeOf } from '../ledger/accounts';
import { activeBuckets } from '../ledger/buckets';
import { attributes } from '../store/attributes';
import type { Store } from '../store/store';
import type { Payee } from './model';

/** Payees' fees read at once: one GetItem each, for the merchants that moved money only. */
const FEE_READ_CONCURRENCY = 16;

/**
 * The payees whose accounts moved money from `fromMinute` to `toMinute` (both included), each with the
 * shards that moved, found from the activity index: a run costs the payees that sold, never the
 * catalogue (a city's 100,000 merchants are mostly idle on a given day), and no payee that moved money
 * can be left out by a bound on a list. Merchants come with their fee from the catalogue.
 */
export async function payeesMoved(
  store: Store,
  fromMinute: number,
  toMinute: number,
): Promise<{ payees: Payee[]; bucketsListed: number }> {
  const shardsOf = new Map<string, Set<number>>();
  let bucketsListed = 0;
  for await (const bucket of activeBuckets(store, fromMinute, toMinute)) {
    bucketsListed++;
    if (!payeeOf(bucket.accountId)) continue; // top-up clearing is bucketed too, and is no payee
    const shards = shardsOf.get(bucket.accountId) ?? new Set<number>();
    shards.add(bucket.shard);
    shardsOf.set(bucket.accountId, shards);
  }
  const accounts = [...shardsOf.keys()];
  const payees: Payee[] = [];
  for (let i = 0; i < accounts.length; i += FEE_READ_CONCURRENCY) {
    const batch = accounts.slice(i, i + FEE_READ_CONCURRENCY);
    payees.push(
      ...(await Promise.all(
        batch.map((a) =>
          payeeOfAccount(
            store,
            a,
            [...shardsOf.get(a)!].sort((x, y) => x - y),
          ),
        ),
      )),
    );
  }
  return {
    payees: payees.sort((a, b) => a.payeeKind.localeCompare(b.payeeKind) || a.payeeId.localeCompare(b.payeeId)),
    bucketsListed,
  };
}

async function payeeOfAccount(store: Store, accountId: string, shards: number[]): Promise<Payee> {
  const { payeeKind, payeeId } = payeeOf(accountId)!;
  const merchant = payeeKind === 'merchant' ? await catalogGet(store, 'merchant', payeeId) : undefined;
  const feeBasisPoints = attributes(merchant ?? {}, 'merchant').intOr0('feeBasisPoints');
  return { payeeKind, payeeId, accountId, shards, feeBasisPoints };
}
