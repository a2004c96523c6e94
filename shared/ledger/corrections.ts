import { createHash } from 'node:crypto';
import { NotFoundError, RefusedError } from '../errors';
import { attributes } from '../store/attributes';
import { SYSTEM } from './accounts';
import {
  postingsOf,
  postRefund,
  postTransfer,
  type RefundCarry,
  refundableFen,
  storedTransfer,
  type TransferResult,
} from './transfers';

/** An operator's transfer id follows from its Idempotency-Key, so a retried correction is the same correction. */
export function operatorTransferId(prefix: 'adj' | 'rev', idempotencyKey: string): string {
  return `${prefix}:${createHash('sha256').update(idempotencyKey).digest('base64url').slice(0, 24)}`;
}

/**
 * A correction of a card's balance, booked against the adjustments account: positive credits the
 * card, negative debits it (never below 0: the negative limit is for transit only).
 */
export function adjustCard(
  store: Parameters<typeof postTransfer>[0],
  input: { transferId: string; cardId: string; amountFen: number; reason: string; at: Date },
): Promise<TransferResult> {
  return postTransfer(store, {
    transferId: input.transferId,
    kind: 'adjustment',
    at: input.at.toISOString(),
    description: `Adjustment: ${input.reason}`,
    ref: input.transferId,
    postings: [
      { accountId: input.cardId, amountFen: input.amountFen },
      { accountId: SYSTEM.adjustments, amountFen: -input.amountFen },
    ],
  });
}

/**
 * Gives back (part of) an earlier transfer: a new transfer undoing each posting in proportion,
 * never an edit. Every give-back of one transfer (these, a POS's refunds, an exit's) counts against
 * the same counter on its record, so together they never return more than it took (postRefund).
 */
export async function reverseTransfer(
  store: Parameters<typeof postTransfer>[0],
  input: { transferId: string; originalId: string; amountFen?: number; reason: string; at: Date },
  carry?: RefundCarry,
): Promise<TransferResult> {
  const original = await storedTransfer(store, { transferId: input.originalId });
  if (!original) throw new NotFoundError('Transfer', { transferId: input.originalId });
  const postings = postingsOf(original);
  if (postings.length !== 2) {
    throw new RefusedError(
      'REFUND_EXCEEDS_CHARGE',
      'Only two-legged transfers can be reversed by amount; reverse its parts instead',
    );
  }
  const moved = refundableFen(original);
  const amountFen = input.amountFen ?? moved - attributes(original, 'transfer').intOr0('refundedFen');
  if (amountFen <= 0 || amountFen > moved) {
    throw new RefusedError('REFUND_EXCEEDS_CHARGE', `A reversal gives back 1 to ${moved} fen of this transfer`, {
      movedFen: moved,
    });
  }
  return postRefund(
    store,
    {
      transferId: input.transferId,
      kind: original.kind === 'fare' || original.kind === 'purchase' ? 'refund' : 'adjustment',
      at: input.at.toISOString(),
      description: `Reversal of ${input.originalId}: ${input.reason}`,
      ref: input.originalId,
      reverses: input.originalId,
      postings: postings.map((p) => ({ accountId: p.accountId, amountFen: p.amountFen > 0 ? -amountFen : amountFen })),
    },
    { carry },
  );
}
