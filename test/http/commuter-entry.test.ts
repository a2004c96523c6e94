import { expect, it } from 'vitest';
import { readWalletItems } from '../../shared/ledger/wallet-head';
import { testClock, useTestBackend } from '../support/backend';
import { aWeekAgoAtSeven, commuter } from '../support/commuter';
import { body } from '../support/http';
import { attributeOf, itemSizeBytes } from '../support/item-size';
import { registerTerminal, rider } from '../support/rider';

const clock = testClock(aWeekAgoAtSeven());
const { app, backend } = useTestBackend({ clock });

/** DynamoDB's size of the card's newest entry: the item every one of the card's taps writes. */
async function headBytes(cardId: string) {
  const [, head] = await readWalletItems(backend().deps.store, cardId);
  return itemSizeBytes((attributeOf(head) as { M: Parameters<typeof itemSizeBytes>[0] }).M);
}

it('keeps a commuter’s newest entry under 1 KB, a zone journey with a hold, a transfer and its exit included', async () => {
  // Prepare: a week of riding (32 boards on two routes, nine fare days), ending right after a board.
  const terminal = await registerTerminal(app, ['B1', 'B2', 'Z1']);
  const r = await rider(app, { balanceFen: 50_000, now: clock() });
  const { cardId } = await body(await app.request('/v1/me/card', { headers: r.auth }));
  const ride = commuter(app, clock, terminal, r);
  await ride.rideAWeek();

  // Act: a zone entry within the transfer window (a hold of the route's maximum), then its exit.
  const entry = await ride.tap('Z1', 'Z1-S1', 'entry');
  const afterEntry = await headBytes(cardId);
  clock.advance(20 * 60_000);
  const exit = await ride.tap('Z1', 'Z1-S4', 'exit');
  const afterExit = await headBytes(cardId);

  // Assess: each entry under 1 KB (2 write units in the tap's transaction, not 4), and the journey
  // list still tells the whole journey, explained as the exit's answer explained it.
  expect(entry.explanation.map((e) => e.rule)).toEqual(['entry-hold', 'transfer', 'monthly']);
  expect(afterEntry).toBeLessThan(1024);
  expect(afterExit).toBeLessThan(1024);
  const auth = await ride.morning();
  const journeys = await body(await app.request('/v1/me/journeys?limit=2', { headers: auth }));
  expect(journeys.items[0]).toMatchObject({ journeyId: entry.journeyId, status: 'complete', fareFen: exit.fareFen });
  expect(journeys.items[0].explanation).toEqual(exit.explanation);
});
