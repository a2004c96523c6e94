import { z } from 'zod';
import type { PresentationDeclineCode } from '../credentials/presented';
import type { FareRule } from '../fares/engine';
import type { FareClass } from '../fares/fare-table';
import { isPrintable, NOT_PRINTABLE } from '../text/printable';

const fen = z.number().int().min(0).max(1_000_000);
export const FacilityIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, '1 to 32 of A-Z a-z 0-9 _ -');

/** Pay (or show a verified identity) once at the gate. */
const EntryProductSchema = z.strictObject({
  type: z.literal('entry').describe('Pay once at the gate'),
  adultFeeFen: fen.describe('The adult fee per entry; classes scale it'),
  /** The one-card as the city's identity card: entry only for a holder verified in person. */
  requiresVerifiedIdentity: z.boolean().default(false).describe('Entry only for a holder verified in person'),
});

/** Take something and bring it back: `start` holds the most it can cost, `end` charges by time. */
const RentalProductSchema = z.strictObject({
  type: z.literal('rental').describe('Take and bring back: start holds, end charges by time'),
  holdAdultFen: fen.describe('Held from the balance at start, given back less the charge at end'),
  freeMinutes: z
    .number()
    .int()
    .min(0)
    .max(24 * 60)
    .describe('Minutes free before charging starts'),
  blockMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .describe('Charged per started block of this many minutes after the free ones'),
  perBlockAdultFen: fen.describe('The adult charge per started block'),
  maxAdultFen: fen.describe('The most one rental costs an adult'),
  /** A rental not ended within this keeps its hold: the bicycle is deemed lost. */
  maxRentalMinutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .describe('A rental not ended within this keeps its hold (deemed lost)'),
});

export const FacilitySchema = z.strictObject({
  facilityId: FacilityIdSchema.describe('The facility’s id, as gates are scoped to it (e.g. f-park)'),
  name: z.string().min(1).max(200).refine(isPrintable, NOT_PRINTABLE).describe('The name shown to visitors'),
  kind: z
    .enum(['park', 'library', 'sports-centre', 'public-bicycle', 'museum'])
    .describe('What sort of facility it is'),
  product: z
    .discriminatedUnion('type', [EntryProductSchema, RentalProductSchema])
    .describe('What a visit costs: an entry fee or a rental'),
});
export type Facility = z.infer<typeof FacilitySchema>;
export type EntryProduct = Extract<Facility['product'], { type: 'entry' }>;
export type RentalProduct = Extract<Facility['product'], { type: 'rental' }>;

/** Facility products, versioned like fare tables: a visit is priced by the version in force at its `at`. */
export const FacilityCatalogSchema = z
  .strictObject({
    version: z.number().int().min(1).describe('Higher than every version before it'),
    effectiveFrom: z.iso.datetime({ offset: true }).describe('Visits at or after this time are priced by this version'),
    facilities: z.array(FacilitySchema).min(1).max(1000).describe('Every facility and its product'),
  })
  .superRefine((c, ctx) => {
    const ids = c.facilities.map((f) => f.facilityId);
    if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', path: ['facilities'], message: 'ids repeat' });
  });
export type FacilityCatalog = z.infer<typeof FacilityCatalogSchema>;

export const VISIT_KINDS = ['enter', 'start', 'end'] as const;
export type VisitKind = (typeof VISIT_KINDS)[number];

export interface VisitRequest {
  visitId: string;
  facilityId: string;
  kind: VisitKind;
  at: string;
  challenge: string;
  credential: string;
  proof: string;
}

export const VISIT_DECLINE_CODES = ['IDENTITY_NOT_VERIFIED', 'NO_OPEN_RENTAL', 'RENTAL_OPEN'] as const;
export type VisitDeclineCode = PresentationDeclineCode | (typeof VISIT_DECLINE_CODES)[number];

export interface VisitResult {
  visitId: string;
  status: 'accepted' | 'declined';
  /** An entry's fee; a start's hold; an end's whole rental fee. 0 when declined. */
  feeFen: number;
  balanceFen: number | null;
  fareClass: FareClass | null;
  explanation: FareRule[];
  rentalId?: string;
  declineCode?: VisitDeclineCode;
}

/** A rental in progress, kept on the card (as transit keeps its open journeys). */
export interface OpenRental {
  rentalId: string;
  facilityId: string;
  startAt: string;
  startVisitId: string;
  heldFen: number;
  /** The class multiplier it started with: its end is priced the same way. */
  multiplierPercent: number;
  /** When it lapses and keeps its hold. */
  until: string;
}
