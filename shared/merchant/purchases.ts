import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { CampaignsLoader } from '../campaigns/store';
import type { ScopeOf } from '../clients/clients';
import { requestHash, runPresented } from '../credentials/pipeline';
import type { KeyRing } from '../keys/keyring';
import { attributes } from '../store/attributes';
import { keptJson } from '../store/kept-text';
import { transferKey } from '../store/keys';
import type { Store } from '../store/store';
import { fareDay } from '../time/shanghai';
import type { PurchaseRequest, PurchaseResult } from './model';
import { planPurchase, purchaseTransferId } from './purchase-plan';

export interface MerchantDeps {
  store: Store;
  clock: () => Date;
  keyRing: KeyRing;
  issuer: string;
  campaigns: CampaignsLoader;
  /** The hour the fare day (and a campaign's "per day") starts, Shanghai time. */
  dayStartHour: number;
  /** The merchant's name for the statement line (its id where the catalogue names none). */
  merchantName?: ((merchantId: string) => Promise<string | undefined>) | undefined;
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
 * amount) through the presentation pipeline, the best discount of the campaigns running here, and in
 * one transaction the card charged the amount less the discount, the merchant credited the whole
 * amount, the campaign budget paying the discount (only if it can: otherwise the purchase goes through
 * without it), the card's campaign use counted, the proof used up, and the payment's record on its
 * transfer. A refusal is an answer, kept at the same key, moving no money.
 */
export async function processPurchase(
  deps: MerchantDeps,
  pos: { clientId: string; scope: ScopeOf<'merchant-pos'>; assertionSpent?: Promise<void> },
  req: PurchaseRequest,
): Promise<PurchaseResult> {
  const at = deps.clock();
  const { merchantId } = pos.scope;
  const [campaigns, merchantName] = await Promise.all([deps.campaigns(), deps.merchantName?.(merchantId)]);

  return runPresented<PurchaseResult, never>(deps, {
    terminalId: pos.clientId,
    assertionSpent: pos.assertionSpent,
    card: { credential: req.credential, proof: req.proof, challenge: req.challenge, at, amountFen: req.amountFen },
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
    decline: (declineCode) => ({
      paymentId: req.paymentId,
      status: 'declined',
      amountFen: req.amountFen,
      discountFen: 0,
      chargedFen: 0,
      campaignId: null,
      declineCode,
    }),
    accept: ({ card, ctx }) =>
      planPurchase(
        { req, merchantId, merchantName, card, campaigns, at, fareDay: fareDay(at, deps.dayStartHour) },
        ctx.exhaustedShards,
      ),
  });
}
