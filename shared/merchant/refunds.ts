import { createHash } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { ScopeOf } from '../clients/clients';
import { ConflictError, ForbiddenError, NotFoundError, RefusedError } from '../errors';
import { campaignBudget, cardPoints, merchantPayable } from '../ledger/accounts';
import { type Command, type CommandPlan, runCommand } from '../ledger/command';
import { refundGuardWrite, storedResult, storedTransfer, type TransferResult } from '../ledger/transfers';
import { pointsHeldOf, pointsPlanParts } from '../points/account';
import { monthOf } from '../points/lots';
import { refundPoints } from '../points/movements';
import { attributes } from '../store/attributes';
import type { Item } from '../store/items';
import { keptJson } from '../store/kept-text';
import { accountKey, transferKey } from '../store/keys';
import type { Store } from '../store/store';
import type { PurchaseResult, RefundResult } from './model';
import { purchaseTransferId } from './purchase-plan';
import { type PurchaseRecord, storedPurchase } from './purchases';

/**
 * The campaign's share of refunds so far: the discount in proportion to what was refunded of the
 * charge, rounded down, and computed on the running total so that a whole refund gives back the
 * whole discount exactly, whatever the parts.
 */
export function discountShareFen(
  payment: Pick<PurchaseResult, 'discountFen' | 'chargedFen'>,
  refundedFen: number,
): number {
  if (payment.chargedFen === 0) return 0;
  return Math.floor((refundedFen * payment.discountFen) / payment.chargedFen);
}

const refundHash = (paymentId: string, amountFen: number) =>
  createHash('sha256').update(`${paymentId}:${amountFen}`).digest('base64url');

/** A refund's money movement; its record (the refundId's request hash and answer) rides on it, as a purchase's does. */
const refundTransferId = (refundId: string) => `refund:${refundId}`;

async function storedRefund(store: Store, refundId: string, hash: string): Promise<RefundResult | undefined> {
  const { Item } = await store.doc.send(
    new GetCommand({ TableName: store.tableName, Key: transferKey(refundTransferId(refundId)), ConsistentRead: true }),
  );
  if (!Item) return undefined;
  if (Item.requestHash !== hash)
    throw new ConflictError('IDEMPOTENCY_KEY_REUSED', `refundId ${refundId} was used for another refund`);
  return keptJson<RefundResult>(Item.result);
}

/**
 * Gives back (part of) a purchase: the card gets at most what it was charged, over all refunds
 * together (422 REFUND_EXCEEDS_CHARGE beyond that); the campaign budget gets the discount's share in
 * proportion; the merchant pays both. One transaction, once per refundId. What was given back is
 * counted on the purchase's transfer record, the counter an operator's reversal adds to as well, so
 * the two paths together never return more than the card paid. A refund that would take the card
 * over its limit is refused (422 BALANCE_LIMIT) and moves nothing.
 */
export async function refundPurchase(
  store: Store,
  pos: { scope: ScopeOf<'merchant-pos'>; merchantName?: string | undefined },
  input: { paymentId: string; refundId: string; amountFen: number; now: Date },
): Promise<RefundResult> {
  const hash = refundHash(input.paymentId, input.amountFen);
  // Scope first: another merchant's POS learns nothing, not even whether a refund id exists.
  const first = await storedPurchase(store, input.paymentId);
  if (!first) throw new NotFoundError('Payment', { paymentId: input.paymentId });
  if (first.merchantId !== pos.scope.merchantId) throw new ForbiddenError('This payment was made at another merchant');
  const known = await storedRefund(store, input.refundId, hash);
  if (known) return known;
  const { cardId, payment } = charged(first);
  const purchaseId = purchaseTransferId(input.paymentId);

  const refund = {
    ...input,
    transferId: refundTransferId(input.refundId),
    hash,
    description: `Refund from ${pos.merchantName ?? payment.merchantId}`,
  };
  const command: Command<RefundResult> = {
    reads: refundReads(cardId, purchaseId),
    plan: (items) => planRefund(store.tableName, refund, payment, cardId, items),
    replay: () => storedRefund(store, input.refundId, hash),
  };
  return runCommand(store, command);
}

/** What a give-back of a purchase needs of it: the card it charged and its answer; a declined one charged nothing. */
function charged(first: PurchaseRecord): { cardId: string; payment: StoredPayment } {
  if (first.result.status !== 'accepted' || !first.cardId)
    throw new RefusedError('REFUND_EXCEEDS_CHARGE', 'A declined payment charged nothing');
  return { cardId: first.cardId, payment: { ...first.result, merchantId: first.merchantId } };
}

const refundReads = (cardId: string, purchaseId: string) => ({
  purchase: transferKey(purchaseId),
  wallet: accountKey(cardId),
  points: accountKey(cardPoints(cardId)),
});

/**
 * An operator's reversal of (part of) a purchase: the same give-back as a POS refund (the discount's
 * and the points' shares in proportion, on the same counter), by the operator's transfer id; the
 * whole rest when no amount is given.
 */
export async function reversePurchase(
  store: Store,
  input: { transferId: string; paymentId: string; amountFen?: number; reason: string; now: Date },
): Promise<TransferResult> {
  const first = await storedPurchase(store, input.paymentId);
  if (!first) throw new NotFoundError('Transfer', { transferId: purchaseTransferId(input.paymentId) });
  const { cardId, payment } = charged(first);
  const purchaseId = purchaseTransferId(input.paymentId);
  const command: Command<TransferResult> = {
    reads: refundReads(cardId, purchaseId),
    plan: (items) => {
      const refunded = attributes(items.purchase ?? {}, 'purchase').intOr0('refundedFen');
      const amountFen = input.amountFen ?? payment.chargedFen - refunded;
      if (amountFen <= 0) throw new RefusedError('REFUND_EXCEEDS_CHARGE', 'Nothing is left to give back');
      const reversal = {
        ...input,
        amountFen,
        refundId: input.transferId,
        hash: refundHash(input.paymentId, amountFen),
        description: `Reversal of ${purchaseId}: ${input.reason}`,
      };
      const plan = planRefund(store.tableName, reversal, payment, cardId, items);
      const balanceFen = attributes(items.wallet ?? {}, 'wallet').int('balanceFen') + amountFen;
      return { ...plan, result: { transferId: input.transferId, walletBalances: { [cardId]: balanceFen } } };
    },
    replay: async () => storedResult<TransferResult>(await storedTransfer(store, { transferId: input.transferId })),
  };
  return runCommand(store, command);
}

type StoredPayment = PurchaseResult & { merchantId: string };
type RefundInput = {
  paymentId: string;
  refundId: string;
  transferId: string;
  amountFen: number;
  now: Date;
  hash: string;
  description: string;
};

/**
 * A refund planned on the purchase's counter of what was given back and on the card's points: the
 * money, the discount's share back to its campaign, the points' shares, and the counter's guard.
 */
function planRefund(
  tableName: string,
  input: RefundInput,
  payment: StoredPayment,
  cardId: string,
  items: Record<string, Item | undefined>,
): CommandPlan<RefundResult> {
  const purchaseId = purchaseTransferId(input.paymentId);
  const refunded = attributes(items.purchase ?? {}, 'purchase').intOr0('refundedFen');
  const refundedAfter = refunded + input.amountFen;
  if (refundedAfter > payment.chargedFen) {
    throw new RefusedError('REFUND_EXCEEDS_CHARGE', `At most ${payment.chargedFen - refunded} fen is left to refund`, {
      chargedFen: payment.chargedFen,
      refundedFen: refunded,
    });
  }
  const shareFen = discountShareFen(payment, refundedAfter) - discountShareFen(payment, refunded);
  const held = pointsHeldOf(items.points, monthOf(input.now));
  const points = refundPoints(
    held,
    // A purchase answered before points existed spent and earned none.
    { spent: payment.pointsSpent ?? 0, earned: payment.pointsEarned ?? 0, chargedFen: payment.chargedFen },
    { beforeFen: refunded, afterFen: refundedAfter },
  );
  const moved = points.givenBack > 0 || points.takenBack > 0;
  const pointsParts = moved ? pointsPlanParts(tableName, cardId, held, points) : {};
  const result: RefundResult = {
    refundId: input.refundId,
    paymentId: input.paymentId,
    amountFen: input.amountFen,
    discountReturnedFen: shareFen,
    refundedTotalFen: refundedAfter,
    pointsReturned: points.givenBack,
    pointsTakenBack: points.takenBack,
    status: 'completed',
  };
  return {
    transfer: {
      transferId: input.transferId,
      kind: 'refund',
      at: input.now.toISOString(),
      description: input.description,
      ref: input.paymentId,
      reverses: purchaseId,
      postings: [
        { accountId: cardId, amountFen: input.amountFen },
        {
          accountId: merchantPayable(payment.merchantId),
          amountFen: -(input.amountFen + shareFen + points.givenBack) + points.takenBack,
        },
        ...(payment.campaignId && shareFen > 0
          ? [{ accountId: campaignBudget(payment.campaignId), amountFen: shareFen }]
          : []),
        ...(moved ? [{ accountId: cardPoints(cardId), amountFen: points.givenBack - points.takenBack }] : []),
      ],
      ...(moved ? { points: { fundedFen: -points.takenBack, spentFen: -points.givenBack } } : {}),
    },
    ...pointsParts,
    // The refundId's record on the transfer's own put (its anchor): the hash a retry is compared by.
    transferAttributes: { refundId: input.refundId, requestHash: input.hash },
    writes: [
      refundGuardWrite(tableName, purchaseId, input.amountFen, payment.chargedFen),
      ...(pointsParts.writes ?? []),
    ],
    result,
  };
}
