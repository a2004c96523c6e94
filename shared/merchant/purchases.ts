import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { CampaignsLoader, MerchantTermsLoader } from '../campaigns/store';
import type { ScopeOf } from '../clients/clients';
import { requestHash, runPresented, type TerminalPolicy } from '../credentials/pipeline';
import { RefusedError } from '../errors';
import type { KeyRing } from '../keys/keyring';
import { pointsReads } from '../points/account';
import { attributes } from '../store/attributes';
import { keptJson } from '../store/kept-text';
import { transferKey } from '../store/keys';
import type { Store } from '../store/store';
import { fareDay } from '../time/shanghai';
import type { PurchaseDeclineCode, PurchaseRequest, PurchaseResult } from './model';
import { planPurchase, purchaseTransferId } from './purchase-plan';

export interface MerchantDeps {
  store: Store;
  clock: () => Date;
  keyRing: KeyRing;
  issuer: string;
  campaigns: CampaignsLoader;
  /** The hour the fare day (and a campaign's "per day") starts, Shanghai time. */
  dayStartHour: number;
  /** The merchant's name for the statement line and its points terms. */
  merchantTerms: MerchantTermsLoader;
}

export const purchaseRequestHash = (req: PurchaseRequest) => requestHash(req);

/** What a refund needs of a purchase, as its record keeps it (forever, declined ones too). */
export interface PurchaseRecord {
  merchantId: string;
  cardId: string | null;
  result: PurchaseResult;
}

export async function storedPurchase(store: Store, paymentId: string): Promise<PurchaseRecord | undefined> {
  const { Item } = await store.doc.send(
    new GetCommand({
      TableName: store.tableName,
      Key: transferKey(purchaseTransferId(paymentId)),
      ConsistentRead: true,
    }),
  );
  if (!Item || typeof Item.merchantId !== 'string') return undefined;
  return {
    merchantId: Item.merchantId,
    cardId: attributes(Item, 'purchase').optStr('cardId') ?? null,
    result: keptJson<PurchaseResult>(Item.result),
  };
}

/**
 * A purchase at an alliance merchant's POS: the phone's credential and proof (its `amt` must be the
 * amount, its `pts` cover the points to spend) through the presentation pipeline, the best discount of
 * the campaigns running here, and in one transaction the card charged the amount less the discount and
 * the points, the merchant credited the whole amount less the points its customer earns, the campaign
 * budget paying the discount (only if it can: otherwise the purchase goes through without it), the
 * card's points spent and earned, the proof used up, and the payment's record on its transfer. A
 * refusal is an answer, kept at the same key, moving no money. Asking to spend more points than the
 * merchant takes is 422 POINTS_OVER_LIMIT, before anything is read.
 */
/** The points a purchase asks to spend, at most the merchant's share of its amount (else 422). */
function pointsAsked(req: PurchaseRequest, spendMaxPercent: number): number {
  const points = req.points ?? 0;
  const maxPoints = Math.floor((req.amountFen * spendMaxPercent) / 100);
  if (points > maxPoints) {
    throw new RefusedError('POINTS_OVER_LIMIT', `At most ${maxPoints} points may pay this purchase here`, {
      maxPoints,
    });
  }
  return points;
}

export async function processPurchase(
  deps: MerchantDeps,
  pos: { clientId: string; scope: ScopeOf<'merchant-pos'>; policy?: TerminalPolicy; assertionSpent?: Promise<void> },
  req: PurchaseRequest,
): Promise<PurchaseResult> {
  const at = deps.clock();
  const { merchantId } = pos.scope;
  const [campaigns, terms] = await Promise.all([deps.campaigns(), deps.merchantTerms(merchantId)]);
  const points = pointsAsked(req, terms.pointsSpendMaxPercent);

  return runPresented<PurchaseResult, PurchaseDeclineCode>(deps, {
    terminalId: pos.clientId,
    policy: pos.policy,
    assertionSpent: pos.assertionSpent,
    card: {
      credential: req.credential,
      proof: req.proof,
      challenge: req.challenge,
      at,
      amountFen: req.amountFen,
      points,
    },
    record: {
      key: transferKey(purchaseTransferId(req.paymentId)),
      idName: 'paymentId',
      id: req.paymentId,
      requestHash: purchaseRequestHash(req),
      // The amounts are the answer's own (`result`): the record keeps only who and where.
      attributes: (_result, card) => ({
        merchantId,
        posId: pos.clientId,
        cardId: card?.cardId ?? null,
        at: at.toISOString(),
      }),
    },
    // The card's points with the card: a purchase may spend or earn them.
    reads: (_ctx, cardId) => pointsReads(cardId),
    decline: (declineCode) => ({
      paymentId: req.paymentId,
      status: 'declined',
      amountFen: req.amountFen,
      discountFen: 0,
      chargedFen: 0,
      campaignId: null,
      pointsSpent: 0,
      pointsEarned: 0,
      declineCode,
    }),
    accept: ({ card, items, ctx }) =>
      planPurchase(
        {
          req,
          merchantId,
          terms,
          card,
          pointsItem: items.points,
          campaigns,
          at,
          fareDay: fareDay(at, deps.dayStartHour),
          tableName: deps.store.tableName,
        },
        ctx.exhaustedShards,
      ),
  });
}
