import { describe, expect, it } from 'vitest';
import { readSeeds } from '../../../infra/read-seeds';
import { cardTakes, recordOwes } from '../../../shared/benefits/allowance';
import type { CardItem } from '../../../shared/cards/cards';
import type { EligibilityRecord } from '../../../shared/eligibility/model';

const rules = readSeeds('seeds').allowance;
const firstDay = '2026-12-01';
const now = new Date('2026-12-15T10:00:00+08:00');
const record = (over: Partial<EligibilityRecord> = {}): EligibilityRecord => ({
  agencyId: 'civil',
  recordId: 'r1',
  residentIdHash: 'rid-1',
  residentIdMasked: '110***********1234',
  birthDate: '1936-06-01',
  program: 'senior-allowance',
  group: 'dibao',
  validFrom: '2026-01-01',
  validTo: null,
  status: 'active',
  updatedAt: '2026-11-01T00:00:00Z',
  ...over,
});
const card = (over: Record<string, unknown> = {}) =>
  ({
    cardId: 'card_a',
    identityVerified: true,
    balanceFen: 0,
    maxBalanceFen: 500_000,
    holds: {},
    ...over,
  }) as unknown as CardItem;

describe('what a senior-allowance record is owed for the month', () => {
  it('pays the band for the age on the first and the group; nothing out of band, out of force or after a death', () => {
    const context = { deceased: new Set<string>(), rules, firstDay };
    expect(recordOwes(record(), context)).toEqual({ amountFen: 10_000 });
    expect(recordOwes(record({ group: 'none' }), context)).toEqual({ skip: 'NOT_IN_BAND' });
    expect(recordOwes(record({ validFrom: '2026-12-02' }), context)).toEqual({ skip: 'NOT_ACTIVE' });
    expect(recordOwes(record(), { ...context, deceased: new Set(['rid-1']) })).toEqual({ skip: 'DECEASED' });
  });
});

describe('whether the holder’s card takes it', () => {
  it('needs a card verified in person, not paid this month, with room under its limit (open holds count)', () => {
    const paid = { paid: false, now };
    expect(cardTakes(card(), 10_000, paid)).toBeNull();
    expect(cardTakes(undefined, 10_000, paid)).toBe('NO_CARD');
    expect(cardTakes(card({ identityVerified: false }), 10_000, paid)).toBe('IDENTITY_NOT_VERIFIED');
    expect(cardTakes(card(), 10_000, { ...paid, paid: true })).toBe('ALREADY_PAID');
    expect(cardTakes(card({ balanceFen: 490_001 }), 10_000, paid)).toBe('BALANCE_LIMIT');
    const held = { h: { amountFen: 5_000, until: '2026-12-15T12:00:00+08:00' } };
    expect(cardTakes(card({ balanceFen: 486_000, holds: held }), 10_000, paid)).toBe('BALANCE_LIMIT');
    expect(cardTakes(card({ balanceFen: 490_000 }), 10_000, paid)).toBeNull();
  });
});
