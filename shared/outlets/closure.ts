import type { CardItem } from '../cards/cards';
import { assertNothingOpen, closedItemSets } from '../cards/closing';
import { requestHash, runPresented, storedAnswer } from '../credentials/pipeline';
import { residentIdHash } from '../eligibility/resident-id';
import { RefusedError } from '../errors';
import { outletTill } from '../ledger/accounts';
import { closurePointsParts, pointsReads } from '../points/account';
import type { Item } from '../store/items';
import { closureKey } from '../store/keys';
import { businessDate } from '../time/shanghai';
import { type Outlet, type OutletDeps, refuseAtCounter } from './counter';
import type { ClosureRequest, ClosureResult } from './model';
import { tillPayoutWrite } from './till';

/**
 * Closing a card at a service outlet (退卡退款): the holder shows the phone and the resident id card;
 * the agent types its number (422 ID_MISMATCH when it is not the holder's). With nothing open, in one
 * transaction the balance leaves the card for the outlet's till (the agent pays it out in cash, the
 * till's day counts it), the card becomes closed (every later movement refused CARD_CLOSED, every
 * presentation declined CARD_CLOSED), and the closure is kept by its id: a retry answers the same.
 * A closure racing a tap or a top-up: both plan on the card's newest entry, one commits, the other
 * replans on what it left (a tap after the closure is declined; a closure after the tap pays out what
 * the tap left). The caller puts the card on the deny list after.
 */
export async function closeAtCounter(
  deps: OutletDeps,
  outlet: Outlet,
  req: ClosureRequest,
  pepper: string,
): Promise<ClosureResult> {
  const now = deps.clock();
  const date = businessDate(now);
  const record = closureRecord(outlet, req, now);
  // A retry of a closure that happened finds the card closed, which the presentation refuses: the
  // closure's answer is read first (closures are rare: one read more is nothing).
  const known = await storedAnswer<ClosureResult>(deps.store, record);
  if (known) return known;
  return runPresented<ClosureResult, never>(deps, {
    terminalId: outlet.clientId,
    card: { credential: req.credential, proof: req.proof, challenge: req.challenge, at: now },
    record,
    decline: refuseAtCounter,
    reads: (_ctx, cardId) => pointsReads(cardId),
    accept: ({ card, items }) =>
      closurePlan(deps.store.tableName, outlet, req, { card, pointsItem: items.points, pepper, now, date }),
  });
}

/** The closure's record: the outlet's feed, and the anchor of its retries. */
function closureRecord(outlet: Outlet, req: ClosureRequest, now: Date) {
  const date = businessDate(now);
  return {
    key: closureKey(req.closureId),
    idName: 'closureId',
    id: req.closureId,
    // The id number is part of the request: only its hash (in the request's hash) is kept.
    requestHash: requestHash(req),
    attributes: (result: ClosureResult) => ({
      closureId: req.closureId,
      outletId: outlet.scope.outletId,
      clientId: outlet.clientId,
      cardId: result.cardId,
      paidOutFen: result.paidOutFen,
      businessDate: date,
      at: now.toISOString(),
    }),
  };
}

/** The closure itself, for a card presented and verified: refused, or its transfer and its writes. */
function closurePlan(
  tableName: string,
  outlet: Outlet,
  req: ClosureRequest,
  c: { card: CardItem; pointsItem: Item | undefined; pepper: string; now: Date; date: string },
) {
  const { card, now } = c;
  if (residentIdHash(req.idNumber, c.pepper) !== card.residentIdHash) {
    throw new RefusedError('ID_MISMATCH', 'This id number is not the card holder’s');
  }
  assertNothingOpen(card, now);
  const paidOutFen = card.balanceFen;
  const points = closurePointsParts(card.cardId, c.pointsItem);
  const result: ClosureResult = {
    closureId: req.closureId,
    cardId: card.cardId,
    status: 'closed',
    paidOutFen,
    pointsLapsed: points.points,
  };
  const postings = [
    ...(paidOutFen > 0
      ? [
          { accountId: card.cardId, amountFen: -paidOutFen },
          { accountId: outletTill(outlet.scope.outletId), amountFen: paidOutFen },
        ]
      : []),
    ...points.postings,
  ];
  return {
    ...(postings.length > 0
      ? {
          transfer: {
            transferId: `closure:${req.closureId}`,
            kind: 'closure' as const,
            at: now.toISOString(),
            description: `Card closed at ${outlet.scope.outletId}: balance paid back in cash`,
            ref: req.closureId,
            postings,
          },
        }
      : {}),
    walletAttributes: points.walletAttributes,
    walletItemSets: { [card.cardId]: closedItemSets(now, outlet.clientId) },
    writes: [tillPayoutWrite(tableName, outlet.scope.outletId, c.date, paidOutFen)],
    result,
  };
}
