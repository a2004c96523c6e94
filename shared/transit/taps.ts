import { createHash } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { type CardItem, type CardRules, fareClassOf } from '../cards/cards';
import type { MachineClient } from '../clients/clients';
import { claimedKeys, presentationReads, proofGuardWrite } from '../credentials/presented';
import { denyDecision, verifyTokens } from '../credentials/verify';
import { ConflictError, ForbiddenError, ValidationError } from '../errors';
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
import { SYSTEM } from '../ledger/accounts';
import { type CommandPlan, type GuardedWrite, runCommand } from '../ledger/command';
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

export function tapRequestHash(req: TapRequest): string {
  const canonical = Object.keys(req)
    .sort()
    .map((k) => [k, req[k as keyof TapRequest]]);
  return createHash('sha256').update(JSON.stringify(canonical)).digest('base64url');
}

/** The stored answer of a tap id (forever, declined ones included); another body under the same id is a conflict. */
async function storedTap(store: Store, tapId: string, hash: string): Promise<TapResult | undefined> {
  const { Item } = await store.doc.send(
    new GetCommand({ TableName: store.tableName, Key: tapKey(tapId), ConsistentRead: true }),
  );
  if (!Item) return undefined;
  if (Item.requestHash !== hash)
    throw new ConflictError('IDEMPOTENCY_KEY_REUSED', `tapId ${tapId} was used for another tap`);
  return JSON.parse(Item.result as string) as TapResult;
}

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

function tapRecord(
  store: Store,
  req: TapRequest,
  hash: string,
  terminalId: string,
  result: TapResult,
  cardId: string | null,
): GuardedWrite {
  return {
    item: {
      Put: {
        TableName: store.tableName,
        Item: {
          ...tapKey(req.tapId),
          tapId: req.tapId,
          requestHash: hash,
          result: JSON.stringify(result),
          terminalId,
          cardId,
          at: req.at,
          routeId: req.routeId,
          stopId: req.stopId,
          kind: req.kind,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    onConditionFailed: 'replay',
  };
}

function declined(
  req: TapRequest,
  declineCode: TapDeclineCode,
  card?: CardItem,
  fareClass?: TapResult['fareClass'],
): TapResult {
  return {
    tapId: req.tapId,
    status: 'declined',
    fareFen: 0,
    balanceFen: card?.balanceFen ?? null,
    fareClass: card ? (fareClass ?? null) : null,
    journeyId: null,
    explanation: [],
    declineCode,
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
 * One tap, start to end: the terminal's scope and the route; then, while the shared verifier checks
 * the tokens, one read of the card (balance, version, class, transit state, frozen, revoked devices);
 * the fare; and then the tap, its journey, the proof's replay guard, the card's transit state and the
 * ledger transfer in one transaction. A refusal is an answer (status declined), recorded, and moves
 * no money.
 *
 * Optimistic by design: the tap's stored answer and the proof's replay guard are not read up front;
 * their conditional puts catch a known tapId (answered as the first time) and a used jti (read on the
 * next attempt and declined REPLAYED). A new tap costs one read and one transaction.
 */
export async function processTap(
  deps: TransitDeps,
  terminal: Pick<MachineClient, 'clientId' | 'scope'>,
  req: TapRequest,
): Promise<TapResult> {
  const { store } = deps;
  const hash = tapRequestHash(req);
  if (!terminal.scope.routeIds?.includes(req.routeId)) {
    throw new ForbiddenError(`This terminal may not tap on route ${req.routeId}`, {
      routeIds: terminal.scope.routeIds ?? [],
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

  const verifying = deps.keyRing
    .jwks()
    .then((jwks) =>
      verifyTokens(
        { credential: req.credential, proof: req.proof, challenge: req.challenge, terminalId: terminal.clientId, at },
        { issuer: deps.issuer, jwks, now: processedAt },
      ),
    );
  // Observed now, awaited in the plan: a failure before the plan must not go unhandled.
  verifying.catch(() => undefined);
  const claimed = claimedKeys(req.credential, req.proof);

  // The entry an exit gives back to, once its refund guard failed: then it is read before the next plan.
  let giveBackOf: string | undefined;
  return runCommand(store, {
    reads: (ctx) =>
      presentationReads(
        claimed,
        ctx,
        giveBackOf && ctx.conflicts.has(REFUND_GUARD) ? { entryRecord: transferKey(giveBackOf) } : {},
      ),
    optimisticReplay: true,
    plan: async (items): Promise<CommandPlan<TapResult>> => {
      const card = items.wallet as CardItem | undefined;
      const verdict = await verifying;
      const fareClass = card ? fareClassOf(card, processedAt, rules) : undefined;
      const decline = (code: TapDeclineCode, known?: CardItem): CommandPlan<TapResult> => {
        const result = declined(req, code, known, fareClass);
        return {
          writes: [tapRecord(store, req, hash, terminal.clientId, result, known ? known.cardId : null)],
          result,
        };
      };
      if (!verdict.ok) return decline(verdict.declineCode);
      const { credential } = verdict;
      const cardId = credential.sub;
      // A verified credential names a device we registered to this very card.
      if (!card) return decline('PROOF_INVALID');
      const denied = denyDecision(credential, {
        cards: new Set(card.status === 'frozen' ? [cardId] : []),
        devices: card.revokedDevices ?? new Set(),
      });
      if (denied && !denied.ok) return decline(denied.declineCode, card);
      if (items.jti) return decline('REPLAYED', card);

      const state = (card.transit as TransitState | undefined) ?? EMPTY_TRANSIT_STATE;
      const priced: Priced = priceTap(table, fareClass!, state, { ...req, at }, route);
      if (!priced.ok) return decline(priced.declineCode, card);
      const floorFen = -card.negativeLimitFen;
      if (priced.chargeFen > 0 && card.balanceFen - priced.chargeFen < floorFen)
        return decline('INSUFFICIENT_FUNDS', card);
      const money = journeyMoney(priced, table, card.holds, processedAt, items.entryRecord);
      giveBackOf = money.giveBack?.originalId;

      const result: TapResult = {
        tapId: req.tapId,
        status: 'accepted',
        fareFen: priced.fareFen,
        balanceFen: card.balanceFen - money.chargeFen,
        fareClass: fareClass!,
        journeyId: journeyIdOf(priced.journey),
        explanation: priced.explanation,
      };
      const { giveBack } = money;
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
                  { accountId: SYSTEM.transitRevenue, amountFen: money.chargeFen },
                ],
              },
              floors: { [cardId]: floorFen },
              giveBack: giveBack !== undefined,
            }
          : {}),
        walletAttributes: { [cardId]: { transit: priced.state, ...(money.holds ? { holds: money.holds } : {}) } },
        writes: [
          tapRecord(store, req, hash, terminal.clientId, result, cardId),
          proofGuardWrite(store.tableName, credential.did, verdict.proof.jti, at, req.tapId),
          journeyWrite(store, cardId, priced.journey, req.tapId),
          ...(giveBack
            ? [refundGuardWrite(store.tableName, giveBack.originalId, giveBack.amountFen, giveBack.limitFen)]
            : []),
        ],
        result,
      };
    },
    replay: () => storedTap(store, req.tapId, hash),
  });
}
