import type { CardItem } from '../cards/cards';
import { TAP_MAX_AGE_SECONDS } from '../credentials/claims';
import type { Acceptance } from '../credentials/pipeline';
import type { FareRule } from '../fares/engine';
import { facilityPayable } from '../ledger/accounts';
import { withHold, withoutHold } from '../ledger/holds';
import { refundableFen, refundGuardWrite } from '../ledger/transfers';
import { attributes } from '../store/attributes';
import type { Item } from '../store/items';
import { entryFee, rentalFee, rentalHold } from './fees';
import type {
  EntryProduct,
  Facility,
  OpenRental,
  RentalProduct,
  VisitDeclineCode,
  VisitRequest,
  VisitResult,
} from './model';
import { storedVisit } from './visit-list';

export type AcceptedVisit = Acceptance<VisitResult, VisitDeclineCode>;

/** What a visit's plan is made from: plain data and the time it is processed at. */
export interface VisitInput {
  req: VisitRequest;
  facility: Facility;
  card: CardItem;
  /** The card's class multiplier at the time the visit is processed. */
  multiplierPercent: number;
  base: Pick<VisitResult, 'visitId' | 'status' | 'fareClass'>;
  processedAt: Date;
  tableName: string;
}

export const visitTransferId = (visitId: string) => `visit:${visitId}`;
const rentalIdOf = (startVisitId: string) => `rent_${startVisitId}`;

/**
 * A rental is open from its start to its end, or to `until` (24 hours) when it never ends: judged at
 * the ride's own times, not at the time a gate found signal to upload them. A card keeps a rental that
 * was never ended for as long as an upload may still bring its end (`TAP_MAX_AGE_SECONDS` after it
 * lapsed); only then is it dropped, the hold it kept long since the facility's.
 */
export function keptRentals(rentals: Record<string, OpenRental> | undefined, processedAt: Date): OpenRental[] {
  const horizonMs = processedAt.getTime() - TAP_MAX_AGE_SECONDS * 1000;
  return Object.values(rentals ?? {})
    .filter((r) => Date.parse(r.until) > horizonMs)
    .sort((a, b) => Date.parse(b.startAt) - Date.parse(a.startAt))
    .slice(0, MAX_KEPT_RENTALS);
}

/** Bounded like everything kept on a card: one open rental per facility at a time, over a week of uploads. */
const MAX_KEPT_RENTALS = 16;

/** The latest rental of a facility open at `atMs` (started at or before it, not lapsed by then). */
const rentalOpenAt = (rentals: OpenRental[], facilityId: string, atMs: number) =>
  rentals.find((r) => r.facilityId === facilityId && Date.parse(r.startAt) <= atMs && atMs < Date.parse(r.until));

const byId = (rentals: OpenRental[]) => Object.fromEntries(rentals.map((r) => [r.rentalId, r]));

/** An entry pays its fee, or needs a verified identity (the library's rule). */
export function planEntry(input: VisitInput, product: EntryProduct): AcceptedVisit {
  const { card, base } = input;
  if (product.requiresVerifiedIdentity && !card.identityVerified) return { decline: 'IDENTITY_NOT_VERIFIED' };
  const fee = entryFee(product, input.multiplierPercent);
  if (product.requiresVerifiedIdentity) {
    fee.explanation.push({ rule: 'base', text: 'Entry with a verified one-card identity' });
  }
  return charge(input, fee.feeFen, { ...base, feeFen: fee.feeFen, explanation: fee.explanation }, {});
}

/** A rental's start holds the most it can cost; one rental of a facility at a time. */
export function planRentalStart(input: VisitInput, product: RentalProduct): AcceptedVisit {
  const { req, card, base, processedAt } = input;
  const rentals = keptRentals(card.rentals as Record<string, OpenRental> | undefined, processedAt);
  if (rentalOpenAt(rentals, req.facilityId, Date.parse(req.at))) return { decline: 'RENTAL_OPEN' };
  const hold = rentalHold(product, input.multiplierPercent);
  const rentalId = rentalIdOf(req.visitId);
  const until = new Date(Date.parse(req.at) + product.maxRentalMinutes * 60_000).toISOString();
  const rental: OpenRental = {
    rentalId,
    facilityId: req.facilityId,
    startAt: req.at,
    startVisitId: req.visitId,
    heldFen: hold.feeFen,
    multiplierPercent: input.multiplierPercent,
    until,
  };
  return charge(
    input,
    hold.feeFen,
    { ...base, feeFen: hold.feeFen, explanation: hold.explanation, rentalId },
    {
      rentals: byId([rental, ...rentals].slice(0, MAX_KEPT_RENTALS)),
      ...(hold.feeFen > 0
        ? { holds: withHold(card.holds, rentalId, { amountFen: hold.feeFen, until }, processedAt) }
        : {}),
    },
  );
}

/**
 * A rental's end closes the latest rental of this facility started before it and not lapsed: it
 * charges by time (with the class the rental started with) and gives the rest of the hold back, at
 * most what the start's record may still give back. Says which start it gives back to, so that a
 * refused refund guard reads that record next time.
 */
export function planRentalEnd(
  input: VisitInput,
  product: RentalProduct,
  startRecord: Item | undefined,
): { plan: AcceptedVisit; givesBackTo?: string } {
  const { req, card, base, processedAt, facility } = input;
  const at = Date.parse(req.at);
  const rentals = keptRentals(card.rentals as Record<string, OpenRental> | undefined, processedAt);
  const rental = rentalOpenAt(rentals, req.facilityId, at);
  const fee = rental && rentalFee(product, at - Date.parse(rental.startAt), rental.multiplierPercent);
  if (!rental || !fee) return { plan: { decline: 'NO_OPEN_RENTAL' } };
  const startId = visitTransferId(rental.startVisitId);
  const limitFen = startRecord ? refundableFen(startRecord) : rental.heldFen;
  const left = limitFen - attributes(startRecord ?? {}, 'transfer').intOr0('refundedFen');
  const feeFen = Math.min(fee.feeFen, rental.heldFen);
  const backFen = Math.max(0, Math.min(rental.heldFen - feeFen, left));
  const explanation: FareRule[] = [
    ...fee.explanation,
    {
      rule: 'exit-refund',
      text: `End gives back ${backFen} fen of the ${rental.heldFen} fen held at start`,
      fen: -backFen,
    },
  ];
  const stillOpen = byId(rentals.filter((r) => r.rentalId !== rental.rentalId));
  const result: VisitResult = {
    ...base,
    feeFen,
    balanceFen: card.balanceFen + backFen,
    explanation,
    rentalId: rental.rentalId,
  };
  const plan: AcceptedVisit = {
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
    walletEntries: visitEntry(req, card.cardId, result, `${facility.name}: rental ended`),
    writes: backFen > 0 ? [refundGuardWrite(input.tableName, startId, backFen, limitFen)] : [],
    result,
  };
  return backFen > 0 ? { plan, givesBackTo: startId } : { plan };
}

/** A fee (an entry's, a start's hold) from the card to the facility: the whole amount must be in the balance. */
function charge(
  { req, card, facility }: VisitInput,
  feeFen: number,
  result: Omit<VisitResult, 'balanceFen'>,
  attributes: Record<string, unknown>,
): AcceptedVisit {
  if (card.balanceFen < feeFen) return { decline: 'INSUFFICIENT_FUNDS' };
  const accepted: VisitResult = { ...result, balanceFen: card.balanceFen - feeFen };
  return {
    ...(feeFen > 0
      ? {
          transfer: {
            transferId: visitTransferId(req.visitId),
            kind: 'facility' as const,
            at: req.at,
            description: `${facility.name}: ${req.kind}`,
            ref: req.visitId,
            postings: [
              { accountId: card.cardId, amountFen: -feeFen },
              { accountId: facilityPayable(req.facilityId), amountFen: feeFen },
            ],
          },
        }
      : {}),
    ...(Object.keys(attributes).length > 0 ? { walletAttributes: { [card.cardId]: attributes } } : {}),
    walletEntries: visitEntry(req, card.cardId, accepted, `${facility.name}: ${req.kind}`),
    result: accepted,
  };
}

/** The card's entry of an accepted visit keeps it for the card's list (visit-list.ts), 0 fen if it was free. */
function visitEntry(req: VisitRequest, cardId: string, result: VisitResult, description: string) {
  const header = { entryId: visitTransferId(req.visitId), at: req.at, kind: 'facility' as const, description };
  return { [cardId]: { header: { ...header, ref: req.visitId }, attributes: { visit: storedVisit(req, result) } } };
}
