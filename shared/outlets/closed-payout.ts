import { cardOf } from '../cards/cards';
import { residentIdHash } from '../eligibility/resident-id';
import { ConflictError, NotFoundError, RefusedError } from '../errors';
import { outletTill } from '../ledger/accounts';
import { type Command, runCommand } from '../ledger/command';
import { storedResult, storedTransfer } from '../ledger/transfers';
import { accountKey } from '../store/keys';
import type { Store } from '../store/store';
import { businessDate } from '../time/shanghai';
import type { Outlet } from './counter';
import { tillPayoutWrite } from './till';

export interface ClosedCardPayout {
  payoutId: string;
  cardId: string;
  paidOutFen: number;
}

const payoutTransferId = (payoutId: string) => `closed-payout:${payoutId}`;

/**
 * Paying out what came back onto a closed card (a refund the top-up provider refused) in cash at a
 * service outlet: the holder shows the resident id card (the phone's credential died with the card),
 * the agent types the card id from the app and the id number; the whole balance leaves the card for
 * the outlet's till, once per payoutId. A closed card with nothing on it is 409 CLOSURE_BLOCKED; an
 * open card closes at the counter instead (422 CARD_CLOSED is not its state: 409 too).
 */
export function payOutClosedCard(
  store: Store,
  outlet: Outlet,
  input: { payoutId: string; cardId: string; idNumber: string; pepper: string; now: Date },
): Promise<ClosedCardPayout> {
  const transferId = payoutTransferId(input.payoutId);
  const command: Command<ClosedCardPayout> = {
    reads: { wallet: accountKey(input.cardId) },
    plan: (items) => {
      const card = cardOf(items.wallet);
      if (!card) throw new NotFoundError('Card', { cardId: input.cardId });
      if (residentIdHash(input.idNumber, input.pepper) !== card.residentIdHash) {
        throw new RefusedError('ID_MISMATCH', 'This id number is not the card holder’s');
      }
      if (card.status !== 'closed' || card.balanceFen <= 0) {
        throw new ConflictError('CLOSURE_BLOCKED', 'Only a closed card’s returned money is paid out here', {
          status: card.status,
          balanceFen: card.balanceFen,
        });
      }
      const paidOutFen = card.balanceFen;
      return {
        transfer: {
          transferId,
          kind: 'closure',
          at: input.now.toISOString(),
          description: `Returned money paid out in cash at ${outlet.scope.outletId}`,
          ref: input.payoutId,
          postings: [
            { accountId: card.cardId, amountFen: -paidOutFen },
            { accountId: outletTill(outlet.scope.outletId), amountFen: paidOutFen },
          ],
        },
        settlesClosed: true,
        writes: [tillPayoutWrite(store.tableName, outlet.scope.outletId, businessDate(input.now), paidOutFen)],
        result: { payoutId: input.payoutId, cardId: card.cardId, paidOutFen },
      };
    },
    replay: async () => storedResult<ClosedCardPayout>(await storedTransfer(store, { transferId })),
  };
  return runCommand(store, command);
}
