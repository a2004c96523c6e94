import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { type CampaignUses, chooseDiscount } from '../campaigns/discount';
import type { CampaignsLoader } from '../campaigns/store';
import type { ScopeOf } from '../clients/clients';
import { requestHash, runPresented } from '../credentials/pipeline';
import type { KeyRing } from '../keys/keyring';
import { campaignBudget, merchantPayable } from '../ledger/accounts';
import { merchantPaymentsIndex, paymentKey } from '../store/keys';
import type { Store } from '../store/store';
import { fareDay } from '../time/shanghai';
import type { PurchaseRequest, PurchaseResult } from './model';

export interface MerchantDeps {
  store: Store;
  clock: () => Date;
  keyRing: KeyRing;
  issuer: string;
  campaigns: CampaignsLoader;
  /** The hour the fare day (and a campaign's "per day") starts, Shanghai time. */
  dayStartHour: number;
}

export const purchaseRequestHash = (req: PurchaseRequest) => requestHash(req);

/** The stored payment of a payment id (forever, declined ones too). */
export async function storedPurchase(store: Store, paymentId: string) {
  const { Item } = await store.doc.send(
    new GetCommand({ TableName: store.tableName, Key: paymentKey(paymentId), ConsistentRead: true }),
  );
  return Item;
}

/**
 * A purchase at an alliance merchant's POS: the phone's credential and proof (its `amt` must be the
 * amount) through the presentation pipeline, the best discount of the campaigns running here, and in
 * one transaction the card charged the amount less the discount, the merchant credited the whole
 * amount, the campaign budget paying the discount (only if it can: otherwise the purchase goes through
 * without it), the card's campaign use counted, the proof used up and the payment recorded. A refusal
 * is an answer, moving no money.
 */
export async function processPurchase(
  deps: MerchantDeps,
  pos: { clientId: string; scope: ScopeOf<'merchant-pos'>; assertionSpent?: Promise<void> },
  req: PurchaseRequest,
): Promise<PurchaseResult> {
  const at = deps.clock();
  const { merchantId } = pos.scope;
  const campaigns = await deps.campaigns();

  return runPresented<PurchaseResult, never>(deps, {
    terminalId: pos.clientId,
    assertionSpent: pos.assertionSpent,
    card: { credential: req.credential, proof: req.proof, challenge: req.challenge, at, amountFen: req.amountFen },
    record: {
      key: paymentKey(req.paymentId),
      idName: 'paymentId',
      id: req.paymentId,
      requestHash: purchaseRequestHash(req),
      attributes: (result, card) => ({
        gsi1pk: merchantPaymentsIndex(merchantId),
        gsi1sk: `${at.toISOString()}#${req.paymentId}`,
        paymentId: req.paymentId,
        merchantId,
        posId: pos.clientId,
        cardId: card?.cardId ?? null,
        status: result.status,
        amountFen: result.amountFen,
        discountFen: result.discountFen,
        chargedFen: result.chargedFen,
        campaignId: result.campaignId,
        at: at.toISOString(),
      }),
    },
    decline: (declineCode) => ({
      paymentId: req.paymentId,
      status: 'declined',
      amountFen: req.amountFen,
      discountFen: 0,
      chargedFen: 0,
      campaignId: null,
      declineCode,
    }),
    accept: ({ card, ctx }) => {
      const day = fareDay(at, deps.dayStartHour);
      const outOfBudget = new Set([...ctx.exhaustedShards].map((s) => s.replace(/^campaign:(.+):budget#\d+$/, '$1')));
      const uses = card.campaignUses as CampaignUses | undefined;
      const choice = chooseDiscount(campaigns, {
        merchantId,
        amountFen: req.amountFen,
        at,
        fareDay: day,
        uses,
        outOfBudget,
      });
      const discountFen = choice?.discountFen ?? 0;
      const chargedFen = req.amountFen - discountFen;
      // A purchase needs the whole charge in the balance: the negative limit is for transit only.
      if (card.balanceFen < chargedFen) return { decline: 'INSUFFICIENT_FUNDS' };

      const result: PurchaseResult = {
        paymentId: req.paymentId,
        status: 'accepted',
        amountFen: req.amountFen,
        discountFen,
        chargedFen,
        campaignId: choice?.campaignId ?? null,
      };
      const usesAfter: CampaignUses = { ...uses };
      if (choice) {
        const used = usesAfter[choice.campaignId];
        usesAfter[choice.campaignId] = { day, count: used?.day === day ? used.count + 1 : 1 };
      }
      return {
        transfer: {
          transferId: `purchase:${req.paymentId}`,
          kind: 'purchase',
          at: at.toISOString(),
          description: choice
            ? `Purchase at ${merchantId} (${choice.campaignId}: ${discountFen} fen off)`
            : `Purchase at ${merchantId}`,
          ref: req.paymentId,
          // Refunds give back what the card paid; the campaign's share follows in proportion.
          refundableFen: chargedFen,
          postings: [
            { accountId: card.cardId, amountFen: -chargedFen },
            { accountId: merchantPayable(merchantId), amountFen: req.amountFen },
            ...(choice ? [{ accountId: campaignBudget(choice.campaignId), amountFen: -discountFen }] : []),
          ],
        },
        walletAttributes: { [card.cardId]: { campaignUses: usesAfter } },
        result,
      };
    },
  });
}
