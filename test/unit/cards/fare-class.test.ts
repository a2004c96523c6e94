import { describe, expect, it } from 'vitest';
import { ageOnDate, effectiveFareClass } from '../../../shared/cards/fare-class';

// 2026-06-01T12:00 in Asia/Shanghai.
const now = new Date('2026-06-01T04:00:00Z');

describe('effectiveFareClass', () => {
  it.each([
    ['unverified, 76 years old', { birthDate: '1950-01-01', identityVerified: false }, 'adult'],
    ['unverified with a granted concession', { birthDate: '1990-01-01', concession: 'disabled' as const }, 'adult'],
    ['verified, 64 the day before the birthday', { birthDate: '1961-06-02', identityVerified: true }, 'adult'],
    ['verified, 65 on the birthday', { birthDate: '1961-06-01', identityVerified: true }, 'senior'],
    [
      'verified student',
      { birthDate: '2008-01-01', identityVerified: true, concession: 'student' as const },
      'student',
    ],
    [
      'verified student aged 70',
      { birthDate: '1956-01-01', identityVerified: true, concession: 'student' as const },
      'senior',
    ],
    [
      'verified disabled aged 70',
      { birthDate: '1956-01-01', identityVerified: true, concession: 'disabled' as const },
      'disabled',
    ],
    ['verified adult', { birthDate: '1990-01-01', identityVerified: true, concession: null }, 'adult'],
  ])('%s -> %s', (_name, basis, expected) => {
    expect(effectiveFareClass(basis, now, 65)).toBe(expected);
  });

  it('counts a birthday on the day itself and not the day before', () => {
    expect(ageOnDate('1946-03-01', '2026-03-01')).toBe(80);
    expect(ageOnDate('1946-03-02', '2026-03-01')).toBe(79);
    expect(ageOnDate('1948-02-29', '2028-02-28')).toBe(79);
  });
});
