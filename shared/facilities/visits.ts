import { type CardItem, type CardRules, fareClassOf } from '../cards/cards';
import type { ScopeOf } from '../clients/clients';
import {
  type PresentationDeps,
  requestHash,
  runPresented,
  type TerminalPolicy,
  withoutBalance,
} from '../credentials/pipeline';
import { ForbiddenError, ValidationError } from '../errors';
import type { FareTables } from '../fares/store';
import { REFUND_GUARD } from '../ledger/transfers';
import type { WalletMemo } from '../ledger/wallet-memo';
import type { ItemKey } from '../store/items';
import { transferKey } from '../store/keys';
import type { Facility, VisitDeclineCode, VisitRequest, VisitResult } from './model';
import type { FacilityCatalogs } from './store';
import {
  type AcceptedVisit,
  planEntry,
  planRentalEnd,
  planRentalStart,
  type VisitInput,
  visitTransferId,
} from './visit-plans';

export interface FacilityDeps extends PresentationDeps {
  facilities: FacilityCatalogs;
  fares: FareTables;
  cardRules: () => Promise<CardRules>;
}

type Gate = {
  clientId: string;
  scope: ScopeOf<'facility-gate'>;
  policy?: TerminalPolicy;
  assertionSpent?: Promise<void>;
};

function kindProblem(facility: Facility, kind: VisitRequest['kind']): string | null {
  if (facility.product.type === 'entry' && kind !== 'enter') return `${facility.facilityId} takes enter visits`;
  if (facility.product.type === 'rental' && kind === 'enter') return `${facility.facilityId} takes start and end`;
  return null;
}

/** The facility the gate reports on, as in force at the visit; a gate reports only its own facility. */
async function gatesFacility(deps: FacilityDeps, gate: Gate, req: VisitRequest, at: Date) {
  if (gate.scope.facilityId !== req.facilityId) {
    throw new ForbiddenError(`This gate may not report visits to ${req.facilityId}`, {
      facilityId: gate.scope.facilityId,
    });
  }
  const facility = await deps.facilities.facility(req.facilityId, at);
  if (!facility) throw new ValidationError([{ path: 'facilityId', message: `unknown facility ${req.facilityId}` }]);
  const problem = kindProblem(facility, req.kind);
  if (problem) throw new ValidationError([{ path: 'kind', message: problem }]);
  return facility;
}

/**
 * Kept at its transfer's key, as a tap's is: an accepted visit's record rides on its transfer, a
 * declined or free one is an item there without postings. The card's list reads its entries.
 */
function visitRecord(gate: Gate, req: VisitRequest) {
  return {
    key: transferKey(visitTransferId(req.visitId)),
    idName: 'visitId',
    id: req.visitId,
    requestHash: requestHash(req),
    attributes: (_result: unknown, card: CardItem | undefined) => ({
      visitId: req.visitId,
      gateId: gate.clientId,
      facilityId: req.facilityId,
      // Not `kind`: on an accepted visit's transfer record, `kind` is the movement's (facility).
      visitKind: req.kind,
      at: req.at,
      cardId: card?.cardId ?? null,
    }),
  };
}

/**
 * One visit at a facility gate, through the same presentation pipeline as taps: an entry pays its fee
 * (or needs a verified identity, the library's rule); a rental's start holds the most it can cost;
 * its end charges by time and gives the rest of the hold back. Fees are the adult fee times the card's
 * class multiplier, need the whole amount in the balance, and go to the facility's payable account.
 */
export async function processVisit(
  deps: FacilityDeps,
  gate: Gate,
  req: VisitRequest,
  memo?: WalletMemo,
): Promise<VisitResult> {
  const at = new Date(req.at);
  const facility = await gatesFacility(deps, gate, req, at);
  const table = await deps.fares.at(at);
  const rules = await deps.cardRules();
  const processedAt = deps.clock();
  const classOf = (card: CardItem | undefined) => (card ? fareClassOf(card, processedAt, rules) : null);
  // The rental's start an end gives back to, once its refund guard failed: then it is read first.
  let giveBackOf: string | undefined;

  return runPresented<VisitResult, VisitDeclineCode>(deps, {
    terminalId: gate.clientId,
    policy: gate.policy,
    pseudonymous: withoutBalance,
    assertionSpent: gate.assertionSpent,
    memo,
    card: { credential: req.credential, proof: req.proof, challenge: req.challenge, at },
    record: visitRecord(gate, req),
    decline: (declineCode, card) => ({
      visitId: req.visitId,
      status: 'declined',
      feeFen: 0,
      balanceFen: card?.balanceFen ?? null,
      fareClass: classOf(card),
      explanation: [],
      declineCode,
    }),
    reads: (ctx): Record<string, ItemKey> =>
      giveBackOf && ctx.conflicts.has(REFUND_GUARD) ? { startRecord: transferKey(giveBackOf) } : {},
    accept: ({ card, items }): AcceptedVisit => {
      const fareClass = classOf(card)!;
      const input: VisitInput = {
        req,
        facility,
        card,
        multiplierPercent: table.classes[fareClass].multiplierPercent,
        base: { visitId: req.visitId, status: 'accepted', fareClass },
        processedAt,
        tableName: deps.store.tableName,
      };
      const { product } = facility;
      if (product.type === 'entry') return planEntry(input, product);
      if (req.kind === 'start') return planRentalStart(input, product);
      const ended = planRentalEnd(input, product, items.startRecord);
      giveBackOf = ended.givesBackTo;
      return ended.plan;
    },
  });
}
