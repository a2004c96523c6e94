import { type CardItem, type CardRules, fareClassOf, verifiedIdentityAttributes } from '../cards/cards';
import type { ScopeOf } from '../clients/clients';
import { type PresentationDeps, requestHash, runPresented } from '../credentials/pipeline';
import type { PresentationDeclineCode } from '../credentials/presented';
import { residentIdHash } from '../eligibility/resident-id';
import { RefusedError } from '../errors';
import type { FareClass } from '../fares/fare-table';
import { outletTill } from '../ledger/accounts';
import { assertRoomForCredit } from '../ledger/holds';
import { attributes } from '../store/attributes';
import type { ItemKey } from '../store/items';
import { cashTopupKey, identityCheckKey, tillKey } from '../store/keys';
import { businessDate } from '../time/shanghai';
import {
  type CashTopupRequest,
  type CashTopupResult,
  type IdentityCheckRequest,
  type OutletsConfig,
  outletLimits,
} from './model';
import { cityCashWrite, TILL_GUARD, tillWrite } from './till';

export interface OutletDeps extends PresentationDeps {
  outlets: () => Promise<OutletsConfig>;
  cardRules: () => Promise<CardRules>;
  maxBalanceFen: () => Promise<number>;
}

export type Outlet = { clientId: string; scope: ScopeOf<'service-outlet'> };

/**
 * At the counter a refusal is the agent's to see and explain, not a terminal's to show: the phone's
 * presentation refused (PROOF_INVALID, CARD_FROZEN, ...) is a 422 with that code, and nothing is kept.
 */
export const refuseAtCounter = (code: PresentationDeclineCode): never => {
  throw new RefusedError(code, `The phone's presentation is refused: ${code}`);
};

/** The cash top-up's record: the outlet's till feed, and the anchor of its retries. */
function cashTopupRecord(outlet: Outlet, req: CashTopupRequest, now: Date) {
  return {
    key: cashTopupKey(req.topupId),
    idName: 'topupId',
    id: req.topupId,
    requestHash: requestHash(req),
    attributes: (result: CashTopupResult) => ({
      topupId: req.topupId,
      outletId: outlet.scope.outletId,
      clientId: outlet.clientId,
      cardId: result.cardId,
      amountFen: req.amountFen,
      businessDate: businessDate(now),
      at: now.toISOString(),
    }),
  };
}

/**
 * A cash top-up at a service outlet: the citizen shows the phone and hands over cash; the card is
 * credited from the outlet's till account (what the outlet owes the city), the day's till counted
 * under the outlet's daily limit, in one transaction, once per topupId.
 */
export async function cashTopup(deps: OutletDeps, outlet: Outlet, req: CashTopupRequest): Promise<CashTopupResult> {
  const now = deps.clock();
  const date = businessDate(now);
  const limits = outletLimits(await deps.outlets(), outlet.scope.outletId);
  const maxBalanceFen = await deps.maxBalanceFen();
  if (req.amountFen > limits.maxTopupFen) {
    throw new RefusedError('OUTLET_LIMIT', `A cash top-up here is at most ${limits.maxTopupFen} fen`, {
      maxTopupFen: limits.maxTopupFen,
    });
  }
  return runPresented<CashTopupResult, never>(deps, {
    terminalId: outlet.clientId,
    card: { credential: req.credential, proof: req.proof, challenge: req.challenge, at: now },
    record: cashTopupRecord(outlet, req, now),
    decline: refuseAtCounter,
    reads: (ctx): Record<string, ItemKey> =>
      ctx.conflicts.has(TILL_GUARD) ? { till: tillKey(outlet.scope.outletId, date) } : {},
    accept: ({ card, items }) => {
      const tillCashFen = attributes(items.till ?? {}, 'till').intOr0('cashFen');
      if (tillCashFen + req.amountFen > limits.maxDailyCashFen) {
        throw new RefusedError('OUTLET_LIMIT', 'This outlet took all the cash it may take today', {
          maxDailyCashFen: limits.maxDailyCashFen,
          cashFen: tillCashFen,
        });
      }
      assertRoomForCredit(card, req.amountFen, maxBalanceFen, now);
      return {
        transfer: {
          transferId: `cash:${req.topupId}`,
          kind: 'cash-topup',
          at: now.toISOString(),
          description: `Cash top-up at ${outlet.scope.outletId}`,
          ref: req.topupId,
          postings: [
            { accountId: outletTill(outlet.scope.outletId), amountFen: -req.amountFen },
            { accountId: card.cardId, amountFen: req.amountFen },
          ],
        },
        writes: [
          tillWrite(deps.store.tableName, outlet.scope.outletId, date, req.amountFen, limits.maxDailyCashFen),
          cityCashWrite(deps.store.tableName, date, req.amountFen),
        ],
        result: {
          topupId: req.topupId,
          cardId: card.cardId,
          amountFen: req.amountFen,
          balanceFen: card.balanceFen + req.amountFen,
        },
      };
    },
  });
}

export interface IdentityCheckResult {
  checkId: string;
  cardId: string;
  identityVerified: true;
  fareClass: FareClass;
}

/**
 * An agent checks the resident id card the citizen shows against the card the phone presents: the
 * number typed from it must be the holder's (422 ID_MISMATCH, nothing changes); then the card's
 * identity is verified, and concessions follow. Once per checkId.
 */
export async function identityCheck(
  deps: OutletDeps,
  outlet: Outlet,
  req: IdentityCheckRequest,
  pepper: string,
): Promise<IdentityCheckResult> {
  const now = deps.clock();
  const rules = await deps.cardRules();
  return runPresented<IdentityCheckResult, never>(deps, {
    terminalId: outlet.clientId,
    card: { credential: req.credential, proof: req.proof, challenge: req.challenge, at: now },
    record: {
      key: identityCheckKey(req.checkId),
      idName: 'checkId',
      id: req.checkId,
      // The id number is part of the request: only its hash (in the request's hash) is kept.
      requestHash: requestHash(req),
      attributes: (result) => ({
        checkId: req.checkId,
        outletId: outlet.scope.outletId,
        clientId: outlet.clientId,
        cardId: result.cardId,
        at: now.toISOString(),
      }),
    },
    decline: refuseAtCounter,
    accept: ({ card }) => {
      if (residentIdHash(req.idNumber, pepper) !== card.residentIdHash) {
        throw new RefusedError('ID_MISMATCH', 'This id number is not the card holder’s');
      }
      const verified: CardItem = { ...card, identityVerified: true };
      const sets = verifiedIdentityAttributes(card, { verifiedBy: outlet.clientId, reference: req.checkId }, now);
      const changed = Object.keys(sets).length > 0;
      return {
        // On the card's own item, in order with its money: what the card is (its limit, its class).
        ...(changed ? { walletItemSets: { [card.cardId]: sets } } : {}),
        result: {
          checkId: req.checkId,
          cardId: card.cardId,
          identityVerified: true,
          fareClass: fareClassOf(verified, now, rules),
        },
      };
    },
  });
}
