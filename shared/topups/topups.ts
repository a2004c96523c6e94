import { createHash } from 'node:crypto';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { CardItem } from '../cards/cards';
import { NotFoundError, RefusedError } from '../errors';
import { answeredMeanwhile, keptAnswerAttributes, type StoredResponse } from '../idempotency/store';
import { SYSTEM } from '../ledger/accounts';
import { type Command, runCommand } from '../ledger/command';
import { openHoldsFen } from '../ledger/holds';
import { accountKey, topupKey, topupTransferId } from '../store/keys';
import type { Store } from '../store/store';

/** expired: no word from the provider within a day; the pending amount was released, a late success still credits. */
export const TOPUP_STATUSES = ['pending', 'expired', 'succeeded', 'failed', 'refunded'] as const;
export type TopupStatus = (typeof TOPUP_STATUSES)[number];

/** Pending top-ups are listed in a sparse index entry that settlement removes, so the expiry job reads only them. */
const PENDING_INDEX = 'TOPUPS#pending';
/** How long a top-up waits for the provider before its pending amount stops counting against the limit. */
export const TOPUP_PENDING_MS = 24 * 3600_000;

export interface Topup {
  topupId: string;
  cardId: string;
  amountFen: number;
  status: TopupStatus;
  createdAt: string;
  settledAt?: string;
  providerRef?: string;
}

const toTopup = (item: Record<string, unknown>): Topup => ({
  topupId: item.topupId as string,
  cardId: item.cardId as string,
  amountFen: item.amountFen as number,
  status: item.status as TopupStatus,
  createdAt: item.createdAt as string,
  ...(item.settledAt ? { settledAt: item.settledAt as string } : {}),
  ...(item.providerRef ? { providerRef: item.providerRef as string } : {}),
});

/** The top-up of one idempotency key: a retry that reaches us again names the same top-up. */
export function topupIdFor(citizenId: string, idempotencyKey: string): string {
  return `top_${createHash('sha256').update(`${citizenId}\u0000${idempotencyKey}`).digest('base64url').slice(0, 24)}`;
}

export async function getTopup(store: Store, topupId: string): Promise<Topup | undefined> {
  const { Item } = await store.doc.send(
    new GetCommand({ TableName: store.tableName, Key: topupKey(topupId), ConsistentRead: true }),
  );
  // A refused request keeps its answer at its top-up's key (keepRefusal): no top-up was opened.
  return Item && !Item.refused ? toTopup(Item) : undefined;
}

/**
 * Opens a pending top-up. The card's stored-value limit counts pending top-ups, so it is checked on
 * the wallet as read and written in the card's order (its next entry), together with the pending total
 * it raises.
 */
export function createTopup(
  store: Store,
  input: {
    topupId: string;
    cardId: string;
    amountFen: number;
    maxBalanceFen: number;
    now: Date;
    /** The request's Idempotency-Key lives on the top-up: its hash, and the answer a retry gets. */
    requestHash: string;
    answerOf: (topup: Topup) => StoredResponse;
  },
): Promise<Topup> {
  const command: Command<Topup> = {
    reads: { wallet: accountKey(input.cardId) },
    plan: (items) => {
      const wallet = items.wallet as CardItem | undefined;
      if (!wallet) throw new NotFoundError('Card');
      const pending = wallet.pendingTopupFen ?? 0;
      const heldFen = openHoldsFen(wallet.holds, input.now);
      if (wallet.balanceFen + pending + heldFen + input.amountFen > input.maxBalanceFen) {
        throw new RefusedError(
          'BALANCE_LIMIT',
          `A card holds at most ${input.maxBalanceFen} fen, pending top-ups and open holds included`,
          {
            balanceFen: wallet.balanceFen,
            pendingTopupFen: pending,
            heldFen,
            maxBalanceFen: input.maxBalanceFen,
          },
        );
      }
      const topup: Topup = {
        topupId: input.topupId,
        cardId: input.cardId,
        amountFen: input.amountFen,
        status: 'pending',
        createdAt: input.now.toISOString(),
      };
      return {
        walletAttributes: { [input.cardId]: { pendingTopupFen: pending + input.amountFen } },
        writes: [
          {
            item: {
              Put: {
                TableName: store.tableName,
                Item: {
                  ...topupKey(input.topupId),
                  ...topup,
                  ...keptAnswerAttributes(input.requestHash, input.answerOf(topup)),
                  gsi1pk: PENDING_INDEX,
                  gsi1sk: `${topup.createdAt}#${topup.topupId}`,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            onConditionFailed: 'replay',
          },
        ],
        result: topup,
      };
    },
    replay: () => answeredMeanwhile(store, topupKey(input.topupId), input.requestHash),
  };
  return runCommand(store, command);
}

export interface ProviderOutcome {
  topupId: string;
  status: 'succeeded' | 'failed';
  amountFen: number;
  providerRef: string;
}

/**
 * The provider's word on a top-up, applied once: success credits the card from top-up clearing in
 * one transfer; failure credits nothing; a credit that would take the card over its limit is not
 * made and the top-up ends `refunded`, for the provider to return. Every path releases the pending
 * amount. A repeat finds the top-up settled and changes nothing.
 */
export async function settleTopup(
  store: Store,
  outcome: ProviderOutcome,
  maxBalanceFen: number,
  now: Date,
): Promise<Topup> {
  const known = await getTopup(store, outcome.topupId);
  if (!known) throw new NotFoundError('Top-up', { topupId: outcome.topupId });
  if (known.amountFen !== outcome.amountFen) {
    throw new RefusedError('AMOUNT_MISMATCH', 'The amount differs from the pending top-up', {
      expectedFen: known.amountFen,
      receivedFen: outcome.amountFen,
    });
  }
  const command: Command<Topup> = {
    reads: { topup: topupKey(outcome.topupId), wallet: accountKey(known.cardId) },
    plan: (items) => {
      const topup = toTopup(items.topup!);
      // A settled top-up is not settled again; an expired one still takes the provider's late word.
      if (topup.status !== 'pending' && topup.status !== 'expired') return { result: topup };
      const wallet = items.wallet as CardItem;
      const overLimit =
        outcome.status === 'succeeded' &&
        wallet.balanceFen + openHoldsFen(wallet.holds, now) + topup.amountFen > maxBalanceFen;
      const status: TopupStatus = outcome.status === 'failed' ? 'failed' : overLimit ? 'refunded' : 'succeeded';
      const settled: Topup = { ...topup, status, settledAt: now.toISOString(), providerRef: outcome.providerRef };
      // An expired top-up released its pending amount already.
      const released = topup.status === 'pending' ? topup.amountFen : 0;
      const pendingAfter = Math.max(0, (wallet.pendingTopupFen ?? 0) - released);
      const pending = { [topup.cardId]: { pendingTopupFen: pendingAfter } };
      return status === 'succeeded'
        ? {
            ...creditInRecordsPlace(items.topup!, settled, topup.status, now),
            walletAttributes: pending,
            result: settled,
          }
        : { ...endedWithoutMoney(store.tableName, settled, topup.status), walletAttributes: pending, result: settled };
    },
    // The top-up's own status is the record of the outcome: replanning finds it settled.
    replay: async () => undefined,
  };
  return runCommand(store, command);
}

/** The top-up's record is settled only from the status it was read in: a second word finds it moved on. */
const statusWas = (seen: TopupStatus) => ({
  condition: '#status = :seen',
  names: { '#status': 'status' },
  values: { ':seen': seen },
});

/**
 * Success: the transfer from top-up clearing to the card takes the top-up record's place at its key,
 * carrying the record on (without its pending index entry): one item where there were two.
 */
function creditInRecordsPlace(stored: Record<string, unknown>, settled: Topup, seen: TopupStatus, now: Date) {
  const { pk: _pk, sk: _sk, gsi1pk: _pending, gsi1sk: _since, ...record } = stored;
  return {
    transfer: {
      transferId: topupTransferId(settled.topupId),
      kind: 'topup' as const,
      at: now.toISOString(),
      description: 'Top-up',
      ref: settled.topupId,
      postings: [
        { accountId: SYSTEM.topupClearing, amountFen: -settled.amountFen },
        { accountId: settled.cardId, amountFen: settled.amountFen },
      ],
    },
    transferAttributes: {
      ...record,
      status: settled.status,
      settledAt: settled.settledAt,
      providerRef: settled.providerRef,
    },
    transferReplacing: statusWas(seen),
  };
}

/** Failure, or a credit past the card's limit (refunded): no money, the record's own update says how it ended. */
function endedWithoutMoney(tableName: string, settled: Topup, seen: TopupStatus) {
  const was = statusWas(seen);
  return {
    writes: [
      {
        item: {
          Update: {
            TableName: tableName,
            Key: topupKey(settled.topupId),
            UpdateExpression: 'SET #status = :status, settledAt = :at, providerRef = :ref REMOVE gsi1pk, gsi1sk',
            ConditionExpression: was.condition,
            ExpressionAttributeNames: was.names,
            ExpressionAttributeValues: {
              ...was.values,
              ':status': settled.status,
              ':at': settled.settledAt,
              ':ref': settled.providerRef,
            },
          },
        },
        onConditionFailed: 'replan' as const,
      },
    ],
  };
}

/** Top-ups expired per run at most; the job runs hourly and the rest wait for the next run. */
export const EXPIRE_BATCH = 200;

/**
 * Expires pending top-ups the provider never answered within a day: each releases its pending
 * amount from the card (in the card's order: its next entry) and leaves the pending index. Answers how many.
 */
export async function expireStaleTopups(store: Store, now: Date, olderThanMs = TOPUP_PENDING_MS): Promise<number> {
  const cutoff = new Date(now.getTime() - olderThanMs).toISOString();
  const page = await store.doc.send(
    new QueryCommand({
      TableName: store.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk < :cutoff',
      ExpressionAttributeValues: { ':pk': PENDING_INDEX, ':cutoff': cutoff },
      Limit: EXPIRE_BATCH,
    }),
  );
  let expired = 0;
  for (const entry of page.Items ?? []) {
    const done = await runCommand(store, {
      reads: { topup: topupKey(entry.topupId as string), wallet: accountKey(entry.cardId as string) },
      plan: (items) => {
        const topup = toTopup(items.topup!);
        if (topup.status !== 'pending') return { result: false };
        const wallet = items.wallet as CardItem;
        return {
          walletAttributes: {
            [topup.cardId]: { pendingTopupFen: Math.max(0, (wallet.pendingTopupFen ?? 0) - topup.amountFen) },
          },
          writes: [
            {
              item: {
                Update: {
                  TableName: store.tableName,
                  Key: topupKey(topup.topupId),
                  UpdateExpression: 'SET #status = :expired, expiredAt = :now REMOVE gsi1pk, gsi1sk',
                  ConditionExpression: '#status = :pending',
                  ExpressionAttributeNames: { '#status': 'status' },
                  ExpressionAttributeValues: {
                    ':expired': 'expired',
                    ':pending': 'pending',
                    ':now': now.toISOString(),
                  },
                },
              },
              onConditionFailed: 'replan',
            },
          ],
          result: true,
        };
      },
      replay: async () => undefined,
    });
    if (done) expired++;
  }
  return expired;
}
