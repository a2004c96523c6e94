import { describe, expect, it } from 'vitest';
import { readSeeds } from '../../../infra/read-seeds';
import { entryFee, rentalFee, rentalHold } from '../../../shared/facilities/fees';
import type { EntryProduct, RentalProduct } from '../../../shared/facilities/model';

const seeds = readSeeds('seeds');
const product = (id: string) => seeds.facilities.facilities.find((f) => f.facilityId === id)!.product;
const bike = product('f-bike') as RentalProduct;
const park = product('f-park') as EntryProduct;
const MULTIPLIER = { adult: 100, student: 50, senior: 0, disabled: 0 } as const;
const minutes = (m: number) => m * 60_000;

describe('facility fees', () => {
  it.each([
    ['adult', 500],
    ['student', 250],
    ['senior', 0],
    ['disabled', 0],
  ] as const)('park entry for %s: %i fen', (fareClass, fen) => {
    expect(entryFee(park, MULTIPLIER[fareClass]).feeFen).toBe(fen);
  });

  it.each([
    ['adult', 1000],
    ['student', 500],
    ['senior', 0],
  ] as const)('a bicycle start holds %s: %i fen', (fareClass, fen) => {
    expect(rentalHold(bike, MULTIPLIER[fareClass]).feeFen).toBe(fen);
  });

  it.each([
    // [elapsed, adult fee, student fee]
    [minutes(0), 0, 0],
    [minutes(60), 0, 0],
    [minutes(60) + 1000, 100, 50],
    [minutes(61), 100, 50],
    [minutes(90), 100, 50],
    [minutes(91), 200, 100],
    [minutes(120), 200, 100],
    [minutes(121), 300, 150],
    [minutes(300), 800, 400],
    [minutes(331), 1000, 500],
    [minutes(600), 1000, 500],
    [minutes(1440), 1000, 500],
  ])('a rental of %i ms costs %i fen adult, %i fen student', (elapsed, adult, student) => {
    expect(rentalFee(bike, elapsed, 100)?.feeFen).toBe(adult);
    expect(rentalFee(bike, elapsed, 50)?.feeFen).toBe(student);
    expect(rentalFee(bike, elapsed, 0)?.feeFen).toBe(0);
  });

  it('has no end past 24 hours: the rental lapsed and keeps its hold', () => {
    expect(rentalFee(bike, minutes(1440) + 1, 100)).toBeNull();
    expect(rentalFee(bike, -1, 100)).toBeNull();
  });

  it('explains the fee: blocks, cap and class', () => {
    const fee = rentalFee(bike, minutes(700), 50)!;
    expect(fee.explanation.map((r) => r.rule)).toEqual(['base', 'cap', 'concession']);
    expect(fee.explanation.reduce((s, r) => s + (r.fen ?? 0), 0)).toBe(fee.feeFen);
  });
});
