import { describe, expect, it } from 'vitest';
import { readSeeds } from '../../../infra/read-seeds';
import type { CardItem } from '../../../shared/cards/cards';
import { planTap, type TapInput } from '../../../shared/transit/tap-plan';

const table = readSeeds('seeds').fares;
const zone = table.routes.find((r) => r.routeId === 'Z1')!;
const card = { cardId: 'card_1', balanceFen: 2000, negativeLimitFen: 0, holds: {} } as unknown as CardItem;
const tap = (kind: 'entry' | 'exit', stopId: string, at: string, over: Partial<TapInput> = {}): TapInput => ({
  req: {
    tapId: `t-${kind}`,
    routeId: 'Z1',
    stopId,
    kind,
    at,
    challenge: 'c',
    credential: 'x',
    proof: 'y',
  },
  at: new Date(at),
  table,
  route: zone,
  card,
  fareClass: 'adult',
  processedAt: new Date(at),
  ...over,
});
const read = { tableName: 't', entryRecord: undefined };

/** The card as the entry's plan leaves it: balance down by the hold, the journey open in its state. */
function afterEntry() {
  const { plan } = planTap(tap('entry', 'Z1-S1', '2026-11-28T01:00:00.000Z'), read);
  if (plan.decline !== undefined) throw new Error(plan.decline);
  return { ...card, ...plan.walletAttributes![card.cardId], balanceFen: plan.result.balanceFen } as CardItem;
}

describe('a tap, planned from plain data', () => {
  it('holds the route’s maximum at a zone entry and keeps the open journey in the card’s state', () => {
    const entered = afterEntry();
    expect(entered.balanceFen).toBe(1500);
    expect(typeof entered.transit).toBe('string');
    expect(Object.values(entered.holds as object)).toMatchObject([{ amountFen: 500 }]);
  });

  it('gives back at the exit what the entry held beyond the fare, guarded on the entry’s record', () => {
    const entered = afterEntry();
    const { plan, givesBackTo } = planTap(tap('exit', 'Z1-S3', '2026-11-28T01:20:00.000Z', { card: entered }), read);
    if (plan.decline !== undefined) throw new Error(plan.decline);
    expect(givesBackTo).toBe('tap:t-entry');
    expect(plan.transfer).toMatchObject({ reverses: 'tap:t-entry' });
    expect(plan.result.balanceFen).toBe(entered.balanceFen + 500 - plan.result.fareFen);
    expect(plan.writes?.[0]?.item.Update?.Key).toEqual({ pk: 'XFER#tap:t-entry', sk: 'X' });
  });

  it('refuses a fare below the card’s negative limit, and an exit with no entry', () => {
    const poor = { ...card, balanceFen: 100 } as CardItem;
    expect(planTap(tap('entry', 'Z1-S1', '2026-11-28T01:00:00.000Z', { card: poor }), read).plan).toEqual({
      decline: 'INSUFFICIENT_FUNDS',
    });
    const overdraft = { ...poor, negativeLimitFen: 400 } as CardItem;
    expect(
      planTap(tap('entry', 'Z1-S1', '2026-11-28T01:00:00.000Z', { card: overdraft }), read).plan.decline,
    ).toBeUndefined();
    expect(planTap(tap('exit', 'Z1-S3', '2026-11-28T01:20:00.000Z'), read)).toEqual({
      plan: { decline: 'NO_OPEN_JOURNEY' },
    });
  });
});
