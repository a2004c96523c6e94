import { BatchGetCommand, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { InvariantError, invariant, RetryLaterError } from '../errors';
import type { ReceiptFacts } from '../receipts/format';
import type { Item, ItemKey, TransactItem } from '../store/items';
import { backoffMs, cancellationCodes, classifyFailure } from '../store/retry';
import type { Store } from '../store/store';
import { isVersioned } from './accounts';
import type { StatementEntry, TransferSpec } from './model';
import { buildTransaction } from './transaction';
import { readWalletItems, walletFromItems } from './wallet-head';
import type { WalletMemo } from './wallet-memo';

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
  /**
   * The movement settles a closed card's last money: a refund of its balance that the top-up provider
   * refused comes back onto it, and is then paid out in cash. Nothing else moves on a closed card.
   */
  settlesClosed?: boolean;
  /**
   * Attributes the wallet keeps with its balance (open holds, the transit state), carried on its new
   * head entry. A wallet named here with none gets a 0-fen entry: the command is then in the wallet's
   * order, so one planned on the wallet before it cannot commit after it.
   */
  walletAttributes?: Record<string, Item>;
  /**
   * Attributes set on a wallet's own item (what the card is: its limit, its verified identity), in
   * order with its money: the wallet gets its next entry in the same transaction (0 fen if no money
   * moves), so a command planned on the wallet before the change cannot commit after it.
   */
  walletItemSets?: Record<string, Item>;
  /**
   * More attributes on the transfer record: a request whose answer is kept under its transfer's key
   * (a tap) puts its record there instead of writing a second item. The ledger's own stay its own.
   */
  transferAttributes?: Item;
  /**
   * The transfer's record takes the place of the request's own record at its key (a top-up's, made
   * when the citizen asked for it): put under this condition on that record instead of only where
   * nothing is; its failure means the record moved on (plan again), not that the transfer was made.
   */
  transferReplacing?: { condition: string; names: Record<string, string>; values: Record<string, unknown> };
  /**
   * A record kept on a wallet's statement entry of this command (a tap's journey). A wallet named here
   * gets its entry even when no money moves for it (0 fen, which statements leave out): the entry is
   * then the card's own record of the command, in the card's order: its new head (wallet-head.ts).
   */
  walletEntries?: Record<string, { header: EntryHeader; attributes: Item; receiptFacts?: ReceiptFacts }>;
  writes?: GuardedWrite[];
  /**
   * Versioned accounts the command opens (a card's points at its first earning): read as absent, put
   * with their own item on condition that none exists (another command opening it first: plan again),
   * and then posted to like any wallet, from a balance of 0.
   */
  opens?: string[];
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
  reads: Record<string, ItemKey> | ((ctx: PlanContext) => Record<string, ItemKey>);
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
  /**
   * What this run of commands last saw of its wallets (an upload's run of one card): read from it
   * instead of the store where it has the wallet, and told what this command leaves behind.
   */
  memo?: WalletMemo;
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
    const seen = new Map<string, Item[]>();
    try {
      items = await readItems(store, reads, seen, options.memo);
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
    try {
      if (built.items.length > 0) await store.doc.send(new TransactWriteCommand({ TransactItems: built.items }));
      for (const [accountId, walletItems] of seen) {
        const head = built.heads.get(accountId);
        options.memo?.keep(accountId, head ? [walletItems[0]!, head] : walletItems);
      }
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

/** Reads a command's items; a wallet (its own item and head) from the memo where it has it, and into `seen`. */
async function readItems(
  store: Store,
  reads: Record<string, ItemKey>,
  seen: Map<string, Item[]>,
  memo: WalletMemo | undefined,
): Promise<Record<string, Item | undefined>> {
  const names = Object.keys(reads);
  invariant(names.length <= 100, 'a command reads at most 100 items');
  const wallets: [name: string, accountId: string][] = [];
  const itemNames: string[] = [];
  for (const name of names) {
    const accountId = walletIdOf(reads[name]!);
    if (accountId === undefined) itemNames.push(name);
    else wallets.push([name, accountId]);
  }
  const out: Record<string, Item | undefined> = {};
  await Promise.all([
    ...wallets.map(async ([name, accountId]) => {
      const walletItems = memo?.take(accountId) ?? (await readWalletItems(store, accountId));
      out[name] = walletFromItems(walletItems);
      if (out[name]) seen.set(accountId, walletItems);
    }),
    readPlainItems(store, reads, itemNames, out),
  ]);
  return out;
}

/** The wallet a read names by its own item's key; a wallet is read with its head (wallet-head.ts). */
function walletIdOf(key: ItemKey): string | undefined {
  if (key.sk !== 'A' || !key.pk.startsWith('ACCT#')) return undefined;
  const accountId = key.pk.slice('ACCT#'.length);
  // A sharded account's item (`ACCT#<account>#<shard>`) is read as a plain item.
  if (accountId.includes('#')) return undefined;
  return isVersioned(accountId) ? accountId : undefined;
}

async function readPlainItems(
  store: Store,
  reads: Record<string, ItemKey>,
  names: string[],
  out: Record<string, Item | undefined>,
): Promise<void> {
  if (names.length === 0) return;
  if (names.length === 1) {
    // One item: GetItem answers in about a quarter of a BatchGetItem's time (bench/).
    const name = names[0]!;
    const { Item } = await store.doc.send(
      new GetCommand({ TableName: store.tableName, Key: reads[name]!, ConsistentRead: true }),
    );
    out[name] = Item;
    return;
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
}
