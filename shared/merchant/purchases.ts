import { createHash } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { type CampaignUses, chooseDiscount } from '../campaigns/discount';
import type { CampaignsLoader } from '../campaigns/store';
import type { CardItem } from '../cards/cards';
import type { MachineClient } from '../clients/clients';
import { claimedKeys, presentationReads, proofGuardWrite } from '../credentials/presented';
import { denyDecision, verifyTokens } from '../credentials/verify';
import { ConflictError } from '../errors';
import type { KeyRing } from '../keys/keyring';
import { campaignBudget, merchantPayable } from '../ledger/accounts';
import { type CommandPlan, type GuardedWrite, runCommand } from '../ledger/command';
import { merchantPaymentsIndex, paymentKey } from '../store/keys';
import type { Store } from '../store/store';
import { fareDay } from '../time/shanghai';
import type { PurchaseDeclineCode, PurchaseRequest, PurchaseResult } from './model';

export interface MerchantDeps {
  store: Store;
  clock: () => Date;
  keyRing: KeyRing;
  issuer: string;
  campaigns: CampaignsLoader;
  /** The hour the fare day (and a campaign's "per day") starts, Shanghai time. */
  dayStartHour: number;
}

export const purchaseRequestHash = (req: PurchaseRequest) =>
  createHash('sha256')
    .update(
      JSON.stringify(
        Object.keys(req)
          .sort()
          .map((k) => [k, req[k as keyof PurchaseRequest]]),
      ),
    )
    .digest('base64url');

/** The stored answer of a payment id (forever, declined ones too); another body under it is a conflict. */
export async function storedPurchase(store: Store, paymentId: string, hash?: string) {
  const { Item } = await store.doc.send(
    new GetCommand({ TableName: store.tableName, Key: paymentKey(paymentId), ConsistentRead: true }),
  );
  if (!Item) return undefined;
  if (hash && Item.requestHash !== hash)
    throw new ConflictError('IDEMPOTENCY_KEY_REUSED', `paymentId ${paymentId} was used for another payment`);
  return Item;
}

function paymentRecord(
  tableName: string,
  req: PurchaseRequest,
  hash: string,
  pos: Pick<MachineClient, 'clientId' | 'scope'>,
  result: PurchaseResult,
  at: Date,
  cardId: string | null,
): GuardedWrite {
  return {
    item: {
      Put: {
        TableName: tableName,
        Item: {
          ...paymentKey(req.paymentId),
          gsi1pk: merchantPaymentsIndex(pos.scope.merchantId!),
          gsi1sk: `${at.toISOString()}#${req.paymentId}`,
          paymentId: req.paymentId,
          requestHash: hash,
          result: JSON.stringify(result),
          merchantId: pos.scope.merchantId,
          posId: pos.clientId,
          cardId,
          status: result.status,
          amountFen: result.amountFen,
          discountFen: result.discountFen,
          chargedFen: result.chargedFen,
          campaignId: result.campaignId,
          at: at.toISOString(),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    onConditionFailed: 'replay',
  };
}

/**
 * A purchase at an alliance merchant's POS: the phone's credential and proof (its `amt` must be the
 * amount), the best discount of the campaigns running here, and in one transaction the card charged
 * the amount less the discount, the merchant credited the whole amount, the campaign budget paying
 * the discount (only if it can: otherwise the purchase goes through without it), the card's campaign
 * use counted, the proof used up and the payment recorded. A refusal is an answer, moving no money.
 */
export async function processPurchase(
  deps: MerchantDeps,
  pos: Pick<MachineClient, 'clientId' | 'scope'>,
  req: PurchaseRequest,
): Promise<PurchaseResult> {
  const { store } = deps;
  const hash = purchaseRequestHash(req);
  const at = deps.clock();
  const merchantId = pos.scope.merchantId!;
  const verifying = deps.keyRing.jwks().then((jwks) =>
    verifyTokens(
      {
        credential: req.credential,
        proof: req.proof,
        challenge: req.challenge,
        terminalId: pos.clientId,
        at,
        amountFen: req.amountFen,
      },
      { issuer: deps.issuer, jwks, now: at },
    ),
  );
  verifying.catch(() => undefined);
  const claimed = claimedKeys(req.credential, req.proof);
  const campaigns = await deps.campaigns();

  return runCommand(store, {
    reads: (ctx) => presentationReads(claimed, ctx),
    optimisticReplay: true,
    plan: async (items, ctx): Promise<CommandPlan<PurchaseResult>> => {
      const card = items.wallet as (CardItem & { campaignUses?: CampaignUses }) | undefined;
      const decline = (declineCode: PurchaseDeclineCode): CommandPlan<PurchaseResult> => {
        const result: PurchaseResult = {
          paymentId: req.paymentId,
          status: 'declined',
          amountFen: req.amountFen,
          discountFen: 0,
          chargedFen: 0,
          campaignId: null,
          declineCode,
        };
        return { writes: [paymentRecord(store.tableName, req, hash, pos, result, at, card?.cardId ?? null)], result };
      };
      const verdict = await verifying;
      if (!verdict.ok) return decline(verdict.declineCode);
      const { credential } = verdict;
      if (!card) return decline('PROOF_INVALID');
      const denied = denyDecision(credential, {
        cards: new Set(card.status === 'frozen' ? [card.cardId] : []),
        devices: card.revokedDevices ?? new Set(),
      });
      if (denied && !denied.ok) return decline(denied.declineCode);
      if (items.jti) return decline('REPLAYED');

      const day = fareDay(at, deps.dayStartHour);
      const outOfBudget = new Set([...ctx.exhaustedShards].map((s) => s.replace(/^campaign:(.+):budget#\d+$/, '$1')));
      const choice = chooseDiscount(campaigns, {
        merchantId,
        amountFen: req.amountFen,
        at,
        fareDay: day,
        uses: card.campaignUses,
        outOfBudget,
      });
      const discountFen = choice?.discountFen ?? 0;
      const chargedFen = req.amountFen - discountFen;
      // A purchase needs the whole charge in the balance: the negative limit is for transit only.
      if (card.balanceFen < chargedFen) return decline('INSUFFICIENT_FUNDS');

      const result: PurchaseResult = {
        paymentId: req.paymentId,
        status: 'accepted',
        amountFen: req.amountFen,
        discountFen,
        chargedFen,
        campaignId: choice?.campaignId ?? null,
      };
      const uses: CampaignUses = { ...card.campaignUses };
      if (choice) {
        const used = uses[choice.campaignId];
        uses[choice.campaignId] = { day, count: used?.day === day ? used.count + 1 : 1 };
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
        walletAttributes: { [card.cardId]: { campaignUses: uses } },
        writes: [
          paymentRecord(store.tableName, req, hash, pos, result, at, card.cardId),
          proofGuardWrite(store.tableName, credential.did, verdict.proof.jti, at, req.paymentId),
        ],
        result,
      };
    },
    replay: async () => {
      const item = await storedPurchase(store, req.paymentId, hash);
      return item ? (JSON.parse(item.result as string) as PurchaseResult) : undefined;
    },
  });
}
