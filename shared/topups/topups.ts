import { createHash } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { cardOf } from '../cards/cards';
import { NotFoundError, RefusedError } from '../errors';
import { answeredMeanwhile, keptAnswerAttributes, type StoredResponse } from '../idempotency/store';
import { SYSTEM } from '../ledger/accounts';
import { type Command, runCommand } from '../ledger/command';
import { assertRoomForCredit, openHoldsFen, withHold, withoutHold } from '../ledger/holds';
import { attributes } from '../store/attributes';
import { hourCountUpdate } from '../store/hour-counts';
import type { Item } from '../store/items';
import { accountKey, topupKey, topupTransferId } from '../store/keys';
import type { Store } from '../store/store';

/** expired: no word from the provider within a day; the pending amount stopped counting, a late success still credits. */
export const TOPUP_STATUSES = ['pending', 'expired', 'succeeded', 'failed', 'refunded'] as const;
export type TopupStatus = (typeof TOPUP_STATUSES)[number];

/**
 * How long a top-up waits for the provider before its pending amount stops counting against the
 * limit. The card keeps its pending top-ups as amounts that lapse (the book holds use, `pendingTopups`),
 * and a top-up still pending in its record after that long reads as `expired`: no job has to find it.
 */
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

/** The top-up as stored, and as it stands at `now`: a pending one past its day is expired. */
const toTopup = (item: Item, now?: Date): Topup => {
  const a = attributes(item, 'topup');
  const createdAt = a.str('createdAt');
  const stored = a.oneOf('status', TOPUP_STATUSES);
  const lapsed = now !== undefined && stored === 'pending' && Date.parse(createdAt) + TOPUP_PENDING_MS <= now.getTime();
  const settledAt = a.optStr('settledAt');
  const providerRef = a.optStr('providerRef');
  return {
    topupId: a.str('topupId'),
    cardId: a.str('cardId'),
    amountFen: a.int('amountFen'),
    status: lapsed ? 'expired' : stored,
    createdAt,
    ...(settledAt ? { settledAt } : {}),
    ...(providerRef ? { providerRef } : {}),
  };
};

/** The top-up of one idempotency key: a retry that reaches us again names the same top-up. */
export function topupIdFor(citizenId: string, idempotencyKey: string): string {
  return `top_${createHash('sha256').update(`${citizenId}\u0000${idempotencyKey}`).digest('base64url').slice(0, 24)}`;
}

export async function getTopup(store: Store, topupId: string, now: Date): Promise<Topup | undefined> {
  const { Item } = await store.doc.send(
    new GetCommand({ TableName: store.tableName, Key: topupKey(topupId), ConsistentRead: true }),
  );
  // A refused request keeps its answer at its top-up's key (keepRefusal): no top-up was opened.
  return Item && !Item.refused ? toTopup(Item, now) : undefined;
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
      const wallet = cardOf(items.wallet);
      if (!wallet) throw new NotFoundError('Card');
      // Money paid for a closed card would have nowhere to go but back: refused before the provider takes it.
      if (wallet.status === 'closed') throw new RefusedError('CARD_CLOSED', 'This card is closed');
      assertRoomForCredit(wallet, input.amountFen, input.maxBalanceFen, input.now);
      const topup: Topup = {
        topupId: input.topupId,
        cardId: input.cardId,
        amountFen: input.amountFen,
        status: 'pending',
        createdAt: input.now.toISOString(),
      };
      return {
        walletAttributes: {
          [input.cardId]: {
            pendingTopups: withHold(
              wallet.pendingTopups,
              input.topupId,
              { amountFen: input.amountFen, until: new Date(input.now.getTime() + TOPUP_PENDING_MS).toISOString() },
              input.now,
            ),
          },
        },
        writes: [
          {
            item: {
              Put: {
                TableName: store.tableName,
                Item: {
                  ...topupKey(input.topupId),
                  ...topup,
                  ...keptAnswerAttributes(input.requestHash, input.answerOf(topup)),
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
  const known = await getTopup(store, outcome.topupId, now);
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
      // As stored: a pending one past its day (expired to its reader) still takes the provider's late
      // word; a settled one is not settled again.
      const topup = toTopup(items.topup!);
      if (topup.status !== 'pending') return { result: topup };
      const wallet = cardOf(items.wallet);
      if (!wallet) throw new NotFoundError('Card');
      const overLimit =
        outcome.status === 'succeeded' &&
        wallet.balanceFen + openHoldsFen(wallet.holds, now) + topup.amountFen > maxBalanceFen;
      const status: TopupStatus = outcome.status === 'failed' ? 'failed' : overLimit ? 'refunded' : 'succeeded';
      const settled: Topup = { ...topup, status, settledAt: now.toISOString(), providerRef: outcome.providerRef };
      // Its pending amount stops counting (a day-old one stopped by itself).
      const pending = { [topup.cardId]: { pendingTopups: withoutHold(wallet.pendingTopups, topup.topupId, now) } };
      // Every outcome counted in its hour for the console's chart, once (a repeat finds it settled).
      const counted = {
        item: hourCountUpdate(store.tableName, 'topup-outcomes', status, now),
        onConditionFailed: 'replan' as const,
      };
      if (status === 'succeeded') {
        const credit = creditInRecordsPlace(items.topup!, settled, topup.status, now);
        return { ...credit, walletAttributes: pending, writes: [counted], result: settled };
      }
      const ended = endedWithoutMoney(store.tableName, settled, topup.status);
      return { writes: [...ended.writes, counted], walletAttributes: pending, result: settled };
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
 * carrying the record on: one item where there were two.
 */
function creditInRecordsPlace(stored: Record<string, unknown>, settled: Topup, seen: TopupStatus, now: Date) {
  const { pk: _pk, sk: _sk, ...record } = stored;
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
            UpdateExpression: 'SET #status = :status, settledAt = :at, providerRef = :ref',
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
