import { z } from 'zod';
import { ageOnDate } from '../cards/fare-class';
import { GROUPS, type Group } from '../eligibility/model';

/** The senior living allowance's rules: amount by age on the month's first day and group. Versioned like fare tables. */
export const AllowanceRulesSchema = z.strictObject({
  version: z.number().int().min(1).describe('Higher than every version before it'),
  effectiveFrom: z.iso.datetime({ offset: true }).describe('Months starting at or after this use this version'),
  bands: z
    .array(
      z.strictObject({
        minAge: z.number().int().min(0).max(150).describe('Age reached by the first of the month, at least'),
        maxAge: z.number().int().min(0).max(150).nullable().describe('And at most (null: no upper bound)'),
        groups: z
          .array(z.enum(GROUPS))
          .min(1)
          .describe('The civil-affairs groups it pays (none: a holder in no group)'),
        amountFen: z.number().int().min(1).max(500_000).describe('Paid once a month to each eligible verified card'),
      }),
    )
    .min(1)
    .max(50)
    .describe('Age bands and what each pays'),
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
