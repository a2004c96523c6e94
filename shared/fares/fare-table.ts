import { z } from 'zod';
import { isPrintable, NOT_PRINTABLE } from '../text/printable';

export const FARE_CLASSES = ['adult', 'student', 'senior', 'disabled'] as const;
export const FareClassSchema = z.enum(FARE_CLASSES);
export type FareClass = z.infer<typeof FareClassSchema>;

const fen = z.number().int().min(0).max(1_000_000);

/** The transit operator a route's fares are paid out to at settlement. */
const OperatorId = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, '1 to 32 of A-Z a-z 0-9 _ -');

const FlatRouteSchema = z.strictObject({
  routeId: z
    .string()
    .min(1)
    .max(32)
    .refine(isPrintable, NOT_PRINTABLE)
    .describe('The route’s id, as terminals are scoped to it (e.g. B1)'),
  name: z.string().min(1).max(200).refine(isPrintable, NOT_PRINTABLE).describe('The route’s name shown to riders'),
  operatorId: OperatorId.describe('The transit operator its fares are paid out to at settlement'),
  kind: z.literal('flat').describe('flat: one fare per boarding'),
  adultFareFen: fen.describe('The adult fare per boarding; classes scale it'),
  stops: z
    .array(z.string().min(1).max(32).refine(isPrintable, NOT_PRINTABLE))
    .min(1)
    .max(500)
    .describe('Stop ids, in route order'),
});

const ZonalRouteSchema = z.strictObject({
  routeId: z
    .string()
    .min(1)
    .max(32)
    .refine(isPrintable, NOT_PRINTABLE)
    .describe('The route’s id, as terminals are scoped to it (e.g. B1)'),
  name: z.string().min(1).max(200).refine(isPrintable, NOT_PRINTABLE).describe('The route’s name shown to riders'),
  operatorId: OperatorId.describe('The transit operator its fares are paid out to at settlement'),
  kind: z.literal('zonal').describe('zonal: tap on (entry) and off (exit); the fare grows with zones crossed'),
  baseAdultFareFen: fen.describe('The adult fare within one zone'),
  perZoneAdultFen: fen.describe('Added for each further zone crossed'),
  maxAdultFareFen: fen.describe('The most one journey costs an adult; an entry holds this much until the exit'),
  stops: z
    .array(
      z.strictObject({
        stopId: z.string().min(1).max(32).refine(isPrintable, NOT_PRINTABLE).describe('The stop’s id'),
        zone: z.number().int().min(1).max(99).describe('The fare zone the stop lies in'),
      }),
    )
    .min(1)
    .max(500)
    .describe('Stops with their zones, in route order'),
});

export const RouteSchema = z.discriminatedUnion('kind', [FlatRouteSchema, ZonalRouteSchema]);
export type Route = z.infer<typeof RouteSchema>;
export type FlatRoute = z.infer<typeof FlatRouteSchema>;
export type ZonalRoute = z.infer<typeof ZonalRouteSchema>;

const classMultiplier = (fareClass: string) =>
  z
    .strictObject({
      multiplierPercent: z
        .number()
        .int()
        .min(0)
        .max(100)
        .describe(`What a ${fareClass} pays, in percent of the adult fare`),
    })
    .describe(`The ${fareClass} class`);

/** One version of the city's fare rules. Amounts are adult fares; classes scale them. */
export const FareTableSchema = z.strictObject({
  version: z.number().int().min(1).describe('Higher than every version before it'),
  effectiveFrom: z.iso.datetime({ offset: true }).describe('Taps at or after this time are priced by this version'),
  fareDayStartHour: z
    .number()
    .int()
    .min(0)
    .max(23)
    .describe('The hour (Asia/Shanghai) a fare day starts, for the daily cap'),
  dailyCapAdultFen: fen.describe('The most an adult pays in one fare day; classes scale it'),
  transfer: z
    .strictObject({
      windowMinutes: z
        .number()
        .int()
        .min(0)
        .max(1440)
        .describe('A boarding this soon after the last one is a transfer'),
      discountAdultFen: fen.describe('What a transfer takes off the adult fare'),
    })
    .describe('Transfers between routes'),
  zoneJourneyMaxMinutes: z
    .number()
    .int()
    .min(1)
    .max(1440)
    .describe('An entry without an exit this long ends at the route’s most (the hold is kept)'),
  classes: z
    .strictObject({
      adult: classMultiplier('adult'),
      student: classMultiplier('student'),
      senior: classMultiplier('senior'),
      disabled: classMultiplier('disabled'),
    })
    .describe('Each fare class as a percentage of the adult fare'),
  routes: z.array(RouteSchema).min(1).max(1000).describe('Every route and its fare rule'),
  monthlyTiers: z
    .array(
      z.strictObject({
        fromFen: fen.min(1).describe('Once a card has paid this much for rides in the month...'),
        percent: z.number().int().min(0).max(100).describe('...each later ride costs this percent of its fare'),
      }),
    )
    .max(8)
    .refine((tiers) => tiers.every((t, i) => i === 0 || t.fromFen > tiers[i - 1]!.fromFen), {
      message: 'tiers rise: each fromFen above the one before',
    })
    .optional()
    .describe(
      'The monthly ride discount, city-wide: what a card paid for rides in a month (Asia/Shanghai, by fare day) sets the percent of each later ride, after transfer and class and before the daily cap',
    ),
});
export type FareTable = z.infer<typeof FareTableSchema>;
