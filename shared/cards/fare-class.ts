import { grantInForce } from '../eligibility/grants';
import type { Grant } from '../eligibility/model';
import type { FareClass } from '../fares/fare-table';
import { shanghaiDate } from '../time/shanghai';

/** Whole years from birth to `now`'s date in Asia/Shanghai. */
export function ageInYears(birthDate: string, now: Date): number {
  return ageOnDate(birthDate, shanghaiDate(now));
}

/** Whole years from birth to a calendar date (YYYY-MM-DD); a birthday on that date counts. */
export function ageOnDate(birthDate: string, date: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = date.split('-').map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

/** What the card's fare class follows from: the holder, whether an in-person check vouched for them, and any concession granted. */
export interface ClassBasis {
  birthDate?: string;
  identityVerified?: boolean;
  /** Granted by an operator on evidence it checked: student, disabled (or senior on other evidence). */
  concession?: FareClass | null;
  /** Agencies' records of the holder (student, disabled): each counts while it is in force. */
  grants?: Record<string, Grant>;
}

/** Concessions in the order they win when several apply: the cheapest first (disabled and senior ride free). */
const PRECEDENCE: readonly FareClass[] = ['disabled', 'senior', 'student'];

/**
 * The class a tap, visit or credential is priced with, decided when it is processed: `adult` until an
 * in-person check verified the holder's identity (a self-declared birth date proves nothing); then a
 * granted concession, or `senior` from the birth date by itself from the holder's birthday on.
 */
export function effectiveFareClass(basis: ClassBasis, now: Date, seniorAgeYears: number): FareClass {
  if (!basis.identityVerified) return 'adult';
  const eligible = new Set<FareClass>();
  if (basis.concession && basis.concession !== 'adult') eligible.add(basis.concession);
  const today = shanghaiDate(now);
  for (const grant of Object.values(basis.grants ?? {})) if (grantInForce(grant, today)) eligible.add(grant.program);
  if (basis.birthDate && ageInYears(basis.birthDate, now) >= seniorAgeYears) eligible.add('senior');
  return PRECEDENCE.find((c) => eligible.has(c)) ?? 'adult';
}
