import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { type CardItem, type CardRules, fareClassOf } from '../cards/cards';
import type { ScopeOf } from '../clients/clients';
import { requestHash, runPresented } from '../credentials/pipeline';
import { ForbiddenError, ValidationError } from '../errors';
import { type JourneyChange, type Priced, priceTap, routeProblem } from '../fares/engine';
import type { FareTables } from '../fares/store';
import type { KeyRing } from '../keys/keyring';
import { operatorPayable } from '../ledger/accounts';
import type { Key } from '../ledger/command';
import { REFUND_GUARD, refundGuardWrite } from '../ledger/transfers';
import type { WalletMemo } from '../ledger/wallet-memo';
import { tapKey, tapTransferId, transferKey } from '../store/keys';
import type { Store } from '../store/store';
import { journeyMoney } from './journey-holds';
import { type JourneyRecord, storedJourney } from './journeys';
import type { TapDeclineCode, TapRequest, TapResult } from './model';
import { storedTransitState, transitStateOf } from './stored-state';

export interface TransitDeps {
  store: Store;
  clock: () => Date;
  keyRing: KeyRing;
  issuer: string;
  fares: FareTables;
  cardRules: () => Promise<CardRules>;
}

export const tapRequestHash = (req: TapRequest) => requestHash(req);

/** A tap as recorded, accepted or declined, with the answer its terminal got (support and disputes). */
export async function recordedTap(store: Store, tapId: string) {
  const { Item } = await store.doc.send(new GetCommand({ TableName: store.tableName, Key: tapKey(tapId) }));
  if (!Item) return undefined;
  return {
    tapId,
    terminalId: Item.terminalId as string,
    cardId: (Item.cardId as string | null) ?? null,
    routeId: Item.routeId as string,
    stopId: Item.stopId as string,
    kind: Item.tapKind as string,
    at: Item.at as string,
    result: JSON.parse(Item.result as string) as TapResult,
  };
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

const journeyIdOf = (change: JourneyChange) => (change.kind === 'flat' ? change.journeyId : change.open.journeyId);

/**
 * One tap, start to end: the terminal's scope and the route; then the presentation pipeline (the
 * shared verifier, one read of the card, the replay guard); the fare; and in one transaction the
 * ledger transfer with the tap's answer on it, the card's balance, transit state and holds, and its
 * statement entry with the journey. A refusal is an answer (status declined), recorded at the same
 * key, and moves no money.
 */
export async function processTap(
  deps: TransitDeps,
  terminal: { clientId: string; scope: ScopeOf<'transit-terminal'>; assertionSpent?: Promise<void> },
  req: TapRequest,
  memo?: WalletMemo,
): Promise<TapResult> {
  const { store } = deps;
  if (!terminal.scope.routeIds.includes(req.routeId)) {
    throw new ForbiddenError(`This terminal may not tap on route ${req.routeId}`, {
      routeIds: terminal.scope.routeIds,
    });
  }
  const at = new Date(req.at);
  const table = await deps.fares.at(at);
  const problem = routeProblem(table, req);
  if (problem) throw new ValidationError([problem]);
  const route = table.routes.find((r) => r.routeId === req.routeId)!;
  const rules = await deps.cardRules();
  // Priced with the class the card has when the tap is processed, not the one its credential shows.
  const processedAt = deps.clock();
  const classOf = (card: CardItem | undefined) => (card ? fareClassOf(card, processedAt, rules) : null);
  // The entry an exit gives back to, once its refund guard failed: then it is read before the next plan.
  let giveBackOf: string | undefined;

  return runPresented<TapResult, TapDeclineCode>(deps, {
    terminalId: terminal.clientId,
    assertionSpent: terminal.assertionSpent,
    memo,
    card: { credential: req.credential, proof: req.proof, challenge: req.challenge, at },
    record: {
      key: tapKey(req.tapId),
      idName: 'tapId',
      id: req.tapId,
      requestHash: tapRequestHash(req),
      attributes: (_result, card) => ({
        terminalId: terminal.clientId,
        cardId: card?.cardId ?? null,
        at: req.at,
        routeId: req.routeId,
        stopId: req.stopId,
        // Not `kind`: on an accepted tap's transfer record, `kind` is the movement's (fare).
        tapKind: req.kind,
      }),
    },
    decline: (declineCode, card) => ({
      tapId: req.tapId,
      status: 'declined',
      fareFen: 0,
      balanceFen: card?.balanceFen ?? null,
      fareClass: classOf(card),
      journeyId: null,
      explanation: [],
      declineCode,
    }),
    reads: (ctx): Record<string, Key> =>
      giveBackOf && ctx.conflicts.has(REFUND_GUARD) ? { entryRecord: transferKey(giveBackOf) } : {},
    accept: ({ card, items }) => {
      const cardId = card.cardId;
      const fareClass = classOf(card)!;
      const state = transitStateOf(card.transit);
      const priced: Priced = priceTap(table, fareClass, state, { ...req, at }, route);
      if (!priced.ok) return { decline: priced.declineCode };
      const floorFen = -card.negativeLimitFen;
      if (priced.chargeFen > 0 && card.balanceFen - priced.chargeFen < floorFen)
        return { decline: 'INSUFFICIENT_FUNDS' };
      const money = journeyMoney(priced, table, card.holds, processedAt, items.entryRecord);
      giveBackOf = money.giveBack?.originalId;
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
      return {
        ...(money.chargeFen !== 0
          ? {
              transfer: {
                ...movement,
                kind: 'fare' as const,
                ...(giveBack ? { reverses: giveBack.originalId } : {}),
                postings: [
                  { accountId: cardId, amountFen: -money.chargeFen },
                  { accountId: operatorPayable(route.operatorId), amountFen: money.chargeFen },
                ],
              },
              floors: { [cardId]: floorFen },
              giveBack: giveBack !== undefined,
            }
          : {}),
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
          },
        },
        writes: giveBack
          ? [refundGuardWrite(store.tableName, giveBack.originalId, giveBack.amountFen, giveBack.limitFen)]
          : [],
        result,
      };
    },
  });
}
