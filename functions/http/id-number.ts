import { z } from '@hono/zod-openapi';
import { residentIdProblem } from '../../shared/eligibility/resident-id';

/** A resident id number typed from the card shown (at a counter) or typed again to confirm (a closure online). */
export const IdNumberTyped = z.string().length(18).openapi({
  description:
    'Typed from the resident id card shown in person: 17 digits and a check character (ISO 7064 MOD 11-2), e.g. 11010519491231002X; never stored',
});

/** An id number typed at the counter is well formed and its birth date is a date. */
export function idNumberWellFormed(v: { idNumber: string }, ctx: z.RefinementCtx) {
  const birthDate = `${v.idNumber.slice(6, 10)}-${v.idNumber.slice(10, 12)}-${v.idNumber.slice(12, 14)}`;
  const problem = residentIdProblem(v.idNumber, birthDate);
  if (problem) ctx.addIssue({ code: 'custom', path: ['idNumber'], message: problem });
}
