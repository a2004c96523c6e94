import { createHash } from 'node:crypto';
import { cardOf } from '../cards/cards';
import { assertNothingOpen, closedItemSets } from '../cards/closing';
import { residentIdHash } from '../eligibility/resident-id';
import { ConflictError, NotFoundError, RefusedError } from '../errors';
import { answeredMeanwhile, keptAnswerAttributes } from '../idempotency/store';
import { cardPoints, SYSTEM } from '../ledger/accounts';
import { type Command, type GuardedWrite, runCommand } from '../ledger/command';
import { entriesNewestFirst } from '../ledger/statement';
import { closurePointsParts } from '../points/account';
import { attributes } from '../store/attributes';
import type { Item } from '../store/items';
import { accountKey, closureKey, providerRefundKey } from '../store/keys';
import type { Store } from '../store/store';

/** The closure of one Idempotency-Key: a retry that reaches us again names the same closure. */
export const closureIdFor = (citizenId: string, idempotencyKey: string) =>
  `cls_${createHash('sha256').update(`${citizenId}\u0000${idempotencyKey}`).digest('base64url').slice(0, 24)}`;

/** A closed card's balance goes back as refunds of at most this many of its latest top-ups (one transaction). */
export const MAX_CLOSURE_REFUNDS = 20;

export const PROVIDER_REFUND_STATUSES = ['requested', 'succeeded', 'failed'] as const;
export type ProviderRefundStatus = (typeof PROVIDER_REFUND_STATUSES)[number];

export interface ProviderRefund {
  refundId: string;
  topupId: string;
  amountFen: number;
  status: ProviderRefundStatus;
}

export interface OnlineClosure {
  closureId: string;
  cardId: string;
  status: 'closed';
  /** The balance sent back to the top-up provider, as the refunds below. */
  refundedFen: number;
  refunds: ProviderRefund[];
  pointsLapsed: number;
}

/**
 * Which top-ups the balance goes back to: the card's latest, newest first, each at most its amount,
 * until the balance is covered. Read from the card's own entries (its newest 400 at most); what they
 * do not cover (cash, an allowance, older money) is the uncovered rest, paid in cash at an outlet.
 */
export async function refundTargets(store: Store, cardId: string, balanceFen: number) {
  const targets: { topupId: string; amountFen: number }[] = [];
  let leftFen = balanceFen;
  for await (const entry of entriesNewestFirst(store, cardId, undefined)) {
    if (leftFen === 0 || targets.length === MAX_CLOSURE_REFUNDS) break;
    const e = attributes(entry, 'entry');
    if (e.optStr('kind') !== 'topup' || e.int('amountFen') <= 0) continue;
    const amountFen = Math.min(leftFen, e.int('amountFen'));
    targets.push({ topupId: e.str('ref'), amountFen });
    leftFen -= amountFen;
  }
  return { targets, uncoveredFen: leftFen };
}

/**
 * Closing a card online (退卡退款), by its holder in the app, the resident id number typed again: with
 * nothing open and the balance covered by refunds of its latest top-ups, in one transaction the
 * balance leaves the card for the provider-refunds account, one refund per top-up is requested of the
 * provider, the points lapse into the pool, and the card closes. The provider's word settles each
 * refund (settleProviderRefund). Once per closureId; a closed card is 422 CARD_CLOSED.
 */
export function closeOnline(
  store: Store,
  input: { closureId: string; cardId: string; idNumber: string; pepper: string; now: Date; requestHash: string },
): Promise<OnlineClosure> {
  const command: Command<OnlineClosure> = {
    reads: { wallet: accountKey(input.cardId), points: accountKey(cardPoints(input.cardId)) },
    plan: async (items) => {
      const card = cardOf(items.wallet);
      if (!card) throw new NotFoundError('Card');
      if (card.status === 'closed') throw new RefusedError('CARD_CLOSED', 'This card is closed already');
      if (residentIdHash(input.idNumber, input.pepper) !== card.residentIdHash) {
        throw new RefusedError('ID_MISMATCH', 'This id number is not the card holder’s');
      }
      assertNothingOpen(card, input.now);
      const { targets, uncoveredFen } = await refundTargets(store, card.cardId, card.balanceFen);
      if (uncoveredFen > 0) {
        throw new ConflictError('CLOSURE_BLOCKED', 'Part of the balance did not come from online top-ups', {
          uncoveredFen,
          hint: 'close the card at a service outlet: the balance is paid back in cash',
        });
      }
      return closurePlan(store.tableName, input, card.balanceFen, targets, items.points);
    },
    replay: () => answeredMeanwhile(store, closureKey(input.closureId), input.requestHash),
  };
  return runCommand(store, command);
}

function closurePlan(
  tableName: string,
  input: { closureId: string; cardId: string; now: Date; requestHash: string },
  balanceFen: number,
  targets: { topupId: string; amountFen: number }[],
  pointsItem: Item | undefined,
) {
  const points = closurePointsParts(input.cardId, pointsItem);
  const refunds = targets.map(
    (t, i): ProviderRefund => ({ ...t, refundId: `${input.closureId}-${i + 1}`, status: 'requested' }),
  );
  const result: OnlineClosure = {
    closureId: input.closureId,
    cardId: input.cardId,
    status: 'closed',
    refundedFen: balanceFen,
    refunds,
    pointsLapsed: points.points,
  };
  const postings = [
    ...(balanceFen > 0
      ? [
          { accountId: input.cardId, amountFen: -balanceFen },
          { accountId: SYSTEM.providerRefunds, amountFen: balanceFen },
        ]
      : []),
    ...points.postings,
  ];
  const at = input.now.toISOString();
  const put = (item: Item): GuardedWrite => ({
    item: { Put: { TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
    onConditionFailed: 'replay',
  });
  return {
    ...(postings.length > 0
      ? {
          transfer: {
            transferId: `closure:${input.closureId}`,
            kind: 'closure' as const,
            at,
            description: 'Card closed online: balance refunded to the top-up provider',
            ref: input.closureId,
            postings,
          },
        }
      : {}),
    walletAttributes: points.walletAttributes,
    walletItemSets: { [input.cardId]: closedItemSets(input.now, 'online') },
    writes: [
      // The request's record, by its Idempotency-Key: a retry is answered from it.
      put({
        ...closureKey(input.closureId),
        closureId: input.closureId,
        cardId: input.cardId,
        at,
        ...keptAnswerAttributes(input.requestHash, { status: 201, body: result }),
      }),
      ...refunds.map((r) =>
        put({
          ...providerRefundKey(r.refundId),
          ...r,
          cardId: input.cardId,
          closureId: input.closureId,
          requestedAt: at,
        }),
      ),
    ],
    result,
  };
}
