import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { type CardItem, type CardRules, fareClassOf } from '../cards/cards';
import type { ScopeOf } from '../clients/clients';
import { requestHash, runPresented } from '../credentials/pipeline';
import { ForbiddenError, ValidationError } from '../errors';
import {
  EMPTY_TRANSIT_STATE,
  type JourneyChange,
  type Priced,
  priceTap,
  routeProblem,
  type TransitState,
} from '../fares/engine';
import type { FareTables } from '../fares/store';
import type { KeyRing } from '../keys/keyring';
import { operatorPayable } from '../ledger/accounts';
import type { GuardedWrite, Key } from '../ledger/command';
import { REFUND_GUARD, refundGuardWrite } from '../ledger/transfers';
import { journeyKey, tapKey, transferKey } from '../store/keys';
import type { Store } from '../store/store';
import { journeyMoney } from './journey-holds';
import type { TapDeclineCode, TapRequest, TapResult } from './model';

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
    kind: Item.kind as string,
    at: Item.at as string,
    result: JSON.parse(Item.result as string) as TapResult,
  };
}

function journeyWrite(store: Store, cardId: string, change: JourneyChange, tapId: string): GuardedWrite {
  const TableName = store.tableName;
  if (change.kind === 'exit') {
    return {
      item: {
        Update: {
          TableName,
          Key: journeyKey(cardId, change.open.entryAt, change.open.journeyId),
          UpdateExpression:
            'SET #status = :complete, exitStopId = :stop, endedAt = :at, fareFen = :fare, explanation = :rules, exitTapId = :tap',
          ConditionExpression: '#status = :open',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':complete': 'complete',
            ':open': 'open',
            ':stop': change.exitStopId,
            ':at': change.at,
            ':fare': change.fareFen,
            ':rules': change.explanation,
            ':tap': tapId,
          },
        },
      },
      onConditionFailed: 'replan',
    };
  }
  const common =
    change.kind === 'flat'
      ? {
          journeyId: change.journeyId,
          routeId: change.routeId,
          kind: 'flat',
          boardStopId: change.stopId,
          startedAt: change.at,
          endedAt: change.at,
          status: 'complete',
          fareFen: change.fareFen,
        }
      : {
          journeyId: change.open.journeyId,
          routeId: change.open.routeId,
          kind: 'zonal',
          entryStopId: change.open.entryStopId,
          startedAt: change.open.entryAt,
          status: 'open',
          fareFen: change.open.heldFen,
          heldFen: change.open.heldFen,
        };
  return {
    item: {
      Put: {
        TableName,
        Item: {
          ...journeyKey(cardId, common.startedAt, common.journeyId),
          ...common,
          cardId,
          explanation: change.explanation,
          firstTapId: tapId,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    onConditionFailed: 'replay',
  };
}

const journeyIdOf = (change: JourneyChange) => (change.kind === 'flat' ? change.journeyId : change.open.journeyId);

/**
 * One tap, start to end: the terminal's scope and the route; then the presentation pipeline (the
 * shared verifier, one read of the card, the replay guard); the fare; and the tap, its journey, the
 * card's transit state and holds, and the ledger transfer in one transaction. A refusal is an answer
 * (status declined), recorded, and moves no money.
 */
export async function processTap(
  deps: TransitDeps,
  terminal: { clientId: string; scope: ScopeOf<'transit-terminal'>; assertionSpent?: Promise<void> },
  req: TapRequest,
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
    card: { credential: req.credential, proof: req.proof, challenge: req.challenge, at },
    record: {
      key: tapKey(req.tapId),
      idName: 'tapId',
      id: req.tapId,
      requestHash: tapRequestHash(req),
      attributes: (_result, card) => ({
        tapId: req.tapId,
        terminalId: terminal.clientId,
        cardId: card?.cardId ?? null,
        at: req.at,
        routeId: req.routeId,
        stopId: req.stopId,
        kind: req.kind,
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
      const state = (card.transit as TransitState | undefined) ?? EMPTY_TRANSIT_STATE;
      const priced: Priced = priceTap(table, fareClass, state, { ...req, at }, route);
      if (!priced.ok) return { decline: priced.declineCode };
      const floorFen = -card.negativeLimitFen;
      if (priced.chargeFen > 0 && card.balanceFen - priced.chargeFen < floorFen)
        return { decline: 'INSUFFICIENT_FUNDS' };
      const money = journeyMoney(priced, table, card.holds, processedAt, items.entryRecord);
      giveBackOf = money.giveBack?.originalId;
      const { giveBack } = money;

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
                transferId: `tap:${req.tapId}`,
                kind: 'fare' as const,
                at: req.at,
                description: `${route.name}: ${req.kind} at ${req.stopId}`,
                ref: req.tapId,
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
        walletAttributes: { [cardId]: { transit: priced.state, ...(money.holds ? { holds: money.holds } : {}) } },
        writes: [
          journeyWrite(store, cardId, priced.journey, req.tapId),
          ...(giveBack
            ? [refundGuardWrite(store.tableName, giveBack.originalId, giveBack.amountFen, giveBack.limitFen)]
            : []),
        ],
        result,
      };
    },
  });
}
