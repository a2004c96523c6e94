import { describe, expect, it } from 'vitest';
import { type JourneyRecord, journeyOfEntry, storedJourney } from '../../../shared/transit/journeys';

const at = '2026-11-28T08:10:00.000+08:00';
const rule = [{ rule: 'base' as const, fen: 200, text: 'Route B1 flat fare' }];

describe('a journey as its tap’s entry stores it', () => {
  it('leaves out what the entry says already, and the explanation its tap’s answer keeps', () => {
    const board: JourneyRecord = {
      journeyId: 'jny_t1',
      routeId: 'B1',
      kind: 'flat',
      status: 'complete',
      startedAt: at,
      endedAt: at,
      boardStopId: 'B1-S1',
      fareFen: 200,
      explanation: rule,
    };
    const stored = storedJourney(board, { at, ref: 't1' });
    expect(stored).not.toHaveProperty('journeyId');
    expect(stored).not.toHaveProperty('startedAt');
    expect(stored).not.toHaveProperty('endedAt');
    expect(stored).not.toHaveProperty('explanation');
    const { explanation, ...withoutExplanation } = board;
    expect(journeyOfEntry({ at, ref: 't1', journey: stored })).toEqual(withoutExplanation);
    // An entry written while entries kept the explanation reads back with it.
    expect(journeyOfEntry({ at, ref: 't1', journey: { ...stored, explanation } })).toEqual(board);
  });

  it('keeps what differs: an exit’s journey began at another tap and time; an open one has no end', () => {
    const exit: JourneyRecord = {
      journeyId: 'jny_entry',
      routeId: 'M1',
      kind: 'zonal',
      status: 'complete',
      startedAt: '2026-11-28T07:50:00.000+08:00',
      endedAt: at,
      entryStopId: 'M1-S1',
      exitStopId: 'M1-S4',
      fareFen: 400,
      explanation: rule,
    };
    const stored = storedJourney(exit, { at, ref: 'exit' });
    expect(stored).toMatchObject({ journeyId: 'jny_entry', startedAt: exit.startedAt });
    const { explanation: _exit, ...exitKept } = exit;
    expect(journeyOfEntry({ at, ref: 'exit', journey: stored })).toEqual(exitKept);

    const open: JourneyRecord = { ...exit, journeyId: 'jny_entry', status: 'open', startedAt: at, endedAt: null };
    const { explanation: _open, ...openKept } = open;
    expect(journeyOfEntry({ at, ref: 'entry', journey: storedJourney(open, { at, ref: 'entry' }) })).toEqual(openKept);
  });
});
