import { z } from 'zod';
import { ageOnDate } from '../cards/fare-class';
import { GROUPS, type Group } from './model';

/** The senior living allowance's rules: amount by age on the month's first day and group. Versioned like fare tables. */
export const AllowanceRulesSchema = z.strictObject({
  version: z.number().int().min(1),
  effectiveFrom: z.iso.datetime({ offset: true }),
  bands: z
    .array(
      z.strictObject({
        minAge: z.number().int().min(0).max(150),
        maxAge: z.number().int().min(0).max(150).nullable(),
        groups: z.array(z.enum(GROUPS)).min(1),
        amountFen: z.number().int().min(1).max(500_000),
      }),
    )
    .min(1)
    .max(50),
});
export type AllowanceRules = z.infer<typeof AllowanceRulesSchema>;

/** The month's amount for a holder born on `birthDate` in `group`, or null when no band covers them. */
export function allowanceFen(rules: AllowanceRules, birthDate: string, group: Group, firstDay: string): number | null {
  const age = ageOnDate(birthDate, firstDay);
  const band = rules.bands.find(
    (b) => age >= b.minAge && (b.maxAge === null || age <= b.maxAge) && b.groups.includes(group),
  );
  return band?.amountFen ?? null;
}
