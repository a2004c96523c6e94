import { type CardItem, type CardRules, fareClassOf } from '../cards/cards';
import type { ScopeOf } from '../clients/clients';
import { type Acceptance, type PresentationDeps, requestHash, runPresented } from '../credentials/pipeline';
import { ForbiddenError, ValidationError } from '../errors';
import type { FareRule } from '../fares/engine';
import type { FareTables } from '../fares/store';
import { facilityPayable } from '../ledger/accounts';
import type { Key } from '../ledger/command';
import { withHold, withoutHold } from '../ledger/holds';
import { REFUND_GUARD, refundableFen, refundGuardWrite } from '../ledger/transfers';
import type { WalletMemo } from '../ledger/wallet-memo';
import { transferKey } from '../store/keys';
import { entryFee, rentalFee, rentalHold } from './fees';
import type { Facility, OpenRental, VisitDeclineCode, VisitRequest, VisitResult } from './model';
import type { FacilityCatalogs } from './store';
import { storedVisit } from './visit-list';

export interface FacilityDeps extends PresentationDeps {
  facilities: FacilityCatalogs;
  fares: FareTables;
  cardRules: () => Promise<CardRules>;
}

type Gate = { clientId: string; scope: ScopeOf<'facility-gate'>; assertionSpent?: Promise<void> };
type Accepted = Acceptance<VisitResult, VisitDeclineCode>;

const visitTransferId = (visitId: string) => `visit:${visitId}`;
const rentalIdOf = (startVisitId: string) => `rent_${startVisitId}`;

/** Rentals still open at `now`; a lapsed one keeps its hold and is dropped from the card. */
function openRentals(rentals: Record<string, OpenRental> | undefined, now: Date): Record<string, OpenRental> {
  return Object.fromEntries(Object.entries(rentals ?? {}).filter(([, r]) => Date.parse(r.until) > now.getTime()));
}

function kindProblem(facility: Facility, kind: VisitRequest['kind']): string | null {
  if (facility.product.type === 'entry' && kind !== 'enter') return `${facility.facilityId} takes enter visits`;
  if (facility.product.type === 'rental' && kind === 'enter') return `${facility.facilityId} takes start and end`;
  return null;
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
  if (gate.scope.facilityId !== req.facilityId) {
    throw new ForbiddenError(`This gate may not report visits to ${req.facilityId}`, {
      facilityId: gate.scope.facilityId,
    });
  }
  const at = new Date(req.at);
  const facility = await deps.facilities.facility(req.facilityId, at);
  if (!facility) throw new ValidationError([{ path: 'facilityId', message: `unknown facility ${req.facilityId}` }]);
  const problem = kindProblem(facility, req.kind);
  if (problem) throw new ValidationError([{ path: 'kind', message: problem }]);
  const table = await deps.fares.at(at);
  const rules = await deps.cardRules();
  const processedAt = deps.clock();
  const classOf = (card: CardItem | undefined) => (card ? fareClassOf(card, processedAt, rules) : null);
  // The rental's start an end gives back to, once its refund guard failed: then it is read first.
  let giveBackOf: string | undefined;

  return runPresented<VisitResult, VisitDeclineCode>(deps, {
    terminalId: gate.clientId,
    assertionSpent: gate.assertionSpent,
    memo,
    card: { credential: req.credential, proof: req.proof, challenge: req.challenge, at },
    // Kept at its transfer's key, as a tap's is: an accepted visit's record rides on its transfer, a
    // declined or free one is an item there without postings. The card's list reads its entries.
    record: {
      key: transferKey(visitTransferId(req.visitId)),
      idName: 'visitId',
      id: req.visitId,
      requestHash: requestHash(req),
      attributes: (_result, card) => ({
        visitId: req.visitId,
        gateId: gate.clientId,
        facilityId: req.facilityId,
        // Not `kind`: on an accepted visit's transfer record, `kind` is the movement's (facility).
        visitKind: req.kind,
        at: req.at,
        cardId: card?.cardId ?? null,
      }),
    },
    decline: (declineCode, card) => ({
      visitId: req.visitId,
      status: 'declined',
      feeFen: 0,
      balanceFen: card?.balanceFen ?? null,
      fareClass: classOf(card),
      explanation: [],
      declineCode,
    }),
    reads: (ctx): Record<string, Key> =>
      giveBackOf && ctx.conflicts.has(REFUND_GUARD) ? { startRecord: transferKey(giveBackOf) } : {},
    accept: ({ card, items }): Accepted => {
      const fareClass = classOf(card)!;
      const multiplierPercent = table.classes[fareClass].multiplierPercent;
      const base = { visitId: req.visitId, status: 'accepted' as const, fareClass };
      const product = facility.product;

      if (product.type === 'entry') {
        if (product.requiresVerifiedIdentity && !card.identityVerified) return { decline: 'IDENTITY_NOT_VERIFIED' };
        const fee = entryFee(product, multiplierPercent);
        if (product.requiresVerifiedIdentity) {
          fee.explanation.push({ rule: 'base', text: 'Entry with a verified one-card identity' });
        }
        return charge(card, fee.feeFen, { ...base, feeFen: fee.feeFen, explanation: fee.explanation }, {});
      }

      const rentals = openRentals(card.rentals as Record<string, OpenRental> | undefined, processedAt);
      const open = Object.values(rentals).filter((r) => r.facilityId === req.facilityId);
      if (req.kind === 'start') {
        if (open.length > 0) return { decline: 'RENTAL_OPEN' };
        const hold = rentalHold(product, multiplierPercent);
        const rentalId = rentalIdOf(req.visitId);
        const until = new Date(at.getTime() + product.maxRentalMinutes * 60_000).toISOString();
        const rental: OpenRental = {
          rentalId,
          facilityId: req.facilityId,
          startAt: req.at,
          startVisitId: req.visitId,
          heldFen: hold.feeFen,
          multiplierPercent,
          until,
        };
        return charge(
          card,
          hold.feeFen,
          { ...base, feeFen: hold.feeFen, explanation: hold.explanation, rentalId },
          {
            rentals: { ...rentals, [rentalId]: rental },
            ...(hold.feeFen > 0
              ? { holds: withHold(card.holds, rentalId, { amountFen: hold.feeFen, until }, processedAt) }
              : {}),
          },
        );
      }

      // An end closes the latest rental of this facility started before it and not lapsed.
      const rental = open
        .filter((r) => Date.parse(r.startAt) <= at.getTime())
        .sort((a, b) => Date.parse(b.startAt) - Date.parse(a.startAt))[0];
      const fee = rental && rentalFee(product, at.getTime() - Date.parse(rental.startAt), rental.multiplierPercent);
      if (!rental || !fee) return { decline: 'NO_OPEN_RENTAL' };
      const startId = visitTransferId(rental.startVisitId);
      const limitFen = items.startRecord ? refundableFen(items.startRecord) : rental.heldFen;
      const left = limitFen - ((items.startRecord?.refundedFen as number | undefined) ?? 0);
      const feeFen = Math.min(fee.feeFen, rental.heldFen);
      const backFen = Math.max(0, Math.min(rental.heldFen - feeFen, left));
      giveBackOf = backFen > 0 ? startId : undefined;
      const explanation: FareRule[] = [
        ...fee.explanation,
        {
          rule: 'exit-refund',
          text: `End gives back ${backFen} fen of the ${rental.heldFen} fen held at start`,
          fen: -backFen,
        },
      ];
      const { [rental.rentalId]: _ended, ...stillOpen } = rentals;
      const result: VisitResult = {
        ...base,
        feeFen,
        balanceFen: card.balanceFen + backFen,
        explanation,
        rentalId: rental.rentalId,
      };
      return {
        ...(backFen > 0
          ? {
              transfer: {
                transferId: visitTransferId(req.visitId),
                kind: 'facility' as const,
                at: req.at,
                description: `${facility.name}: rental ended, ${backFen} fen of the hold back`,
                ref: req.visitId,
                reverses: startId,
                postings: [
                  { accountId: card.cardId, amountFen: backFen },
                  { accountId: facilityPayable(req.facilityId), amountFen: -backFen },
                ],
              },
              giveBack: true,
            }
          : {}),
        walletAttributes: {
          [card.cardId]: { rentals: stillOpen, holds: withoutHold(card.holds, rental.rentalId, processedAt) },
        },
        walletEntries: visitEntry(card.cardId, result, `${facility.name}: rental ended`),
        writes: backFen > 0 ? [refundGuardWrite(deps.store.tableName, startId, backFen, limitFen)] : [],
        result,
      };
    },
  });

  /** A fee (an entry's, a start's hold) from the card to the facility: the whole amount must be in the balance. */
  function charge(
    card: CardItem,
    feeFen: number,
    result: Omit<VisitResult, 'balanceFen'>,
    attributes: Record<string, unknown>,
  ): Accepted {
    if (card.balanceFen < feeFen) return { decline: 'INSUFFICIENT_FUNDS' };
    const accepted: VisitResult = { ...result, balanceFen: card.balanceFen - feeFen };
    return {
      ...(feeFen > 0
        ? {
            transfer: {
              transferId: visitTransferId(req.visitId),
              kind: 'facility' as const,
              at: req.at,
              description: `${facility!.name}: ${req.kind}`,
              ref: req.visitId,
              postings: [
                { accountId: card.cardId, amountFen: -feeFen },
                { accountId: facilityPayable(req.facilityId), amountFen: feeFen },
              ],
            },
          }
        : {}),
      ...(Object.keys(attributes).length > 0 ? { walletAttributes: { [card.cardId]: attributes } } : {}),
      walletEntries: visitEntry(card.cardId, accepted, `${facility!.name}: ${req.kind}`),
      result: accepted,
    };
  }

  /** The card's entry of an accepted visit keeps it for the card's list (visit-list.ts), 0 fen if it was free. */
  function visitEntry(cardId: string, result: VisitResult, description: string) {
    const header = { entryId: visitTransferId(req.visitId), at: req.at, kind: 'facility' as const, description };
    return { [cardId]: { header: { ...header, ref: req.visitId }, attributes: { visit: storedVisit(req, result) } } };
  }
}
