import { QueryCommand, type QueryCommandInput, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { invariant, RetryLaterError } from '../errors';
import { attributes } from '../store/attributes';
import { cancellationCodes, isCancelled } from '../store/conditions';
import type { Item, TransactItem } from '../store/items';
import { accountKey, ENTRY_PREFIX, ENTRY_SK_END, entryKey, entrySeqOf } from '../store/keys';
import { backoffMs } from '../store/retry';
import { setExpression } from '../store/set-expression';
import type { Store } from '../store/store';
import { parseHolds } from './holds';
import { WALLET_STATUSES, type WalletItem } from './model';

/**
 * A wallet's money lives on its newest statement entry, the head: each entry is put at the wallet's
 * next sequence number only if that number is free, and carries the balance after it and whatever the
 * ledger's commands keep with the balance (`carried`: open holds, the transit state, pending
 * top-ups). Two movements planned on the same head cannot both commit, as two updates of one balance
 * item under its version could not; the statement entry that every movement writes anyway is that
 * write, so a movement writes one item per wallet, not two.
 *
 * The wallet's own item (`A`: the card's number, holder, status, devices) sorts just before its
 * entries, newest first, so one consistent query of two items reads the wallet whole.
 */
export function walletHeadQuery(tableName: string, accountId: string): QueryCommandInput {
  return {
    TableName: tableName,
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :a AND :end',
    ExpressionAttributeValues: {
      ':pk': accountKey(accountId).pk,
      ':a': accountKey(accountId).sk,
      ':end': ENTRY_SK_END,
    },
    Limit: 2,
    ConsistentRead: true,
  };
}

/** The wallet as its commands see it: its own item, and the head's balance, sequence and carried attributes. */
export function walletFromItems(items: Item[]): WalletItem | undefined {
  const [own, head] = items;
  if (own?.sk !== accountKey('').sk) return undefined;
  if (!head) return walletItemOf({ ...own, balanceFen: 0, version: 0, carried: {} });
  const h = attributes(head, 'wallet head');
  invariant(h.str('sk').startsWith(ENTRY_PREFIX), 'a wallet item is followed by its entries');
  const carried = h.has('carried') ? h.nested('carried').item : {};
  return walletItemOf({
    ...own,
    ...carried,
    carried,
    balanceFen: h.int('balanceAfterFen'),
    version: entrySeqOf(h.str('sk')),
  });
}

/** A wallet as its commands see it, parsed from what was read (its own item and its head's balance). */
export function walletItemOf(item: Item): WalletItem {
  const a = attributes(item, 'wallet');
  const maxBalanceFen = a.optInt('maxBalanceFen');
  return {
    ...item,
    accountId: a.str('accountId'),
    balanceFen: a.int('balanceFen'),
    version: a.int('version'),
    carried: a.has('carried') ? a.nested('carried').item : {},
    status: a.oneOf('status', WALLET_STATUSES),
    ...(maxBalanceFen === undefined ? {} : { maxBalanceFen }),
    ...(a.has('holds') ? { holds: parseHolds(item.holds, 'wallet.holds') } : {}),
  };
}

/** The wallet's own item and its head entry, as stored (none: no such wallet). */
export async function readWalletItems(store: Store, accountId: string): Promise<Item[]> {
  const { Items } = await store.doc.send(new QueryCommand(walletHeadQuery(store.tableName, accountId)));
  return Items ?? [];
}

export async function readWallet(store: Store, accountId: string): Promise<WalletItem | undefined> {
  return walletFromItems(await readWalletItems(store, accountId));
}

/**
 * The put of a wallet's next entry, free or refused: `fields` are what the entry says (money, the
 * balance after, a statement's text, a journey); `carried` what the wallet keeps from here on.
 */
export type HeadPut = TransactItem & { Put: NonNullable<TransactItem['Put']> & { Item: Item } };

export function headPut(tableName: string, wallet: WalletItem, fields: Item, carried: Item): HeadPut {
  for (const attr of Object.keys(fields)) invariant(attr !== 'carried', 'carried is the ledger’s own');
  // An empty book (no holds, no pending top-ups left) reads as none: the entry does not pay for it.
  const kept = Object.fromEntries(Object.entries(carried).filter(([, value]) => !isEmptyMap(value)));
  return {
    Put: {
      TableName: tableName,
      Item: {
        ...fields,
        ...entryKey(wallet.accountId, wallet.version + 1),
        ...(Object.keys(kept).length > 0 ? { carried: kept } : {}),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

const isEmptyMap = (value: unknown) =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;

/**
 * An entry without money that orders a change of the wallet's own item (a freeze, a revoked device, a
 * new fare class) with its money: a movement planned before the change cannot commit after it. The
 * statement leaves it out, as it leaves out every 0-fen entry.
 */
export function walletMarkPut(tableName: string, wallet: WalletItem, at: Date, what: string): HeadPut {
  return headPut(
    tableName,
    wallet,
    { at: at.toISOString(), amountFen: 0, balanceAfterFen: wallet.balanceFen, mark: what },
    wallet.carried ?? {},
  );
}

/**
 * Attributes set on a wallet's own item (`A`: what the card is, not what it holds). Goes in a
 * transaction with the wallet's next entry (a movement's, or a mark), so it is in order with the money.
 */
export function walletItemSet(tableName: string, accountId: string, sets: Item): TransactItem {
  invariant(Object.keys(sets).length > 0, 'a wallet item change sets something');
  for (const attr of Object.keys(sets)) {
    invariant(!['pk', 'sk', 'accountId', 'kind'].includes(attr), `${attr} on a wallet's item is the ledger's own`);
  }
  return { Update: { TableName: tableName, Key: accountKey(accountId), ...setExpression(sets) } };
}

/** A citizen's card rarely sees two writers at once: a few tries are plenty for a change of its own item. */
const MAX_ITEM_CHANGE_ATTEMPTS = 5;

/**
 * Changes a wallet's own item in order with its money: reads the wallet, asks `change` for the writes
 * (null: nothing left to do, answered as read) and commits them with the wallet's mark; a movement
 * that took the mark's place first means reading again. Any other refusal is the caller's. Answers
 * the wallet as it is after.
 */
export async function changeWalletItem(
  store: Store,
  accountId: string,
  at: Date,
  what: string,
  change: (wallet: WalletItem) => TransactItem[] | null,
  send: (items: TransactItem[]) => Promise<unknown> = (items) =>
    store.doc.send(new TransactWriteCommand({ TransactItems: items })),
): Promise<WalletItem | undefined> {
  for (let attempt = 0; attempt < MAX_ITEM_CHANGE_ATTEMPTS; attempt++) {
    const wallet = await readWallet(store, accountId);
    if (!wallet) return undefined;
    const writes = change(wallet);
    if (!writes) return wallet;
    try {
      await send([...writes, walletMarkPut(store.tableName, wallet, at, what)]);
      return readWallet(store, accountId);
    } catch (err) {
      if (!isCancelled(err)) throw err;
      // The mark goes last: its refusal is a movement (or another change) that came first.
      const markCode = cancellationCodes(err).at(-1);
      if (markCode !== 'ConditionalCheckFailed' && markCode !== 'TransactionConflict') throw err;
      await new Promise((r) => setTimeout(r, backoffMs(attempt)));
    }
  }
  throw new RetryLaterError();
}
