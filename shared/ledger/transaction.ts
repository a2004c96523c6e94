import { createHash } from 'node:crypto';
import { InvariantError, invariant, RefusedError } from '../errors';
import type { Item, ItemKey, TransactItem } from '../store/items';
import { keptText } from '../store/kept-text';
import {
  accountKey,
  activityIndexPk,
  bucketSk,
  hourOfMinute,
  minuteBucketKey,
  minuteOf,
  payeeMovementsIndex,
  transferKey,
} from '../store/keys';
import { accountLayout, isVersioned, payeeOf } from './accounts';
import type { CommandPlan, EntryHeader } from './command';
import type { Holds } from './holds';
import type { Posting, TransferSpec, WalletItem } from './model';
import { BUCKET_ATTRIBUTES, noCounts, PAYEE_COUNTS, type PayeeCounts, RECORD_ATTRIBUTES } from './payee-counts';
import { assertBalanced, creditCeilingFen, netPostings, type WalletRefusal, walletOutcome } from './postings';
import { chainedReceipt, RECEIPT_FARE, RECEIPT_HEAD } from './receipt-chain';
import { type HeadPut, headPut, walletItemOf, walletItemSet } from './wallet-head';

export type Meaning = ({ kind: 'replay' } | { kind: 'replan' } | { kind: 'shard-floor'; shard: string }) & {
  name?: string;
};

/** The transaction being built: each item with what its failed condition would mean. */
interface Built {
  items: TransactItem[];
  meanings: Meaning[];
  /** Each wallet's new head entry, as put: what the wallet is once the transaction commits. */
  heads: Map<string, Item>;
}
const add = (built: Built, item: TransactItem, meaning: Meaning) => {
  built.items.push(item);
  built.meanings.push(meaning);
};

/** What a transfer's posting does to a wallet: its entry's money, balance after and text. */
type WalletMovements = Map<string, { amountFen: number; balanceAfterFen: number; header: EntryHeader }>;

/**
 * Turns a plan into transaction items, asserting the ledger's invariants on the way: the transfer
 * record and its postings, then one new head entry for each wallet the plan touches (its money, its
 * record, its carried attributes: see wallet-head.ts), and the command's own writes.
 */
export function buildTransaction(
  tableName: string,
  plan: CommandPlan<unknown>,
  items: Record<string, Item | undefined>,
  reads: Record<string, ItemKey>,
  recordedAt: Date,
): Built {
  const built: Built = { items: [], meanings: [], heads: new Map() };
  const wallets = walletsRead(items, reads);
  for (const accountId of plan.opens ?? []) {
    invariant(!wallets.has(accountId), `${accountId} is open already`);
    const own = { ...accountKey(accountId), accountId, kind: accountLayout(accountId).kind, status: 'active' };
    add(
      built,
      { Put: { TableName: tableName, Item: own, ConditionExpression: 'attribute_not_exists(pk)' } },
      {
        kind: 'replan',
      },
    );
    wallets.set(accountId, walletItemOf({ ...own, balanceFen: 0, version: 0 }));
  }
  const movements: WalletMovements = new Map();
  if (plan.transfer) addTransfer(built, tableName, plan, plan.transfer, wallets, movements, recordedAt);

  const touched = new Set([
    ...movements.keys(),
    ...Object.keys(plan.walletAttributes ?? {}),
    ...Object.keys(plan.walletEntries ?? {}),
    ...Object.keys(plan.walletItemSets ?? {}),
  ]);
  for (const accountId of touched) {
    const wallet = wallets.get(accountId);
    if (!wallet) throw new InvariantError(`wallet ${accountId} was not read before changing it`);
    const head = walletHeadPut(tableName, wallet, movements.get(accountId), plan, recordedAt);
    add(built, head, { kind: 'replan' });
    built.heads.set(accountId, head.Put.Item);
    const sets = plan.walletItemSets?.[accountId];
    if (sets) add(built, walletItemSet(tableName, accountId, sets), { kind: 'replan' });
  }

  for (const write of plan.writes ?? []) {
    add(built, write.item, { kind: write.onConditionFailed, ...(write.name ? { name: write.name } : {}) });
  }
  invariant(built.items.length <= 100, 'a transaction holds at most 100 items');
  return built;
}

/** The wallets among the items read, by account. */
function walletsRead(items: Record<string, Item | undefined>, reads: Record<string, ItemKey>): Map<string, WalletItem> {
  const wallets = new Map<string, WalletItem>();
  for (const [name, key] of Object.entries(reads)) {
    const item = items[name];
    if (key.sk === 'A' && typeof item?.accountId === 'string' && isVersioned(item.accountId)) {
      wallets.set(item.accountId, walletItemOf(item));
    }
  }
  return wallets;
}

/** The transfer record, then one write per netted posting: a payee's bucket, a shard; a wallet's is its head entry. */
function addTransfer(
  built: Built,
  tableName: string,
  plan: CommandPlan<unknown>,
  spec: TransferSpec,
  wallets: Map<string, WalletItem>,
  movements: WalletMovements,
  recordedAt: Date,
) {
  assertBalanced(spec);
  const postings = netPostings(spec.postings);
  const bucketed = bucketedMovement(spec, postings, recordedAt);
  const anchor: Meaning = plan.transferReplacing ? { kind: 'replan' } : { kind: 'replay' };
  add(built, transferPut(tableName, plan, spec, postings, bucketed, recordedAt), anchor);
  for (const posting of postings) {
    if (bucketed && posting.accountId === bucketed.accountId) {
      add(built, { Update: bucketUpdate(tableName, spec, posting, bucketed) }, { kind: 'replan' });
    } else if (isVersioned(posting.accountId)) {
      const wallet = wallets.get(posting.accountId);
      if (!wallet) throw new InvariantError(`wallet ${posting.accountId} was not read before posting to it`);
      const holdsAfter = (plan.walletAttributes?.[posting.accountId]?.holds ?? wallet.holds) as Holds | undefined;
      const ceilingFen = plan.giveBack ? null : creditCeilingFen(wallet, holdsAfter, new Date(spec.at));
      const floorFen = plan.floors?.[posting.accountId] ?? 0;
      const outcome = walletOutcome(wallet, posting.amountFen, floorFen, ceilingFen, plan.settlesClosed);
      if (!outcome.ok) throw new RefusedError(outcome.refusal, refusalMessage(outcome.refusal));
      movements.set(posting.accountId, {
        amountFen: posting.amountFen,
        balanceAfterFen: outcome.balanceAfterFen,
        header: {
          entryId: spec.transferId,
          at: spec.at,
          kind: spec.kind,
          description: spec.description,
          ref: spec.ref,
        },
      });
    } else {
      const { item, shard } = shardUpdate(tableName, posting);
      add(built, item, { kind: 'shard-floor', shard: `${posting.accountId}#${shard}` });
    }
  }
}

/** The transfer record: the permanent idempotency anchor, with the answer and any record riding on it. */
function transferPut(
  tableName: string,
  plan: CommandPlan<unknown>,
  spec: TransferSpec,
  postings: Posting[],
  bucketed: BucketedMovement | undefined,
  recordedAt: Date,
): TransactItem {
  // Lean, since a transaction pays 2 units per started KB of each item: the id is the key's, a
  // movement into a payee keeps its recording time in the index's sort key, and a movement of a card's
  // money keeps its description on the card's statement entry.
  const { transferId: _inKey, description, ...described } = spec;
  const toWallet = postings.some((p) => isVersioned(p.accountId));
  const ledgerItem: Item = {
    ...transferKey(spec.transferId),
    ...described,
    ...(toWallet ? {} : { description }),
    postings,
    // A request whose record rides on the transfer (a tap) brings its own request hash; the content
    // hash is what a transfer posted by id alone is compared by.
    ...(plan.transferAttributes?.requestHash ? {} : { contentHash: transferContentHash(spec) }),
    refundedFen: 0,
    ...(bucketed?.record ?? { recordedAt: recordedAt.toISOString() }),
    // The JSON text, kept byte for byte (compressed when long): a replay answers the very same body.
    result: keptText(JSON.stringify(plan.result)),
  };
  for (const [attr, value] of Object.entries(plan.transferAttributes ?? {})) {
    invariant(!(attr in ledgerItem) || ledgerItem[attr] === value, `${attr} on a transfer record is the ledger's own`);
  }
  const replacing = plan.transferReplacing;
  return {
    Put: {
      TableName: tableName,
      Item: { ...plan.transferAttributes, ...ledgerItem },
      ...(replacing
        ? {
            // Never over a transfer: the record it replaces has no postings yet.
            ConditionExpression: `attribute_not_exists(postings) AND (${replacing.condition})`,
            ExpressionAttributeNames: replacing.names,
            ExpressionAttributeValues: replacing.values,
          }
        : { ConditionExpression: 'attribute_not_exists(pk)' }),
    },
  };
}

/** A blind ADD to one random shard of a sharded account; a floored one refuses to go below its floor. */
function shardUpdate(tableName: string, posting: Posting): { item: TransactItem; shard: number } {
  const layout = accountLayout(posting.accountId);
  const shard = Math.floor(Math.random() * layout.shards);
  const guarded = layout.shardFloorFen !== null && posting.amountFen < 0;
  return {
    shard,
    item: {
      Update: {
        TableName: tableName,
        Key: accountKey(posting.accountId, shard),
        UpdateExpression: 'ADD #balance :amount SET #accountId = :id, #kind = :kind, #shard = :shard',
        ...(guarded ? { ConditionExpression: '#balance >= :need' } : {}),
        ExpressionAttributeNames: {
          '#balance': 'balanceFen',
          '#accountId': 'accountId',
          '#kind': 'kind',
          '#shard': 'shard',
        },
        ExpressionAttributeValues: {
          ':amount': posting.amountFen,
          ':id': posting.accountId,
          ':kind': layout.kind,
          ':shard': shard,
          ...(guarded ? { ':need': (layout.shardFloorFen ?? 0) - posting.amountFen } : {}),
        },
      },
    },
  };
}

/**
 * A wallet's next entry: the movement's money and the balance right after it (0 fen when the plan
 * only keeps a record or attributes there), any record the plan keeps on it (a tap's journey), and
 * the attributes carried from the wallet's head with the plan's changes.
 */
function walletHeadPut(
  tableName: string,
  wallet: WalletItem,
  movement: { amountFen: number; balanceAfterFen: number; header: EntryHeader } | undefined,
  plan: CommandPlan<unknown>,
  recordedAt: Date,
): HeadPut {
  const entry = plan.walletEntries?.[wallet.accountId];
  const fields: Item = {
    ...(movement?.header ?? entry?.header ?? { at: recordedAt.toISOString() }),
    amountFen: movement?.amountFen ?? 0,
    balanceAfterFen: movement?.balanceAfterFen ?? wallet.balanceFen,
  };
  const attributes = entry?.attributes ?? {};
  for (const attr of Object.keys(attributes)) {
    invariant(!(attr in fields) && attr !== RECEIPT_FARE, `${attr} on an entry is the ledger's own`);
  }
  const changes = plan.walletAttributes?.[wallet.accountId] ?? {};
  for (const attr of Object.keys(changes)) {
    invariant(
      !['balanceFen', 'version', 'carried', 'pk', 'sk', 'accountId', RECEIPT_HEAD].includes(attr),
      `${attr} is the ledger's own`,
    );
  }
  // Every movement of money is a link of the wallet's receipt chain, hashed in its own transaction.
  const chained =
    movement && movement.amountFen !== 0
      ? chainedReceipt(wallet.accountId, fields, entry?.receiptFacts, wallet.carried)
      : undefined;
  return headPut(
    tableName,
    wallet,
    { ...attributes, ...fields, ...chained?.entry },
    { ...wallet.carried, ...changes, ...(chained ? { [RECEIPT_HEAD]: chained.head } : {}) },
  );
}

const REFUSAL_MESSAGES: Record<WalletRefusal, string> = {
  CARD_FROZEN: 'The card is frozen',
  CARD_CLOSED: 'The card is closed',
  INSUFFICIENT_FUNDS: 'The balance does not cover this amount',
  BALANCE_LIMIT: 'This credit would take the card over its limit (open holds count as balance)',
};
const refusalMessage = (code: WalletRefusal) => REFUSAL_MESSAGES[code];

interface BucketedMovement {
  accountId: string;
  shard: number;
  minute: number;
  /** What the movement counts into the bucket (none for settlement's own payouts and fees). */
  counts: PayeeCounts;
  /** What the transfer record keeps for settlement's boundary reads (the index of the shard's minute). */
  record: Record<string, unknown>;
}

/**
 * Accounts whose money lives in minute buckets: the payees (what settlement reads) and top-up clearing
 * (what the operator report reads of a day's money in). None has a floor, so none needs its balance
 * read: an ADD into the minute's item is enough.
 */
const isBucketed = (accountId: string) =>
  payeeOf(accountId) !== null || accountLayout(accountId).kind === 'topup-clearing';

/**
 * A transfer's posting to a bucketed account (at most one: a purchase pays one merchant, a top-up
 * comes from clearing), and how it counts: into a payee is a sale, out of it a refund, once the
 * points it funded are added back; settlement's own payouts and fees count as nothing.
 */
function bucketedMovement(spec: TransferSpec, postings: Posting[], recordedAt: Date): BucketedMovement | undefined {
  const bucketed = postings.filter((p) => isBucketed(p.accountId));
  invariant(bucketed.length <= 1, `transfer ${spec.transferId} posts to ${bucketed.length} bucketed accounts`);
  const posting = bucketed[0];
  if (!posting) return undefined;
  const shard = Math.floor(Math.random() * accountLayout(posting.accountId).shards);
  const minute = minuteOf(recordedAt);
  const counts = spec.kind === 'settlement' ? noCounts() : movementCounts(spec, posting);
  const settled = spec.kind !== 'settlement' && payeeOf(posting.accountId) !== null;
  const record: Record<string, unknown> = {};
  if (settled) {
    record.gsi1pk = payeeMovementsIndex(posting.accountId, shard, minute);
    // Read only against a cutoff time; an index's sort keys need not be unique.
    record.gsi1sk = recordedAt.toISOString();
    // Only what is not zero: settlement reads a missing one as 0.
    for (const name of PAYEE_COUNTS) if (counts[name] !== 0) record[RECORD_ATTRIBUTES[name]] = counts[name];
  }
  return { accountId: posting.accountId, shard, minute, counts, record };
}

function movementCounts(spec: TransferSpec, posting: Posting): PayeeCounts {
  const fundedFen = spec.points?.fundedFen ?? 0;
  const grossFen = posting.amountFen + fundedFen;
  return {
    salesFen: Math.max(0, grossFen),
    refundsFen: Math.max(0, -grossFen),
    pointsFundedFen: fundedFen,
    pointsSpentFen: spec.points?.spentFen ?? 0,
  };
}

/** The account's minute bucket: its balance and what its movements count; refused once a run sealed the minute. */
function bucketUpdate(tableName: string, spec: TransferSpec, posting: Posting, moved: BucketedMovement) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const adds: string[] = [];
  PAYEE_COUNTS.forEach((name, i) => {
    // Sales and refunds always (a bucket has both); points only where a movement had some.
    if (i >= 2 && moved.counts[name] === 0) return;
    names[`#c${i}`] = BUCKET_ATTRIBUTES[name];
    values[`:c${i}`] = moved.counts[name];
    adds.push(`#c${i} :c${i}`);
  });
  return {
    TableName: tableName,
    Key: minuteBucketKey(moved.accountId, moved.shard, moved.minute),
    UpdateExpression: `ADD #balance :amount, ${adds.join(', ')}, #count :one SET #accountId = :id, #kind = :kind, #shard = :shard, #minute = :minute, #activityPk = :activityPk, #activitySk = :activitySk`,
    ConditionExpression: 'attribute_not_exists(#sealed)',
    ExpressionAttributeNames: {
      ...names,
      '#balance': 'balanceFen',
      '#count': 'movements',
      '#accountId': 'accountId',
      '#kind': 'kind',
      '#shard': 'shard',
      '#minute': 'minute',
      '#sealed': 'sealedBy',
      '#activityPk': 'gsi3pk',
      '#activitySk': 'gsi3sk',
    },
    ExpressionAttributeValues: {
      ...values,
      ':amount': posting.amountFen,
      ':one': spec.kind === 'settlement' ? 0 : 1,
      ':id': moved.accountId,
      ':kind': accountLayout(moved.accountId).kind,
      ':shard': moved.shard,
      ':minute': moved.minute,
      // The same keys at every movement of the minute: the first lists the bucket, the rest change nothing there.
      ':activityPk': activityIndexPk(hourOfMinute(moved.minute)),
      ':activitySk': bucketSk(moved.minute),
    },
  };
}

/** What makes two requests for one transfer id the same transfer. */
export function transferContentHash(spec: TransferSpec): string {
  const postings = netPostings(spec.postings).sort((a, b) => a.accountId.localeCompare(b.accountId));
  return createHash('sha256')
    .update(JSON.stringify([spec.kind, spec.ref, spec.reverses ?? null, postings]))
    .digest('base64url');
}
