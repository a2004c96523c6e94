import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { RetryLaterError } from '../errors';
import type { WalletItem } from '../ledger/model';
import { readWallet, walletItemSet, walletMarkPut } from '../ledger/wallet-head';
import { cancellationCodes, isCancelled } from '../store/conditions';
import type { ItemKey, TransactItem } from '../store/items';
import { eligibilityKey, eligibilityProgramKey, residentIdKey, residentRecordsIndex } from '../store/keys';
import { backoffMs } from '../store/retry';
import type { Store } from '../store/store';
import type { EligibilityRecord, Grant } from './model';

/**
 * A record as kept, with the number of times it was written: every write of a record, and every grant
 * set from it, is conditioned on that number, so a write planned on an older state of the record
 * cannot commit. Records written before the number existed read as version 0.
 */
export type StoredRecord = EligibilityRecord & { version?: number };

/** Uploads of one record, a card being opened and the card's own movements may race: a few tries settle them. */
const MAX_RECORD_ATTEMPTS = 8;

/** At most this many records of one holder are applied to a card when it opens (one page of the index). */
const MAX_RECORDS_PER_HOLDER = 100;

/** Only student and disabled records grant the card anything; the allowance's records are read by its run. */
const carriesGrant = (record: EligibilityRecord): record is EligibilityRecord & { program: Grant['program'] } =>
  record.program !== 'senior-allowance';

/** Where a card's grant came from: one agency's record. */
const sourceOf = (record: Pick<EligibilityRecord, 'agencyId' | 'recordId'>) => `${record.agencyId}/${record.recordId}`;

/**
 * Stores a record, its entry in its program's list (the allowance run reads the senior list) and its
 * grant, in one transaction: the old program's entry goes if the program changed, the grant leaves the
 * card of the holder the record named before and lands on the card of the holder it names now. So a
 * record's grant is on at most one card at every moment, and only on its holder's, whatever uploads
 * of the record run at once.
 */
export async function putRecord(store: Store, record: EligibilityRecord): Promise<void> {
  const key = eligibilityKey(record.agencyId, record.recordId);
  await commitPlanned(store, async () => {
    const before = await readRecord(store, key);
    const stored: StoredRecord = { ...record, version: (before?.version ?? 0) + 1 };
    const moved = before !== undefined && before.program !== record.program;
    return [
      {
        Put: {
          TableName: store.tableName,
          Item: {
            ...key,
            ...stored,
            // The holder's records, by the hash the card carries: how a card opened later finds them.
            gsi1pk: residentRecordsIndex(record.residentIdHash),
            gsi1sk: `${record.program}#${record.agencyId}#${record.recordId}`,
          },
          ...unchangedSince(before),
        },
      },
      {
        Put: {
          TableName: store.tableName,
          Item: { ...eligibilityProgramKey(record.program, record.agencyId, record.recordId), ...stored },
        },
      },
      ...(moved
        ? [
            {
              Delete: {
                TableName: store.tableName,
                Key: eligibilityProgramKey(before.program, before.agencyId, before.recordId),
              },
            },
          ]
        : []),
      ...(await grantWrites(store, before, stored, new Date(record.updatedAt))),
    ];
  });
}

/**
 * A card just opened takes the student and disabled records already uploaded for its holder, each
 * only if the record, read again consistently, still names that holder when the grant commits.
 */
export async function applyRecordsToNewCard(store: Store, ridHash: string, at: Date): Promise<void> {
  const page = await store.doc.send(
    new QueryCommand({
      TableName: store.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': residentRecordsIndex(ridHash) },
      Limit: MAX_RECORDS_PER_HOLDER,
    }),
  );
  for (const listed of page.Items ?? []) {
    const key = eligibilityKey(String(listed.agencyId), String(listed.recordId));
    await commitPlanned(store, async () => {
      const record = await readRecord(store, key);
      if (!record || record.residentIdHash !== ridHash || !carriesGrant(record)) return null;
      return [
        { ConditionCheck: { TableName: store.tableName, Key: key, ...unchangedSince(record) } },
        ...(await grantWrites(store, undefined, record, at)),
      ];
    });
  }
}

async function readRecord(store: Store, key: ItemKey): Promise<StoredRecord | undefined> {
  const { Item } = await store.doc.send(new GetCommand({ TableName: store.tableName, Key: key, ConsistentRead: true }));
  return Item as StoredRecord | undefined;
}

/** The condition that the record is still as it was read (absent, or at the same version). */
function unchangedSince(before: StoredRecord | undefined) {
  if (!before) return { ConditionExpression: 'attribute_not_exists(pk)' };
  if (before.version === undefined) {
    return {
      ConditionExpression: 'attribute_not_exists(#version)',
      ExpressionAttributeNames: { '#version': 'version' },
    };
  }
  return {
    ConditionExpression: '#version = :version',
    ExpressionAttributeNames: { '#version': 'version' },
    ExpressionAttributeValues: { ':version': before.version },
  };
}

/** One holder touched by a record's grant: the card read for them (if they have one) and its grants to be. */
interface HolderCard {
  ridHash: string;
  wallet: WalletItem | undefined;
  grants: Record<string, Grant>;
  changed: boolean;
}

/**
 * The writes that move a record's grant: taken back from the card of the holder it named before (if
 * that card's grant is still this record's: another agency's record may have set it since), set on
 * the card of the holder it names now. Each card touched goes with its mark, so the change is in order
 * with its money and commits only on the card as read; a holder without a card is checked to still
 * have none, so a card opened meanwhile makes the whole plan read again.
 */
async function grantWrites(
  store: Store,
  before: StoredRecord | undefined,
  after: StoredRecord,
  at: Date,
): Promise<TransactItem[]> {
  const holders = new Map<string, HolderCard>();
  const holder = async (ridHash: string) => {
    const known = holders.get(ridHash);
    if (known) return known;
    const read = await holderCard(store, ridHash);
    holders.set(ridHash, read);
    return read;
  };
  if (before && carriesGrant(before)) {
    const old = await holder(before.residentIdHash);
    const grant = old.grants[before.program];
    if (grant && (grant.source === undefined || grant.source === sourceOf(before))) {
      delete old.grants[before.program];
      old.changed = true;
    }
  }
  if (carriesGrant(after)) {
    const next = await holder(after.residentIdHash);
    next.grants[after.program] = {
      program: after.program,
      validFrom: after.validFrom,
      validTo: after.validTo,
      status: after.status,
      source: sourceOf(after),
    };
    next.changed = true;
  }
  return [...holders.values()].flatMap((h) => holderWrites(store.tableName, h, at));
}

async function holderCard(store: Store, ridHash: string): Promise<HolderCard> {
  const { Item } = await store.doc.send(
    new GetCommand({ TableName: store.tableName, Key: residentIdKey(ridHash), ConsistentRead: true }),
  );
  const wallet = typeof Item?.cardId === 'string' ? await readWallet(store, Item.cardId) : undefined;
  const grants = { ...((wallet?.grants as Record<string, Grant> | undefined) ?? {}) };
  return { ridHash, wallet, grants, changed: false };
}

function holderWrites(tableName: string, h: HolderCard, at: Date): TransactItem[] {
  if (!h.wallet) {
    const key = residentIdKey(h.ridHash);
    return [{ ConditionCheck: { TableName: tableName, Key: key, ConditionExpression: 'attribute_not_exists(pk)' } }];
  }
  if (!h.changed) return [];
  // Grants price the card's taps: set in order with its money (the card's mark goes with them).
  return [
    walletItemSet(tableName, h.wallet.accountId, { grants: h.grants }),
    walletMarkPut(tableName, h.wallet, at, 'grant'),
  ];
}

/**
 * Plans and commits until a plan holds: a failed condition or a conflict means something the plan
 * read changed (another upload of the record, a card opened, a card's money moved), so it is planned
 * again on a fresh read. A plan of null means there is nothing to do.
 */
async function commitPlanned(store: Store, plan: () => Promise<TransactItem[] | null>): Promise<void> {
  for (let attempt = 0; attempt < MAX_RECORD_ATTEMPTS; attempt++) {
    const items = await plan();
    if (!items) return;
    try {
      await store.doc.send(new TransactWriteCommand({ TransactItems: items }));
      return;
    } catch (err) {
      if (!isCancelled(err)) throw err;
      const codes = cancellationCodes(err);
      const replan = codes.every((c) => c === 'None' || c === 'ConditionalCheckFailed' || c === 'TransactionConflict');
      if (!replan) throw err;
      await new Promise((r) => setTimeout(r, backoffMs(attempt)));
    }
  }
  throw new RetryLaterError();
}
