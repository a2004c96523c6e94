import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BoardRecord, TransitState } from '../../../shared/fares/engine';
import { storedTransitState, transitStateOf } from '../../../shared/transit/stored-state';

// A commuter's week: 32 boards (the most the card keeps), nine fare days, one zone journey open.
const start = Date.parse('2026-11-21T07:45:12.345Z');
const week: TransitState = {
  boards: Array.from({ length: 32 }, (_, i) => ({
    at: new Date(start + i * 5 * 3600_000 + i * 7).toISOString(),
    routeId: i % 2 ? 'B1' : 'Z1',
  })),
  days: Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`2026-11-${20 + i}`, 400 + i])),
  open: [
    {
      journeyId: 'jny_3f0c9a5e-7b2d-4c1a-9e6f-0a1b2c3d4e5f',
      routeId: 'Z1',
      entryStopId: 'Z1-S1',
      entryZone: 1,
      entryAt: '2026-11-28T07:00:00.000Z',
      heldFen: 500,
      transferDiscountAdultFen: 100,
      fareDay: '2026-11-28',
      tierPercent: 80,
    },
  ],
  months: { '2026-10': 15_800, '2026-11': 10_350 },
};

/** Any text an operator could give a route or a stop, separators and lone surrogates included. */
const anyId = (maxLength: number) =>
  fc.string({
    unit: fc.oneof(
      fc.constantFrom('|', ',', ':', '=', '%', '%7C', '~'),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    ),
    minLength: 1,
    maxLength,
  });

/** Any state the fare engine could keep: times to the millisecond, ids with any character. */
const anyState = fc.record({
  boards: fc.array(
    fc.record({
      at: fc
        .integer({ min: Date.parse('2020-01-01'), max: Date.parse('2040-01-01') })
        .map((ms) => new Date(ms).toISOString()),
      routeId: anyId(32),
    }),
    { maxLength: 32 },
  ),
  days: fc
    .uniqueArray(fc.integer({ min: 0, max: 5000 }), { maxLength: 9 })
    .chain((offsets) =>
      fc
        .tuple(...offsets.map(() => fc.integer({ min: -100_000, max: 100_000 })))
        .map((fens) =>
          Object.fromEntries(
            offsets.map((d, i) => [
              new Date(Date.parse('2026-01-01') + d * 86_400_000).toISOString().slice(0, 10),
              fens[i]!,
            ]),
          ),
        ),
    ),
  open: fc.array(
    fc.record({
      journeyId: anyId(60),
      routeId: anyId(32),
      entryStopId: anyId(32),
      entryZone: fc.integer({ min: 0, max: 99 }),
      entryAt: fc
        .integer({ min: Date.parse('2020-01-01'), max: Date.parse('2040-01-01') })
        .map((ms) => new Date(ms).toISOString()),
      heldFen: fc.integer({ min: 0, max: 100_000 }),
      transferDiscountAdultFen: fc.integer({ min: 0, max: 10_000 }),
      fareDay: fc.constant('2026-11-28'),
      tierPercent: fc.integer({ min: 0, max: 100 }),
    }),
    { maxLength: 8 },
  ),
  months: fc.dictionary(
    fc
      .integer({ min: 2020, max: 2040 })
      .chain((y) => fc.integer({ min: 1, max: 12 }).map((m) => `${y}-${String(m).padStart(2, '0')}`)),
    fc.integer({ min: 0, max: 1_000_000 }),
    { maxKeys: 2 },
  ),
});

describe('the transit state on the card’s entry', () => {
  it('reads back exactly what was stored, to the millisecond', () => {
    expect(transitStateOf(storedTransitState(week))).toEqual(week);
  });

  it('reads back any state exactly, whatever its ids hold (separators included) and in any order', () => {
    fc.assert(
      fc.property(anyState, (state: TransitState) => {
        expect(transitStateOf(storedTransitState(state))).toEqual(state);
      }),
    );
  });

  it('keeps a commuter’s week small: the state is one short string, not DynamoDB maps', () => {
    const stored = storedTransitState(week);
    // 32 boards, 9 days and an open journey as maps: about 730 bytes in DynamoDB (bench/); the two
    // months the monthly discount keeps add about 30.
    expect(stored.length).toBeLessThan(470);
    expect(JSON.stringify(week).length).toBeGreaterThan(3 * stored.length);
  });

  it('reads what entries kept before: maps, with boards as maps or packed, and a card that never rode', () => {
    const packed = (b: BoardRecord) => `${Date.parse(b.at).toString(36)}~${b.routeId}`;
    // Maps were kept before the monthly discount: no months, each open journey at 100%.
    const before = { ...week, months: {}, open: week.open.map((o) => ({ ...o, tierPercent: 100 })) };
    const { months: _m, ...asMaps } = { ...week, open: week.open.map(({ tierPercent: _t, ...o }) => o) };
    expect(transitStateOf(asMaps)).toEqual(before);
    expect(transitStateOf({ ...asMaps, boards: week.boards.map(packed) })).toEqual(before);
    expect(transitStateOf(undefined)).toEqual({ boards: [], days: {}, open: [], months: {} });
  });

  it('reads format 2, which an entry wrote before the monthly discount: no month paid yet, journeys at 100%', () => {
    const v3 = storedTransitState({ ...week, months: {} });
    const v2 = v3
      .replace(/^3\|/, '2|')
      .replace(/:80(?=\||,|$)/, '')
      .replace(/\|$/, '');
    expect(transitStateOf(v2)).toEqual({
      ...week,
      months: {},
      open: week.open.map((o) => ({ ...o, tierPercent: 100 })),
    });
  });

  it('refuses a state it cannot read rather than pricing on a wrong one', () => {
    expect(() => transitStateOf('4||||||')).toThrow();
    expect(() => transitStateOf('3|||||')).not.toThrow();
    expect(() => transitStateOf('3||||')).toThrow(/format/);
    expect(() => transitStateOf('2|B1|zz:5||')).toThrow(/route/);
    expect(() => transitStateOf('3||||| 2026-1=5')).toThrow(/month/);
  });
});
