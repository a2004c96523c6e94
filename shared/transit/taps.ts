import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { type CardItem, type CardRules, fareClassOf } from '../cards/cards';
import type { ScopeOf } from '../clients/clients';
import { requestHash, runPresented, type TerminalPolicy, withoutBalance } from '../credentials/pipeline';
import { ForbiddenError, ValidationError } from '../errors';
import { routeProblem } from '../fares/engine';
import type { FareTables } from '../fares/store';
import type { KeyRing } from '../keys/keyring';
import type { GuardedWrite } from '../ledger/command';
import { REFUND_GUARD } from '../ledger/transfers';
import type { WalletMemo } from '../ledger/wallet-memo';
import { attributes } from '../store/attributes';
import { hourCountUpdate } from '../store/hour-counts';
import type { ItemKey } from '../store/items';
import { keptJson } from '../store/kept-text';
import { tapKey, transferKey } from '../store/keys';
import type { Store } from '../store/store';
import type { TapDeclineCode, TapRequest, TapResult } from './model';
import { planTap } from './tap-plan';

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
  const a = attributes(Item, 'tap');
  return {
    tapId,
    terminalId: a.str('terminalId'),
    cardId: a.optStr('cardId') ?? null,
    routeId: a.str('routeId'),
    stopId: a.str('stopId'),
    kind: a.str('tapKind'),
    at: a.str('at'),
    result: keptJson<TapResult>(Item.result),
  };
}

/**
 * One tap, start to end: the terminal's scope and the route; then the presentation pipeline (the
 * shared verifier, one read of the card, the replay guard); the fare; and in one transaction the
 * ledger transfer with the tap's answer on it, the card's balance, transit state and holds, and its
 * statement entry with the journey. A refusal is an answer (status declined), recorded at the same
 * key, and moves no money.
 */
/** A decline moves no money: counted apart, by route and the tap's hour, for the console's chart. */
const declineCounted = (tableName: string, req: TapRequest): GuardedWrite => ({
  item: hourCountUpdate(tableName, 'tap-declines', req.routeId, new Date(req.at)),
  onConditionFailed: 'replan',
});

/** The validator a tap comes from: its routes, what credentials it takes, its assertion being used up. */
export interface TapTerminal {
  clientId: string;
  scope: ScopeOf<'transit-terminal'>;
  policy?: TerminalPolicy;
  assertionSpent?: Promise<void>;
}

/** The tap's route in the table in force at its time, within the terminal's scope; else 403 or 400. */
async function tapRoute(deps: TransitDeps, terminal: TapTerminal, req: TapRequest, at: Date) {
  if (!terminal.scope.routeIds.includes(req.routeId)) {
    throw new ForbiddenError(`This terminal may not tap on route ${req.routeId}`, {
      routeIds: terminal.scope.routeIds,
    });
  }
  const table = await deps.fares.at(at);
  const problem = routeProblem(table, req);
  if (problem) throw new ValidationError([problem]);
  return { table, route: table.routes.find((r) => r.routeId === req.routeId)! };
}

export async function processTap(
  deps: TransitDeps,
  terminal: TapTerminal,
  req: TapRequest,
  memo?: WalletMemo,
): Promise<TapResult> {
  const { store } = deps;
  const at = new Date(req.at);
  const { table, route } = await tapRoute(deps, terminal, req, at);
  const rules = await deps.cardRules();
  // Priced with the class the card has when the tap is processed, not the one its credential shows.
  const processedAt = deps.clock();
  const classOf = (card: CardItem | undefined) => (card ? fareClassOf(card, processedAt, rules) : null);
  // The entry an exit gives back to, once its refund guard failed: then it is read before the next plan.
  let giveBackOf: string | undefined;

  return runPresented<TapResult, TapDeclineCode>(deps, {
    terminalId: terminal.clientId,
    policy: terminal.policy,
    // The balance would let the operator, or two operators together, follow a pseudonymous rider.
    pseudonymous: withoutBalance,
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
    declineWrites: () => [declineCounted(store.tableName, req)],
    reads: (ctx): Record<string, ItemKey> =>
      giveBackOf && ctx.conflicts.has(REFUND_GUARD) ? { entryRecord: transferKey(giveBackOf) } : {},
    accept: ({ card, items }) => {
      const planned = planTap(
        { req, at, table, route, card, fareClass: classOf(card)!, processedAt },
        {
          tableName: store.tableName,
          entryRecord: items.entryRecord,
        },
      );
      giveBackOf = planned.givesBackTo;
      return planned.plan;
    },
  });
}
