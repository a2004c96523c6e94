import { z } from 'zod';

export const FARE_CLASSES = ['adult', 'student', 'senior', 'disabled'] as const;
export const FareClassSchema = z.enum(FARE_CLASSES);
export type FareClass = z.infer<typeof FareClassSchema>;

const fen = z.number().int().min(0).max(1_000_000);

/** The transit operator a route's fares are paid out to at settlement. */
const OperatorId = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, '1 to 32 of A-Z a-z 0-9 _ -');

const FlatRouteSchema = z.strictObject({
  routeId: z.string().min(1).max(32),
  name: z.string().min(1).max(200),
  operatorId: OperatorId,
  kind: z.literal('flat'),
  adultFareFen: fen,
  stops: z.array(z.string().min(1).max(32)).min(1).max(500),
});

const ZonalRouteSchema = z.strictObject({
  routeId: z.string().min(1).max(32),
  name: z.string().min(1).max(200),
  operatorId: OperatorId,
  kind: z.literal('zonal'),
  baseAdultFareFen: fen,
  perZoneAdultFen: fen,
  maxAdultFareFen: fen,
  stops: z
    .array(z.strictObject({ stopId: z.string().min(1).max(32), zone: z.number().int().min(1).max(99) }))
    .min(1)
    .max(500),
});

export const RouteSchema = z.discriminatedUnion('kind', [FlatRouteSchema, ZonalRouteSchema]);
export type Route = z.infer<typeof RouteSchema>;
export type FlatRoute = z.infer<typeof FlatRouteSchema>;
export type ZonalRoute = z.infer<typeof ZonalRouteSchema>;

/** One version of the city's fare rules. Amounts are adult fares; classes scale them. */
export const FareTableSchema = z.strictObject({
  version: z.number().int().min(1),
  effectiveFrom: z.iso.datetime({ offset: true }),
  fareDayStartHour: z.number().int().min(0).max(23),
  dailyCapAdultFen: fen,
  transfer: z.strictObject({ windowMinutes: z.number().int().min(0).max(1440), discountAdultFen: fen }),
  zoneJourneyMaxMinutes: z.number().int().min(1).max(1440),
  classes: z.strictObject({
    adult: z.strictObject({ multiplierPercent: z.number().int().min(0).max(100) }),
    student: z.strictObject({ multiplierPercent: z.number().int().min(0).max(100) }),
    senior: z.strictObject({ multiplierPercent: z.number().int().min(0).max(100) }),
    disabled: z.strictObject({ multiplierPercent: z.number().int().min(0).max(100) }),
  }),
  routes: z.array(RouteSchema).min(1).max(1000),
});
export type FareTable = z.infer<typeof FareTableSchema>;
