import type { CardItem } from '../cards/cards';
import type { Acceptance } from '../credentials/pipeline';
import { dailyCapFen, type JourneyChange, monthOfFareDay, type Priced, priceTap } from '../fares/engine';
import type { FareClass, FareTable, Route } from '../fares/fare-table';
import { operatorPayable } from '../ledger/accounts';
import { refundGuardWrite } from '../ledger/transfers';
import type { FareFacts } from '../receipts/format';
import { explanationSha256 } from '../receipts/receipt';
import type { Item } from '../store/items';
import { tapTransferId } from '../store/keys';
import { fareDay } from '../time/shanghai';
import { journeyMoney } from './journey-holds';
import { type JourneyRecord, storedJourney } from './journeys';
import type { TapDeclineCode, TapRequest, TapResult } from './model';
import { storedTransitState, transitStateOf } from './stored-state';

/** What a tap's plan is made from: plain data and the time it is processed at. */
export interface TapInput {
  req: TapRequest;
  at: Date;
  table: FareTable;
  route: Route;
  card: CardItem;
  /** The card's class when the tap is processed, not the one its credential shows. */
  fareClass: FareClass;
  processedAt: Date;
}

/**
 * What the tap's statement entry keeps of its journey, as the journey list shows it: a board is a
 * complete journey; an entry opens one at the fare it holds; an exit completes it. The card's transit
 * state (its open journeys, carried on its newest entry) is what the next tap is priced by.
 */
function journeyRecord(change: JourneyChange): JourneyRecord {
  if (change.kind === 'flat') {
    return {
      journeyId: change.journeyId,
      routeId: change.routeId,
      kind: 'flat',
      status: 'complete',
      startedAt: change.at,
      endedAt: change.at,
      boardStopId: change.stopId,
      fareFen: change.fareFen,
      explanation: change.explanation,
    };
  }
  const { open } = change;
  const opened = {
    journeyId: open.journeyId,
    routeId: open.routeId,
    kind: 'zonal' as const,
    startedAt: open.entryAt,
    entryStopId: open.entryStopId,
    explanation: change.explanation,
  };
  return change.kind === 'entry'
    ? { ...opened, status: 'open', endedAt: null, fareFen: open.heldFen }
    : { ...opened, status: 'complete', endedAt: change.at, exitStopId: change.exitStopId, fareFen: change.fareFen };
}

/** What a fare's receipt says beyond its money: the fare day's spend against its cap, the month's, the rules' digest. */
function fareFacts(table: FareTable, fareClass: FareClass, priced: Priced & { ok: true }, at: Date): FareFacts {
  const day = fareDay(at, table.fareDayStartHour);
  return {
    fareDay: day,
    dayFen: priced.state.days[day] ?? 0,
    capFen: dailyCapFen(table, fareClass),
    monthFen: priced.state.months[monthOfFareDay(day)] ?? 0,
    explanationSha256: explanationSha256(priced.explanation),
  };
}

const journeyIdOf = (change: JourneyChange) => (change.kind === 'flat' ? change.journeyId : change.open.journeyId);

/** The fare's transfer from the card to its operator (or back, a give-back), under the card's floor. */
function fareMovement(
  movement: { transferId: string; at: string; description: string; ref: string },
  cardId: string,
  operatorId: string,
  money: ReturnType<typeof journeyMoney>,
  floorFen: number,
) {
  const { giveBack } = money;
  return {
    transfer: {
      ...movement,
      kind: 'fare' as const,
      ...(giveBack ? { reverses: giveBack.originalId } : {}),
      postings: [
        { accountId: cardId, amountFen: -money.chargeFen },
        { accountId: operatorPayable(operatorId), amountFen: money.chargeFen },
      ],
    },
    floors: { [cardId]: floorFen },
    giveBack: giveBack !== undefined,
  };
}

/**
 * An accepted presentation's tap: priced from the card's transit state; refused for want of money
 * (a fare needs the balance down to the card's negative limit); otherwise the fare moves from the card
 * to the route's operator (an exit gives back what its entry held beyond the fare, guarded on the
 * entry's record), and the card's next entry keeps the journey and carries the new transit state and
 * holds. Says which entry it gives back to, so that a refused refund guard reads that record next time.
 */
export function planTap(
  { req, at, table, route, card, fareClass, processedAt }: TapInput,
  stored: {
    tableName: string /** The entry's record, read after its refund guard refused once. */;
    entryRecord: Item | undefined;
  },
): { plan: Acceptance<TapResult, TapDeclineCode>; givesBackTo?: string } {
  const cardId = card.cardId;
  const priced: Priced = priceTap(table, fareClass, transitStateOf(card.transit), { ...req, at }, route);
  if (!priced.ok) return { plan: { decline: priced.declineCode } };
  const floorFen = -card.negativeLimitFen;
  if (priced.chargeFen > 0 && card.balanceFen - priced.chargeFen < floorFen) {
    return { plan: { decline: 'INSUFFICIENT_FUNDS' } };
  }
  const money = journeyMoney(priced, table, card.holds, processedAt, stored.entryRecord);
  const { giveBack } = money;

  // The tap's movement, or its place in the statement's order when no money moves (a free transfer).
  const movement = {
    transferId: tapTransferId(req.tapId),
    at: req.at,
    description: `${route.name}: ${req.kind} at ${req.stopId}`,
    ref: req.tapId,
  };
  const result: TapResult = {
    tapId: req.tapId,
    status: 'accepted',
    fareFen: priced.fareFen,
    balanceFen: card.balanceFen - money.chargeFen,
    fareClass,
    journeyId: journeyIdOf(priced.journey),
    explanation: priced.explanation,
  };
  const plan: Acceptance<TapResult, TapDeclineCode> = {
    ...(money.chargeFen !== 0 ? fareMovement(movement, cardId, route.operatorId, money, floorFen) : {}),
    walletAttributes: {
      [cardId]: { transit: storedTransitState(priced.state), ...(money.holds ? { holds: money.holds } : {}) },
    },
    walletEntries: {
      [cardId]: {
        header: {
          entryId: movement.transferId,
          at: movement.at,
          kind: 'fare',
          description: movement.description,
          ref: movement.ref,
        },
        attributes: { journey: storedJourney(journeyRecord(priced.journey), movement) },
        receiptFacts: { fare: fareFacts(table, fareClass, priced, at) },
      },
    },
    writes: giveBack
      ? [refundGuardWrite(stored.tableName, giveBack.originalId, giveBack.amountFen, giveBack.limitFen)]
      : [],
    result,
  };
  return giveBack ? { plan, givesBackTo: giveBack.originalId } : { plan };
}
