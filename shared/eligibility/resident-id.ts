import { createHmac } from 'node:crypto';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/**
 * Checks an 18-character resident id number (GB 11643-1999): 17 digits and an ISO 7064 MOD 11-2
 * check character, with the birth date it embeds. Answers what is wrong, or null.
 */
export function residentIdProblem(idNumber: string, birthDate: string): string | null {
  if (!/^\d{17}[\dX]$/.test(idNumber)) return 'must be 17 digits and a digit or X';
  const sum = [...idNumber.slice(0, 17)].reduce((acc, d, i) => acc + Number(d) * WEIGHTS[i]!, 0);
  if (CHECK[sum % 11] !== idNumber[17]) return 'the check character does not match';
  if (idNumber.slice(6, 14) !== birthDate.replaceAll('-', ''))
    return 'the birth date in the number differs from birthDate';
  return null;
}

/** The id number is never stored: a keyed hash makes "one resident id holds one card" checkable. */
export function residentIdHash(idNumber: string, pepper: string): string {
  return createHmac('sha256', pepper).update(idNumber).digest('base64url');
}

/**
 * What reports show of a number: its first and last characters. The birth date is kept beside it (it
 * prices the senior class), so the mask hides the date's digits and the area code and sequence around
 * them: mask and birth date together leave eight digits unknown, which only the pepper's hash could
 * check.
 */
export function maskResidentId(idNumber: string): string {
  return `${idNumber.slice(0, 1)}${'*'.repeat(16)}${idNumber.slice(17)}`;
}
