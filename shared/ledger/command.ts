import { createHash } from 'node:crypto';
import {
  BatchGetCommand,
  GetCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { InvariantError, invariant, RefusedError, RetryLaterError } from '../errors';
import { accountKey, entryKey, minuteBucketKey, minuteOf, payeeMovementsIndex, transferKey } from '../store/keys';
import type { Store } from '../store/store';
import { accountLayout, payeeOf } from './accounts';
import type { Holds } from './holds';
import type { Posting, StatementEntry, TransferSpec, WalletItem } from './model';
import { assertBalanced, creditCeilingFen, netPostings, type WalletRefusal, walletOutcome } from './postings';
import { backoffMs, cancellationCodes, classifyFailure } from './retry';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
export type Key = { pk: string; sk: string };
export type Item = Record<string, unknown>;

/** A write the command adds to the transaction, and what its failed condition means. */
export interface GuardedWrite {
  item: TransactItem;
  /** Named writes whose condition failed are told to later attempts (PlanContext.conflicts). */
  name?: string;
  /** 'replay': an idempotency anchor already exists, look up the stored answer; 'replan': state moved, read again. */
  onConditionFailed: 'replay' | 'replan';
}

export interface CommandPlan<R> {
  /** The money movement, if any; its id is the permanent idempotency record. */
  transfer?: TransferSpec;
  /** The lowest balance each debited wallet may reach in this movement (default 0). */
  floors?: Record<string, number>;
  /**
   * The transfer gives back (part of) a hold: an exit's refund, a rental's unused deposit. It returns
   * only what the hold took, so it is made even where a new credit would pass the card's limit.
   */
  giveBack?: boolean;
  /** Attributes to set on wallets, written under the same version check as their balance. */
  walletAttributes?: Record<string, Item>;
  /**
   * More attributes on the transfer record: a request whose answer is kept under its transfer's key
   * (a tap) puts its record there instead of writing a second item. The ledger's own stay its own.
   */
  transferAttributes?: Item;
  /**
   * A record kept on a wallet's statement entry of this command (a tap's journey). A wallet named here
   * gets its entry even when no money moves for it (0 fen, which statements leave out): the entry is
   * then the card's own record of the command, in the card's order, under the card's version check.
   */
  walletEntries?: Record<string, { header: EntryHeader; attributes: Item }>;
  writes?: GuardedWrite[];
  /** The answer; stored with the transfer so that a replay returns it unchanged. */
  result: R;
}

/** What a statement entry says of its movement, apart from the money. */
export type EntryHeader = Pick<StatementEntry, 'entryId' | 'at' | 'kind' | 'description' | 'ref'>;

export interface PlanContext {
  attempt: number;
  /** Shards (`accountId#shard`) whose floor refused a debit in an earlier attempt of this command. */
  exhaustedShards: ReadonlySet<string>;
  /** Names of writes whose condition failed in an earlier attempt: read what they guard next time. */
  conflicts: ReadonlySet<string>;
}

export interface Command<R> {
  /**
   * Items to read, consistently, before each plan; wallets that postings touch must be among them.
   * A function reads more only after a conflict: an optimistic command skips reading what its
   * conditional writes already guard.
   */
  reads: Record<string, Key> | ((ctx: PlanContext) => Record<string, Key>);
  plan(items: Record<string, Item | undefined>, ctx: PlanContext): CommandPlan<R> | Promise<CommandPlan<R>>;
  /** The stored answer of an earlier run of this same command, if there is one. */
  replay(): Promise<R | undefined>;
  /**
   * Skip the replay() lookup before the first attempt: the command's anchor write fails on a known
   * request anyway, and only then is the stored answer read. One round trip less on a hot path (taps).
   */
  optimisticReplay?: boolean;
}

export interface RunOptions {
  /** Reads, plans and commits at most this often; then 503 RETRY_LATER with nothing moved. */
  maxAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/**
 * Enough for 50 writers racing on one wallet (DynamoDB Local runs transactions one at a time) with
 * full-jitter backoff; a real citizen's wallet rarely sees two writers at once.
 */
export const MAX_COMMAND_ATTEMPTS = 40;
const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Runs one command as read, plan, and a single TransactWriteItems guarded by conditions:
 * wallets by their version, anchors by their absence. A lost race plans again from fresh state; a
 * found anchor returns the first answer; nothing is ever half-written.
 */
export async function runCommand<R>(store: Store, command: Command<R>, options: RunOptions = {}): Promise<R> {
  const maxAttempts = options.maxAttempts ?? MAX_COMMAND_ATTEMPTS;
  const sleep = options.sleep ?? defaultSleep;
  const exhaustedShards = new Set<string>();
  const conflicts = new Set<string>();
  let lookForStoredAnswer = !command.optimisticReplay;

  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    if (lookForStoredAnswer) {
      const stored = await command.replay();
      if (stored !== undefined) return stored;
      lookForStoredAnswer = false;
    }
    const ctx: PlanContext = { attempt, exhaustedShards, conflicts };
    const reads = typeof command.reads === 'function' ? command.reads(ctx) : command.reads;
    let items: Record<string, Item | undefined>;
    try {
      items = await readItems(store, reads);
    } catch (err) {
      // Reads change nothing: throttled or cut off, they are simply tried again.
      if (classifyFailure(err) === 'fatal') throw err;
      await sleep(backoffMs(attempt, 5, 200, options.random));
      continue;
    }
    const plan = await command.plan(items, ctx);
    // Each attempt records at its own time: a retry after a settlement sealed the minute lands in the next one.
    const recordedAt = (store.clock ?? (() => new Date()))();
    const built = buildTransaction(store.tableName, plan, items, reads, recordedAt);
    if (built.items.length === 0) return plan.result;
    try {
      await store.doc.send(new TransactWriteCommand({ TransactItems: built.items }));
      return plan.result;
    } catch (err) {
      const failure = classifyFailure(err);
      if (failure === 'fatal') throw err;
      if (failure === 'unknown-outcome') lookForStoredAnswer = true;
      if (failure === 'cancelled') {
        const codes = cancellationCodes(err);
        if (codes.includes('ValidationError')) throw err;
        const failed = codes.flatMap((code, i) => (code === 'ConditionalCheckFailed' ? [built.meanings[i]!] : []));
        for (const m of failed) if (m.name) conflicts.add(m.name);
        if (failed.some((m) => m.kind === 'replay')) {
          lookForStoredAnswer = true;
          continue;
        }
        for (const m of failed) if (m.kind === 'shard-floor') exhaustedShards.add(m.shard);
        if (failed.length > 0 && failed.every((m) => m.kind === 'shard-floor') && exhaustedShards.size === 0) {
          throw new InvariantError('a shard floor failed without naming its shard');
        }
      }
      await sleep(backoffMs(attempt, 5, 200, options.random));
    }
  }
  throw new RetryLaterError();
}

async function readItems(store: Store, reads: Record<string, Key>): Promise<Record<string, Item | undefined>> {
  const names = Object.keys(reads);
  const out: Record<string, Item | undefined> = {};
  if (names.length === 0) return out;
  invariant(names.length <= 100, 'a command reads at most 100 items');
  if (names.length === 1) {
    // One item (a tap's card): GetItem answers in about a quarter of a BatchGetItem's time (bench/).
    const name = names[0]!;
    const { Item } = await store.doc.send(
      new GetCommand({ TableName: store.tableName, Key: reads[name]!, ConsistentRead: true }),
    );
    out[name] = Item;
    return out;
  }
  const response = await store.doc.send(
    new BatchGetCommand({
      RequestItems: { [store.tableName]: { Keys: names.map((n) => reads[n]!), ConsistentRead: true } },
    }),
  );
  if (Object.keys(response.UnprocessedKeys ?? {}).length > 0) throw new RetryLaterError();
  const found = response.Responses?.[store.tableName] ?? [];
  for (const name of names) {
    const key = reads[name]!;
    out[name] = found.find((i) => i.pk === key.pk && i.sk === key.sk);
  }
  return out;
}

type Meaning = ({ kind: 'replay' } | { kind: 'replan' } | { kind: 'shard-floor'; shard: string }) & { name?: string };

/** Turns a plan into transaction items, asserting the ledger's invariants on the way. */
export function buildTransaction(
  tableName: string,
  plan: CommandPlan<unknown>,
  items: Record<string, Item | undefined>,
  reads: Record<string, Key>,
  recordedAt: Date,
): { items: TransactItem[]; meanings: Meaning[] } {
  const out: TransactItem[] = [];
  const meanings: Meaning[] = [];
  const walletByAccount = new Map<string, WalletItem>();
  for (const [name, key] of Object.entries(reads)) {
    const item = items[name];
    if (
      key.sk === 'A' &&
      item &&
      typeof item.accountId === 'string' &&
      accountLayout(item.accountId).kind === 'wallet'
    ) {
      walletByAccount.set(item.accountId, item as WalletItem);
    }
  }

  const walletChanges = new Map<string, { amountFen: number; balanceAfterFen: number }>();
  if (plan.transfer) {
    const spec = plan.transfer;
    assertBalanced(spec);
    const postings = netPostings(spec.postings);
    const bucketed = bucketedMovement(spec, postings, recordedAt);
    // Lean, since a transaction pays 2 units per started KB of each item: the id is the key's, and a
    // movement into a payee keeps its recording time in the index's sort key.
    const { transferId: _inKey, ...described } = spec;
    const ledgerItem: Item = {
      ...transferKey(spec.transferId),
      ...described,
      postings,
      // A request whose record rides on the transfer (a tap) brings its own request hash; the content
      // hash is what a transfer posted by id alone is compared by.
      ...(plan.transferAttributes?.requestHash ? {} : { contentHash: transferContentHash(spec) }),
      refundedFen: 0,
      ...(bucketed?.record ?? { recordedAt: recordedAt.toISOString() }),
      // JSON text: DynamoDB keeps a string byte for byte, so a replay answers the very same body.
      result: JSON.stringify(plan.result),
    };
    for (const [attr, value] of Object.entries(plan.transferAttributes ?? {})) {
      invariant(
        !(attr in ledgerItem) || ledgerItem[attr] === value,
        `${attr} on a transfer record is the ledger's own`,
      );
    }
    out.push({
      Put: {
        TableName: tableName,
        Item: { ...plan.transferAttributes, ...ledgerItem },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
    meanings.push({ kind: 'replay' });
    for (const posting of postings) {
      const layout = accountLayout(posting.accountId);
      if (bucketed && posting.accountId === bucketed.accountId) {
        out.push({ Update: bucketUpdate(tableName, spec, posting, bucketed) });
        meanings.push({ kind: 'replan' });
      } else if (layout.kind === 'wallet') {
        const wallet = walletByAccount.get(posting.accountId);
        if (!wallet) throw new InvariantError(`wallet ${posting.accountId} was not read before posting to it`);
        const holdsAfter = (plan.walletAttributes?.[posting.accountId]?.holds ?? wallet.holds) as Holds | undefined;
        const ceilingFen = plan.giveBack ? null : creditCeilingFen(wallet, holdsAfter, new Date(spec.at));
        const outcome = walletOutcome(wallet, posting.amountFen, plan.floors?.[posting.accountId] ?? 0, ceilingFen);
        if (!outcome.ok) throw new RefusedError(outcome.refusal, refusalMessage(outcome.refusal));
        walletChanges.set(posting.accountId, {
          amountFen: posting.amountFen,
          balanceAfterFen: outcome.balanceAfterFen,
        });
        const header = {
          entryId: spec.transferId,
          at: spec.at,
          kind: spec.kind,
          description: spec.description,
          ref: spec.ref,
        };
        out.push(
          entryPut(tableName, wallet, header, posting.amountFen, outcome.balanceAfterFen, plan, spec.transferId),
        );
        meanings.push({ kind: 'replan' });
      } else {
        const shard = Math.floor(Math.random() * layout.shards);
        const guarded = layout.shardFloorFen !== null && posting.amountFen < 0;
        out.push({
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
        });
        meanings.push({ kind: 'shard-floor', shard: `${posting.accountId}#${shard}` });
      }
    }
  }

  for (const [accountId, { header }] of Object.entries(plan.walletEntries ?? {})) {
    if (walletChanges.has(accountId)) continue;
    const wallet = walletByAccount.get(accountId);
    if (!wallet) throw new InvariantError(`wallet ${accountId} was not read before its entry`);
    out.push(entryPut(tableName, wallet, header, 0, wallet.balanceFen, plan));
    meanings.push({ kind: 'replan' });
  }

  const touchedWallets = new Set([
    ...walletChanges.keys(),
    ...Object.keys(plan.walletAttributes ?? {}),
    ...Object.keys(plan.walletEntries ?? {}),
  ]);
  for (const accountId of touchedWallets) {
    const wallet = walletByAccount.get(accountId);
    if (!wallet) throw new InvariantError(`wallet ${accountId} was not read before changing it`);
    const change = walletChanges.get(accountId);
    const names: Record<string, string> = { '#version': 'version' };
    const values: Record<string, unknown> = { ':read': wallet.version, ':next': wallet.version + 1 };
    const sets = ['#version = :next'];
    if (change) {
      names['#balance'] = 'balanceFen';
      sets.push('#balance = :balance');
      values[':balance'] = change.balanceAfterFen;
    }
    Object.entries(plan.walletAttributes?.[accountId] ?? {}).forEach(([attr, value], i) => {
      invariant(!['balanceFen', 'version', 'pk', 'sk', 'accountId'].includes(attr), `${attr} is the ledger's own`);
      names[`#a${i}`] = attr;
      values[`:a${i}`] = value;
      sets.push(`#a${i} = :a${i}`);
    });
    out.push({
      Update: {
        TableName: tableName,
        Key: accountKey(accountId),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: '#version = :read',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    });
    meanings.push({ kind: 'replan' });
  }

  for (const write of plan.writes ?? []) {
    out.push(write.item);
    meanings.push({ kind: write.onConditionFailed, ...(write.name ? { name: write.name } : {}) });
  }
  invariant(out.length <= 100, 'a transaction holds at most 100 items');
  return { items: out, meanings };
}

/**
 * The wallet's statement entry at its next version: the movement's money and the balance right after
 * it, and any record the plan keeps there. The version check on the wallet makes the key unique.
 */
function entryPut(
  tableName: string,
  wallet: WalletItem,
  header: EntryHeader,
  amountFen: number,
  balanceAfterFen: number,
  plan: CommandPlan<unknown>,
  transferId?: string,
): TransactItem {
  const attributes = plan.walletEntries?.[wallet.accountId]?.attributes ?? {};
  const item: Item = {
    ...entryKey(wallet.accountId, wallet.version + 1),
    ...header,
    ...(transferId ? { transferId } : {}),
    amountFen,
    balanceAfterFen,
  };
  for (const attr of Object.keys(attributes)) invariant(!(attr in item), `${attr} on an entry is the ledger's own`);
  return { Put: { TableName: tableName, Item: { ...attributes, ...item } } };
}

const REFUSAL_MESSAGES: Record<WalletRefusal, string> = {
  CARD_FROZEN: 'The card is frozen',
  INSUFFICIENT_FUNDS: 'The balance does not cover this amount',
  BALANCE_LIMIT: 'This credit would take the card over its limit (open holds count as balance)',
};
const refusalMessage = (code: WalletRefusal) => REFUSAL_MESSAGES[code];

interface BucketedMovement {
  accountId: string;
  shard: number;
  minute: number;
  /** What the posting put in (a payee's sale) and took out (a payee's refund; a top-up out of clearing). */
  inFen: number;
  outFen: number;
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
 * comes from clearing), and how it counts: into a payee is a sale, out of it a refund; settlement's
 * own payouts and fees count as neither.
 */
function bucketedMovement(spec: TransferSpec, postings: Posting[], recordedAt: Date): BucketedMovement | undefined {
  const bucketed = postings.filter((p) => isBucketed(p.accountId));
  invariant(bucketed.length <= 1, `transfer ${spec.transferId} posts to ${bucketed.length} bucketed accounts`);
  const posting = bucketed[0];
  if (!posting) return undefined;
  const shard = Math.floor(Math.random() * accountLayout(posting.accountId).shards);
  const minute = minuteOf(recordedAt);
  const counted = spec.kind !== 'settlement';
  const inFen = counted ? Math.max(0, posting.amountFen) : 0;
  const outFen = counted ? Math.max(0, -posting.amountFen) : 0;
  const settled = counted && payeeOf(posting.accountId) !== null;
  return {
    accountId: posting.accountId,
    shard,
    minute,
    inFen,
    outFen,
    record: settled
      ? {
          gsi1pk: payeeMovementsIndex(posting.accountId, shard, minute),
          gsi1sk: `${recordedAt.toISOString()}#${spec.transferId}`,
          // Only what is not zero: settlement reads a missing one as 0.
          ...(inFen ? { settleSalesFen: inFen } : {}),
          ...(outFen ? { settleRefundsFen: outFen } : {}),
        }
      : {},
  };
}

/** The account's minute bucket: its balance and what went in and out; refused once a run sealed the minute. */
function bucketUpdate(tableName: string, spec: TransferSpec, posting: Posting, moved: BucketedMovement) {
  return {
    TableName: tableName,
    Key: minuteBucketKey(moved.accountId, moved.shard, moved.minute),
    UpdateExpression:
      'ADD #balance :amount, #in :in, #out :out, #count :one SET #accountId = :id, #kind = :kind, #shard = :shard, #minute = :minute',
    ConditionExpression: 'attribute_not_exists(#sealed)',
    ExpressionAttributeNames: {
      '#balance': 'balanceFen',
      '#in': 'inFen',
      '#out': 'outFen',
      '#count': 'movements',
      '#accountId': 'accountId',
      '#kind': 'kind',
      '#shard': 'shard',
      '#minute': 'minute',
      '#sealed': 'sealedBy',
    },
    ExpressionAttributeValues: {
      ':amount': posting.amountFen,
      ':in': moved.inFen,
      ':out': moved.outFen,
      ':one': spec.kind === 'settlement' ? 0 : 1,
      ':id': moved.accountId,
      ':kind': accountLayout(moved.accountId).kind,
      ':shard': moved.shard,
      ':minute': moved.minute,
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
