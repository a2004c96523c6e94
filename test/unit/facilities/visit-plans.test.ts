import { describe, expect, it } from 'vitest';
import type { CardItem } from '../../../shared/cards/cards';
import type { Facility, RentalProduct, VisitRequest } from '../../../shared/facilities/model';
import {
  type AcceptedVisit,
  planEntry,
  planRentalEnd,
  planRentalStart,
  type VisitInput,
  visitTransferId,
} from '../../../shared/facilities/visit-plans';

const bikes: Facility & { product: RentalProduct } = {
  facilityId: 'f-bike',
  name: 'Public Bicycles',
  kind: 'public-bicycle',
  product: {
    type: 'rental',
    holdAdultFen: 1000,
    freeMinutes: 60,
    blockMinutes: 30,
    perBlockAdultFen: 100,
    maxAdultFen: 1000,
    maxRentalMinutes: 1440,
  },
};
const startAt = '2026-11-28T01:00:00.000Z';
const card = { cardId: 'card_1', balanceFen: 5000, holds: {}, rentals: {} } as unknown as CardItem;
const visit = (kind: VisitRequest['kind'], at: string, visitId = `v-${kind}`) =>
  ({ visitId, facilityId: 'f-bike', kind, at, challenge: 'c', credential: 'x', proof: 'y' }) as VisitRequest;
const input = (req: VisitRequest, over: Partial<VisitInput> = {}): VisitInput => ({
  req,
  facility: bikes,
  card,
  multiplierPercent: 100,
  base: { visitId: req.visitId, status: 'accepted', fareClass: 'adult' },
  processedAt: new Date(req.at),
  tableName: 't',
  ...over,
});

/** The plan of an accepted visit (a declined one fails the test). */
function accepted(plan: AcceptedVisit): Exclude<AcceptedVisit, { decline: string }> {
  if (plan.decline !== undefined) throw new Error(`declined: ${plan.decline}`);
  return plan as Exclude<AcceptedVisit, { decline: string }>;
}

/** The card after an accepted start: its rental and hold, as the start's plan carries them. */
function afterStart() {
  const started = accepted(planRentalStart(input(visit('start', startAt)), bikes.product));
  return { ...card, ...started.walletAttributes![card.cardId] } as CardItem;
}

describe('a rental, planned from plain data', () => {
  it('holds the most a rental costs at start, and refuses a second start while it runs', () => {
    // Act
    const rented = afterStart();
    const again = planRentalStart(input(visit('start', startAt, 'v-again'), { card: rented }), bikes.product);
    // Assess
    expect(Object.values(rented.rentals as object)).toMatchObject([{ heldFen: 1000, startVisitId: 'v-start' }]);
    expect(again).toEqual({ decline: 'RENTAL_OPEN' });
  });

  it('charges by time at the end and gives back the rest, guarded on the start’s record', () => {
    // Prepare: 95 minutes: 60 free, then two started blocks of 30.
    const rented = afterStart();
    const end = visit('end', '2026-11-28T02:35:00.000Z');
    // Act
    const { plan, givesBackTo } = planRentalEnd(input(end, { card: rented }), bikes.product, undefined);
    // Assess
    expect(accepted(plan).result).toMatchObject({ feeFen: 200, balanceFen: 5800 });
    expect(givesBackTo).toBe(visitTransferId('v-start'));
    expect(accepted(plan).writes?.[0]?.item.Update).toMatchObject({
      UpdateExpression: 'ADD #refunded :amount',
      ExpressionAttributeValues: { ':amount': 800, ':most': 200 },
    });
  });

  it('gives back no more than the start’s record may still give back', () => {
    // Prepare: an operator already gave back 900 of the 1000 held.
    const rented = afterStart();
    const startRecord = { refundableFen: 1000, refundedFen: 900 };
    const end = visit('end', '2026-11-28T02:35:00.000Z');
    // Act
    const { plan } = planRentalEnd(input(end, { card: rented }), bikes.product, startRecord);
    // Assess
    expect(accepted(plan).result).toMatchObject({ feeFen: 200, balanceFen: 5100 });
  });

  it('finds no rental to end before its start, and none at another kind of facility’s gate', () => {
    const rented = afterStart();
    const early = planRentalEnd(
      input(visit('end', '2026-11-28T00:59:00.000Z'), { card: rented }),
      bikes.product,
      undefined,
    );
    expect(early.plan).toEqual({ decline: 'NO_OPEN_RENTAL' });
    expect(early.givesBackTo).toBeUndefined();
    const park = {
      ...bikes,
      facilityId: 'f-park',
      product: { type: 'entry', adultFeeFen: 500, requiresVerifiedIdentity: true },
    } as const;
    expect(planEntry(input(visit('enter', startAt), { facility: park }), park.product)).toEqual({
      decline: 'IDENTITY_NOT_VERIFIED',
    });
  });
});
