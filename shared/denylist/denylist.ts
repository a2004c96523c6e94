import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { RetryLaterError } from '../errors';
import { attributes } from '../store/attributes';
import { cancellationCodes, isCancelled } from '../store/conditions';
import type { Item, TransactItem } from '../store/items';
import { DENY_HEAD, deniedCardKey, denyChangeKey, denyStateKey } from '../store/keys';
import { backoffMs } from '../store/retry';
import type { Store } from '../store/store';

export const DENY_KINDS = ['card', 'device'] as const;
export type DenyKind = (typeof DENY_KINDS)[number];
export interface DenyEntry {
  kind: DenyKind;
  id: string;
}
export interface DenyListDelta {
  version: number;
  added: DenyEntry[];
  removed: DenyEntry[];
  /** More changes follow: ask again with since = version. */
  more: boolean;
}

/** Changes folded into one answer at most; a terminal that is further behind asks again from `version`. */
export const DENY_PAGE_CHANGES = 1000;
const MAX_ATTEMPTS = 20;

/**
 * Appends one change to the versioned deny list, in the same transaction as `alongWith` (the card's
 * freeze, the device's revocation), so the list and the state it mirrors never disagree.
 * Versions are dense: each change takes head + 1 under a condition on the head.
 */
export async function changeDenyList(
  store: Store,
  entry: DenyEntry,
  action: 'add' | 'remove',
  now: Date,
  alongWith: TransactItem[] = [],
  /** A card denied for good (closed) stays on the day's pseudonymous lists only until then. */
  pseudonymsUntil?: Date,
): Promise<number> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const { Item } = await store.doc.send(
      new GetCommand({ TableName: store.tableName, Key: DENY_HEAD, ConsistentRead: true }),
    );
    const head = versionOf(Item);
    const version = head + 1;
    const state = denyStateKey(entry.kind, entry.id);
    try {
      await store.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: store.tableName,
                Item: { ...DENY_HEAD, version },
                ConditionExpression: head === 0 ? 'attribute_not_exists(pk)' : '#v = :head',
                ...(head === 0
                  ? {}
                  : { ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':head': head } }),
              },
            },
            {
              Put: {
                TableName: store.tableName,
                Item: { ...denyChangeKey(version), version, ...entry, action, at: now.toISOString() },
              },
            },
            action === 'add'
              ? { Put: { TableName: store.tableName, Item: { ...state, ...entry, since: now.toISOString(), version } } }
              : { Delete: { TableName: store.tableName, Key: state } },
            ...(entry.kind === 'card'
              ? [deniedCardWrite(store.tableName, entry.id, action, now, pseudonymsUntil)]
              : []),
            ...alongWith,
          ],
        }),
      );
      return version;
    } catch (err) {
      if (!isCancelled(err)) throw err;
      const codes = cancellationCodes(err);
      // Another change took this version: take the next. A failed condition of the caller's own is theirs to handle.
      if (codes[0] !== 'ConditionalCheckFailed' && codes[0] !== 'TransactionConflict') throw err;
      await new Promise((r) => setTimeout(r, backoffMs(attempt)));
    }
  }
  throw new RetryLaterError();
}

/**
 * What changed after `since`: the last change of each entry wins, so an entry added and removed
 * again within the window is in neither list. `since = 0` gives the whole current list.
 */
export async function denyListSince(
  store: Store,
  since: number,
  pageChanges = DENY_PAGE_CHANGES,
): Promise<DenyListDelta> {
  const page = await store.doc.send(
    new QueryCommand({
      TableName: store.tableName,
      KeyConditionExpression: 'pk = :pk AND sk > :since',
      ExpressionAttributeValues: { ':pk': DENY_HEAD.pk, ':since': denyChangeKey(since).sk },
      Limit: pageChanges,
      ConsistentRead: true,
    }),
  );
  const last = new Map<string, { entry: DenyEntry; action: string }>();
  let version = since;
  for (const change of page.Items ?? []) {
    if (change.sk === DENY_HEAD.sk) continue;
    const a = attributes(change, 'deny list change');
    version = a.int('version');
    const entry = { kind: a.oneOf('kind', DENY_KINDS), id: a.str('id') };
    last.set(`${entry.kind}:${entry.id}`, { entry, action: a.str('action') });
  }
  const added: DenyEntry[] = [];
  const removed: DenyEntry[] = [];
  for (const { entry, action } of last.values()) {
    if (action === 'add') added.push(entry);
    else if (since > 0) removed.push(entry);
  }
  return { version, added, removed, more: page.LastEvaluatedKey !== undefined };
}

/** A card added to or taken off the list of denied cards, with the change. */
function deniedCardWrite(
  tableName: string,
  cardId: string,
  action: 'add' | 'remove',
  now: Date,
  until: Date | undefined,
): TransactItem {
  if (action === 'remove') return { Delete: { TableName: tableName, Key: deniedCardKey(cardId) } };
  const lasting = until ? { until: until.toISOString(), ttl: Math.floor(until.getTime() / 1000) } : {};
  return { Put: { TableName: tableName, Item: { ...deniedCardKey(cardId), since: now.toISOString(), ...lasting } } };
}

/**
 * A closed card's version 2 credentials die with the fare day they are for, and no new one is issued:
 * it is on the pseudonymous lists for the day of its closure and the next, then its item expires
 * (TTL), so the lists hold the cards frozen now, not every card ever closed.
 */
export const CLOSED_CARD_PSEUDONYMOUS_MS = 2 * 24 * 3600_000;

/** A closed card onto the deny list: for good by its id, for two fare days by its pseudonyms. */
export function denyClosedCard(store: Store, cardId: string, now: Date): Promise<number> {
  return changeDenyList(
    store,
    { kind: 'card', id: cardId },
    'add',
    now,
    [],
    new Date(now.getTime() + CLOSED_CARD_PSEUDONYMOUS_MS),
  );
}

/** Denied cards a page reads: a terminal's day list of 10,000 frozen cards is ten pages. */
export const DENIED_CARDS_PAGE = 1000;

/**
 * The cards on the deny list now, a page at a time in card order (`after`: the last card of the page
 * before): bounded by the cards frozen now, never by the list's history.
 */
export async function deniedCardsPage(
  store: Store,
  after: string | undefined,
  now: Date,
): Promise<{ cardIds: string[]; last: string | undefined }> {
  const page = await store.doc.send(
    new QueryCommand({
      TableName: store.tableName,
      KeyConditionExpression: 'pk = :pk',
      // A closed card's two days are over; DynamoDB's TTL deletes the item within a day or two after.
      FilterExpression: 'attribute_not_exists(#until) OR #until > :now',
      ExpressionAttributeNames: { '#until': 'until' },
      ExpressionAttributeValues: { ':pk': deniedCardKey('').pk, ':now': now.toISOString() },
      Limit: DENIED_CARDS_PAGE,
      ...(after ? { ExclusiveStartKey: deniedCardKey(after) } : {}),
    }),
  );
  const cardIds = (page.Items ?? []).map((i) => attributes(i, 'denied card').str('sk'));
  // Filtered items still end a page: the cursor is the last key read, listed or not.
  const lastRead = page.LastEvaluatedKey ? attributes(page.LastEvaluatedKey, 'denied card key').str('sk') : undefined;
  return { cardIds, last: lastRead };
}

/** The deny list's current version (0 before any change). */
export async function denyListVersion(store: Store): Promise<number> {
  const { Item } = await store.doc.send(
    new GetCommand({ TableName: store.tableName, Key: DENY_HEAD, ConsistentRead: true }),
  );
  return versionOf(Item);
}

/** The list's version its head keeps (0 before any change). */
const versionOf = (head: Item | undefined) => (head ? attributes(head, 'deny list head').intOr0('version') : 0);
