import { describe, expect, it } from 'vitest';
import { dailyRun } from '../../../shared/settlement/daily';
import { feeFen, settlementLine } from '../../../shared/settlement/lines';
import { csvField, csvOf } from '../../../shared/text/csv';

const tea = { payeeKind: 'merchant' as const, payeeId: 'm-tea', feeBasisPoints: 60 };

describe('settlement lines', () => {
  it.each([
    // sales, refunds, points funded, carried in -> fee, net, payout, carried out
    [2500, 0, 0, 0, 15, 2485, 2485, 0],
    [2500, 2500, 0, 0, 0, 0, 0, 0],
    [0, 500, 0, 0, 0, -500, 0, -500],
    [2000, 0, 0, -500, 12, 1488, 1488, 0],
    [300, 0, 0, -500, 2, -202, 0, -202],
    [83, 0, 0, 0, 0, 83, 83, 0],
    [84, 0, 0, 0, 1, 83, 83, 0],
    // The points it funded come off what it is paid, not off the sales its fee is on.
    [10000, 0, 100, 0, 60, 9840, 9840, 0],
    [10000, 10000, 0, 0, 0, 0, 0, 0],
    [0, 0, -50, 0, 0, 50, 50, 0],
  ])(
    'sales %i, refunds %i, points funded %i, carried %i: fee %i, net %i, payout %i, carried %i',
    (s, r, funded, c, fee, net, payout, carried) => {
      const counts = { salesFen: s, refundsFen: r, pointsFundedFen: funded, pointsSpentFen: 0 };
      expect(settlementLine(tea, counts, c)).toEqual({
        payeeKind: 'merchant',
        payeeId: 'm-tea',
        salesFen: s,
        refundsFen: r,
        pointsFundedFen: funded,
        pointsSpentFen: 0,
        feeFen: fee,
        netFen: net,
        payoutFen: payout,
        carriedFen: carried,
      });
    },
  );

  it('rounds fees half up to the fen', () => {
    expect([feeFen(250, 100), feeFen(249, 100), feeFen(50, 100), feeFen(49, 100)]).toEqual([3, 2, 1, 0]);
  });

  it('quotes a CSV field only when it needs it (RFC 4180)', () => {
    expect([csvField('m-tea'), csvField('a,b'), csvField('say "hi"'), csvField(-5)]).toEqual([
      'm-tea',
      '"a,b"',
      '"say ""hi"""',
      '-5',
    ]);
    expect(csvOf(['a', 'b'], [[1, 'x']])).toBe('a,b\r\n1,x\r\n');
  });
});

describe('the daily run', () => {
  it('settles up to 04:00 Shanghai of the business day in progress, named by the day it ends', () => {
    expect(dailyRun(new Date('2026-11-28T04:05:00+08:00'))).toEqual({
      runId: 'daily_2026-11-27',
      cutoff: new Date('2026-11-28T04:00:00+08:00'),
    });
    expect(dailyRun(new Date('2026-11-28T03:59:59+08:00'))).toEqual({
      runId: 'daily_2026-11-26',
      cutoff: new Date('2026-11-27T04:00:00+08:00'),
    });
  });
});
