import { createHash } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { ScopeOf } from '../clients/clients';
import { ConflictError, ForbiddenError, NotFoundError, RefusedError } from '../errors';
import { campaignBudget, merchantPayable } from '../ledger/accounts';
import { type Command, runCommand } from '../ledger/command';
import { refundGuardWrite } from '../ledger/transfers';
import { attributes } from '../store/attributes';
import { keptJson } from '../store/kept-text';
import { accountKey, transferKey } from '../store/keys';
import type { Store } from '../store/store';
import type { PurchaseResult, RefundResult } from './model';
import { purchaseTransferId } from './purchase-plan';
import { storedPurchase } from './purchases';

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
  if (first.result.status !== 'accepted' || !first.cardId)
    throw new RefusedError('REFUND_EXCEEDS_CHARGE', 'A declined payment charged nothing');
  const cardId = first.cardId;
  const payment = { ...first.result, merchantId: first.merchantId };
  const purchaseId = purchaseTransferId(input.paymentId);

  const command: Command<RefundResult> = {
    reads: { purchase: transferKey(purchaseId), wallet: accountKey(cardId) },
    plan: (items) => {
      const refunded = attributes(items.purchase ?? {}, 'purchase').intOr0('refundedFen');
      const refundedAfter = refunded + input.amountFen;
      if (refundedAfter > payment.chargedFen) {
        throw new RefusedError(
          'REFUND_EXCEEDS_CHARGE',
          `At most ${payment.chargedFen - refunded} fen is left to refund`,
          {
            chargedFen: payment.chargedFen,
            refundedFen: refunded,
          },
        );
      }
      const shareFen = discountShareFen(payment, refundedAfter) - discountShareFen(payment, refunded);
      const result: RefundResult = {
        refundId: input.refundId,
        paymentId: input.paymentId,
        amountFen: input.amountFen,
        discountReturnedFen: shareFen,
        refundedTotalFen: refundedAfter,
        status: 'completed',
      };
      return {
        transfer: {
          transferId: refundTransferId(input.refundId),
          kind: 'refund',
          at: input.now.toISOString(),
          description: `Refund from ${pos.merchantName ?? payment.merchantId}`,
          ref: input.paymentId,
          reverses: purchaseId,
          postings: [
            { accountId: cardId, amountFen: input.amountFen },
            { accountId: merchantPayable(payment.merchantId), amountFen: -(input.amountFen + shareFen) },
            ...(payment.campaignId && shareFen > 0
              ? [{ accountId: campaignBudget(payment.campaignId), amountFen: shareFen }]
              : []),
          ],
        },
        // The refundId's record on the transfer's own put (its anchor): the hash a retry is compared by.
        transferAttributes: { refundId: input.refundId, requestHash: hash },
        writes: [refundGuardWrite(store.tableName, purchaseId, input.amountFen, payment.chargedFen)],
        result,
      };
    },
    replay: () => storedRefund(store, input.refundId, hash),
  };
  return runCommand(store, command);
}
