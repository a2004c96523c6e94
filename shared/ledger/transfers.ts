import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError, RefusedError, ValidationError } from '../errors';
import { attributes, isMap } from '../store/attributes';
import type { Item, ItemKey } from '../store/items';
import { keptJson } from '../store/kept-text';
import { accountKey, transferKey } from '../store/keys';
import type { Store } from '../store/store';
import { isVersioned } from './accounts';
import { type Command, type CommandPlan, type RunOptions, runCommand } from './command';
import type { Posting, TransferSpec } from './model';
import { netPostings } from './postings';
import { transferContentHash } from './transaction';
import { walletItemOf } from './wallet-head';

export interface TransferResult {
  transferId: string;
  /** Each wallet's balance right after this transfer. */
  walletBalances: Record<string, number>;
}

/** The stored transfer, if any (money moved); the same id with other content is a conflict, never a second transfer. */
export async function storedTransfer(store: Store, spec: Pick<TransferSpec, 'transferId'> | TransferSpec) {
  const { Item } = await store.doc.send(
    new GetCommand({ TableName: store.tableName, Key: transferKey(spec.transferId), ConsistentRead: true }),
  );
  // A declined tap's answer is kept at its transfer's key (store/keys tapKey), without postings: no transfer.
  if (!Item || !Array.isArray(Item.postings)) return undefined;
  if ('postings' in spec && Item.contentHash !== transferContentHash(spec)) {
    throw new ConflictError('IDEMPOTENCY_KEY_REUSED', `Transfer ${spec.transferId} exists with other content`);
  }
  return Item;
}

/** The answer a stored transfer was given (kept as JSON text). */
export function storedResult<R>(item: Record<string, unknown> | undefined): R | undefined {
  return item?.result === undefined ? undefined : keptJson<R>(item.result);
}

export function walletReads(spec: TransferSpec): Record<string, ItemKey> {
  const reads: Record<string, ItemKey> = {};
  for (const p of netPostings(spec.postings)) {
    if (isVersioned(p.accountId)) reads[p.accountId] = accountKey(p.accountId);
  }
  return reads;
}

function walletBalancesAfter(spec: TransferSpec, items: Record<string, Item | undefined>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of netPostings(spec.postings)) {
    if (!isVersioned(p.accountId)) continue;
    const wallet = items[p.accountId];
    if (!wallet) throw new NotFoundError('Card', { accountId: p.accountId });
    out[p.accountId] = walletItemOf(wallet).balanceFen + p.amountFen;
  }
  return out;
}

/** Posts one balanced transfer, exactly once per transferId however often it is sent. */
export function postTransfer(
  store: Store,
  spec: TransferSpec,
  options: RunOptions & { floors?: Record<string, number> } = {},
): Promise<TransferResult> {
  const command: Command<TransferResult> = {
    reads: walletReads(spec),
    plan: (items): CommandPlan<TransferResult> => ({
      transfer: spec,
      ...(options.floors ? { floors: options.floors } : {}),
      result: { transferId: spec.transferId, walletBalances: walletBalancesAfter(spec, items) },
    }),
    replay: async () => storedResult<TransferResult>(await storedTransfer(store, spec)),
  };
  return runCommand(store, command, options);
}

/** How much a transfer moved: the sum of its debits. */
export function transferAmountFen(postings: { amountFen: number }[]): number {
  return postings.reduce((acc, p) => acc + (p.amountFen < 0 ? -p.amountFen : 0), 0);
}

/** A stored transfer's postings, read by their types. */
export function postingsOf(transfer: Item): Posting[] {
  return attributes(transfer, 'transfer').list('postings', (value, i) => {
    const posting = attributes(isMap(value) ? value : {}, `transfer.postings.${i}`);
    return { accountId: posting.str('accountId'), amountFen: posting.int('amountFen') };
  });
}

/** What all give-backs of a stored transfer may return together (see TransferSpec.refundableFen). */
export function refundableFen(original: Item): number {
  return typeof original.refundableFen === 'number' ? original.refundableFen : transferAmountFen(postingsOf(original));
}

/** Names the refund guard among a command's writes: its failure means "read the original again". */
export const REFUND_GUARD = 'refund-guard';

/**
 * The one counter of what has been given back of a transfer, on the transfer's own record: every path
 * that gives money back (a POS refund, an operator's reversal, an exit's or a rental's give-back) adds
 * to it in the same transaction as its money, under the condition that the total stays within
 * `refundableFen`. A blind ADD: the caller need not have read the counter, only know the limit.
 */
export function refundGuardWrite(tableName: string, originalId: string, amountFen: number, limitFen: number) {
  return {
    name: REFUND_GUARD,
    item: {
      Update: {
        TableName: tableName,
        Key: transferKey(originalId),
        UpdateExpression: 'ADD #refunded :amount',
        ConditionExpression: 'attribute_exists(pk) AND #refunded <= :most',
        ExpressionAttributeNames: { '#refunded': 'refundedFen' },
        ExpressionAttributeValues: { ':amount': amountFen, ':most': limitFen - amountFen },
      },
    },
    onConditionFailed: 'replan' as const,
  };
}

/**
 * Gives back (part of) an earlier transfer with a new transfer that references it: never an edit.
 * Each refund posting must undo a posting of the original, and the refunds of one original never add
 * up to more than it may give back (the refund guard on the original's record).
 */
/**
 * What a give-back also writes on the cards it credits, from the original transfer and the cards as
 * read (a fare given back takes its fen off the month the monthly ride discount counts: transit/).
 */
export type RefundCarry = (
  original: Item,
  wallets: Record<string, Item | undefined>,
  amountFen: number,
) => Record<string, Item> | undefined;

export async function postRefund(
  store: Store,
  refund: TransferSpec & { reverses: string },
  options: RunOptions & { carry?: RefundCarry | undefined } = {},
): Promise<TransferResult> {
  const original = await storedTransfer(store, { transferId: refund.reverses });
  if (!original) throw new NotFoundError('Transfer', { transferId: refund.reverses });
  const originalPostings = postingsOf(original);
  for (const p of netPostings(refund.postings)) {
    const o = originalPostings.find((x) => x.accountId === p.accountId);
    if (!o || Math.sign(o.amountFen) === Math.sign(p.amountFen)) {
      throw new ValidationError([
        { path: 'postings', message: `posting to ${p.accountId} does not undo the original` },
      ]);
    }
    if (Math.abs(p.amountFen) > Math.abs(o.amountFen)) {
      throw new RefusedError('REFUND_EXCEEDS_CHARGE', `The refund to ${p.accountId} exceeds what it was charged`);
    }
  }
  const amountFen = transferAmountFen(netPostings(refund.postings));
  const limitFen = refundableFen(original);
  const command: Command<TransferResult> = {
    reads: { ...walletReads(refund), original: transferKey(refund.reverses) },
    plan: (items) => {
      const refunded = items.original ? attributes(items.original, 'transfer').intOr0('refundedFen') : 0;
      if (refunded + amountFen > limitFen) {
        throw new RefusedError('REFUND_EXCEEDS_CHARGE', 'The refunds would exceed what was charged', {
          chargedFen: limitFen,
          refundedFen: refunded,
        });
      }
      const wallets = Object.fromEntries(Object.keys(walletReads(refund)).map((id) => [id, items[id]]));
      const walletAttributes = options.carry?.(original, wallets, amountFen);
      return {
        transfer: refund,
        ...(walletAttributes ? { walletAttributes } : {}),
        // A refund credits the citizen; any debited system account has no floor, so none is given.
        result: { transferId: refund.transferId, walletBalances: walletBalancesAfter(refund, items) },
        writes: [refundGuardWrite(store.tableName, refund.reverses, amountFen, limitFen)],
      };
    },
    replay: async () => storedResult<TransferResult>(await storedTransfer(store, refund)),
  };
  return runCommand(store, command, options);
}
