import { QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { attributes } from '../store/attributes';
import { decodeCursor, encodeCursor } from '../store/cursor';
import { ENTRY_PREFIX } from '../store/keys';
import type { Store } from '../store/store';
import { ENTRY_KINDS, type StatementEntry } from './model';

export const STATEMENT_MAX_PAGE = 100;
export const ENTRY_SK = /^E#\d{12}$/;
/** Items one query reads; a page that skips entries reads at most this many queries before it answers. */
const ENTRY_QUERY_ITEMS = 100;
const MAX_QUERIES_PER_PAGE = 4;

export type EntryItem = Record<string, unknown> & { sk: string };

/**
 * A wallet's entries, newest first, starting after `afterSk`: the one reader of a card's history (its
 * statement, its journeys). Bounded: it stops after MAX_QUERIES_PER_PAGE queries and says whether the
 * wallet has more (`'more'`) or none (`'end'`).
 */
export async function* entriesNewestFirst(
  store: Store,
  accountId: string,
  afterSk: string | undefined,
): AsyncGenerator<EntryItem, 'end' | 'more'> {
  const pk = `ACCT#${accountId}`;
  let start: Record<string, unknown> | undefined = afterSk ? { pk, sk: afterSk } : undefined;
  for (let query = 0; query < MAX_QUERIES_PER_PAGE; query++) {
    const page: QueryCommandOutput = await store.doc.send(
      new QueryCommand({
        TableName: store.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :e)',
        ExpressionAttributeValues: { ':pk': pk, ':e': ENTRY_PREFIX },
        // Entries' sort keys run newest first (store/keys.ts).
        ScanIndexForward: true,
        // What a page shows; the carried attributes are the next entry's business, not the statement's.
        // The chain's end each entry carries is a receipt's own link on a money entry, and the link of
        // the money entry after it (statement-receipts.ts).
        ProjectionExpression:
          'sk, entryId, #at, amountFen, balanceAfterFen, #kind, description, #ref, journey, visit, receiptFare, #carried.receiptHead',
        ExpressionAttributeNames: { '#at': 'at', '#kind': 'kind', '#ref': 'ref', '#carried': 'carried' },
        Limit: ENTRY_QUERY_ITEMS,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of page.Items ?? []) yield { ...item, sk: attributes(item, 'entry').str('sk') };
    if (!page.LastEvaluatedKey) return 'end';
    start = page.LastEvaluatedKey;
  }
  return 'more';
}

/**
 * Fills one page from the wallet's entries: `take` turns an entry into the page's item or skips it
 * (undefined). The cursor is the last entry read, so the next page goes on right after it.
 */
export async function pageOfEntries<T>(
  entries: AsyncGenerator<EntryItem, 'end' | 'more'>,
  limit: number,
  take: (item: EntryItem) => T | undefined,
): Promise<{ items: T[]; lastSk: string | undefined; end: boolean }> {
  const items: T[] = [];
  let lastSk: string | undefined;
  while (items.length < limit) {
    const next = await entries.next();
    if (next.done) return { items, lastSk, end: next.value === 'end' };
    lastSk = next.value.sk;
    const taken = take(next.value);
    if (taken !== undefined) items.push(taken);
  }
  await entries.return('more');
  return { items, lastSk, end: false };
}

/**
 * One page of a list read from a wallet's entries (its statement, its visits): `take` turns an entry
 * into an item or skips it; the cursor is the last entry read.
 */
export async function entryListPage<T>(
  store: Store,
  accountId: string,
  page: { list: string; limit: number; maxPage: number; cursor?: string },
  take: (item: EntryItem) => T | undefined,
): Promise<{ items: T[]; nextCursor: string | null }> {
  const afterSk = page.cursor ? decodeCursor(page.cursor, page.list, ENTRY_SK) : undefined;
  const read = await pageOfEntries(
    entriesNewestFirst(store, accountId, afterSk),
    Math.min(page.limit, page.maxPage),
    take,
  );
  return { items: read.items, nextCursor: read.end || !read.lastSk ? null : encodeCursor(page.list, read.lastSk) };
}

/** A money entry's statement line, read by its attributes. */
export function statementEntryOf(e: EntryItem): StatementEntry {
  const a = attributes(e, 'statement entry');
  return {
    entryId: a.str('entryId'),
    at: a.str('at'),
    amountFen: a.int('amountFen'),
    balanceAfterFen: a.int('balanceAfterFen'),
    kind: a.oneOf('kind', ENTRY_KINDS),
    description: a.str('description'),
    ref: a.str('ref'),
  };
}

/**
 * The wallet's money entries, newest first, with the balance after each. A tap that moved no money
 * (a free transfer) keeps its journey on a 0-fen entry: that is the journey list's, not the statement's.
 */
export function statementPage(
  store: Store,
  accountId: string,
  limit: number,
  cursor?: string,
  /** What its cursors name: a card's points history pages apart from its money's. */
  list = 'statement',
): Promise<{ items: StatementEntry[]; nextCursor: string | null }> {
  return entryListPage(store, accountId, { list, limit, maxPage: STATEMENT_MAX_PAGE, cursor }, (e) =>
    e.amountFen === 0 ? undefined : statementEntryOf(e),
  );
}
