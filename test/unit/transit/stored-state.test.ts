import { describe, expect, it } from 'vitest';
import type { TransitState } from '../../../shared/fares/engine';
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
      journeyId: 'jny_3f0c',
      routeId: 'Z1',
      entryStopId: 'Z1-S1',
      entryZone: 1,
      entryAt: '2026-11-28T07:00:00.000Z',
      heldFen: 500,
      transferDiscountAdultFen: 0,
      fareDay: '2026-11-28',
    },
  ],
};

describe('the transit state on the card item', () => {
  it('reads back exactly what was stored, to the millisecond', () => {
    expect(transitStateOf(storedTransitState(week))).toEqual(week);
  });

  it('keeps a week of boards small: the card stays under 1 KB however much its rider rides', () => {
    const packed = JSON.stringify(storedTransitState(week).boards).length;
    const asMaps = JSON.stringify(week.boards).length;
    expect(packed).toBeLessThan(500);
    expect(asMaps).toBeGreaterThan(3 * packed);
  });

  it('reads a card written before boards were packed, and a card that never rode', () => {
    expect(transitStateOf(week)).toEqual(week);
    expect(transitStateOf(undefined)).toEqual({ boards: [], days: {}, open: [] });
  });
});
