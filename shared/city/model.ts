import { z } from 'zod';
import { isPrintable, NOT_PRINTABLE } from '../text/printable';

/** City-wide card rules. Limits a registered stored-value card must keep (contract: 500000 fen). */
export const CityConfigSchema = z.strictObject({
  cityName: z.string().min(1).max(100).refine(isPrintable, NOT_PRINTABLE),
  timeZone: z.literal('Asia/Shanghai'),
  card: z.strictObject({
    maxBalanceFen: z.number().int().min(1).max(500_000),
    negativeLimitFen: z.number().int().min(0).max(10_000),
    seniorAgeYears: z.number().int().min(1).max(150),
    offlineLimitFen: z.number().int().min(0).max(100_000),
  }),
});
export type CityConfig = z.infer<typeof CityConfigSchema>;
