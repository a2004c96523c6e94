import { expect, it } from 'vitest';
import { readWalletItems } from '../../shared/ledger/wallet-head';
import { testClock, useTestBackend } from '../support/backend';
import { jsonRequest, login } from '../support/citizen';
import { body } from '../support/http';
import { attributeOf, itemSizeBytes } from '../support/item-size';
import { postTap, registerTerminal, rider, tapBody } from '../support/rider';

// Eight days ago, 07:00 in Shanghai: a commuter's week of riding ends in this morning's zone journey.
const start = new Date();
start.setUTCDate(start.getUTCDate() - 8);
start.setUTCHours(23, 0, 0, 0);
const clock = testClock(start);
const { app, backend } = useTestBackend({ clock });

/** DynamoDB's size of the card's newest entry: the item every one of the card's taps writes. */
async function headBytes(cardId: string) {
  const [, head] = await readWalletItems(backend().deps.store, cardId);
  return itemSizeBytes((attributeOf(head) as { M: Parameters<typeof itemSizeBytes>[0] }).M);
}

it('keeps a commuter’s newest entry under 1 KB, a zone journey with a hold, a transfer and its exit included', async () => {
  // Prepare: four boards a day on two routes (two of them transfers) for eight days: the 32 boards a
  // card keeps, and nine fare days of charges. The phone gets a fresh credential each morning.
  const terminal = await registerTerminal(app, ['B1', 'B2', 'Z1']);
  const r = await rider(app, { balanceFen: 50_000, now: clock() });
  const { cardId } = await body(await app.request('/v1/me/card', { headers: r.auth }));
  const tap = async (routeId: string, stopId: string, kind: 'board' | 'entry' | 'exit') => {
    const res = await postTap(app, terminal, await tapBody(r, terminal, { routeId, stopId, kind, at: clock() }), {
      now: clock(),
    });
    const answer = await body(res);
    expect(answer.status).toBe('accepted');
    return answer;
  };
  const morning = async () => {
    const { token } = await login(app, r.phone);
    const issued = await app.request(
      '/v1/me/credentials',
      jsonRequest('POST', { deviceId: r.deviceId }, { authorization: `Bearer ${token}` }),
    );
    r.credential = (await body(issued)).credential;
  };
  for (let day = 0; day < 8; day++) {
    await morning();
    await tap('B1', 'B1-S1', 'board');
    clock.advance(20 * 60_000);
    await tap('B2', 'B2-S1', 'board');
    clock.advance(9 * 3600_000);
    await tap('B1', 'B1-S1', 'board');
    clock.advance(20 * 60_000);
    await tap('B2', 'B2-S1', 'board');
    clock.advance(24 * 3600_000 - 9 * 3600_000 - 40 * 60_000);
  }
  await morning();
  await tap('B1', 'B1-S1', 'board');
  clock.advance(10 * 60_000);

  // Act: a zone entry within the transfer window (a hold of the route's maximum), then its exit.
  const entry = await tap('Z1', 'Z1-S1', 'entry');
  const afterEntry = await headBytes(cardId);
  clock.advance(20 * 60_000);
  const exit = await tap('Z1', 'Z1-S4', 'exit');
  const afterExit = await headBytes(cardId);

  // Assess: each entry under 1 KB (2 write units in the tap's transaction, not 4), and the journey
  // list still tells the whole journey, explained as the exit's answer explained it.
  expect(entry.explanation.map((e: { rule: string }) => e.rule)).toEqual(['entry-hold', 'transfer']);
  expect(afterEntry).toBeLessThan(1024);
  expect(afterExit).toBeLessThan(1024);
  const { token } = await login(app, r.phone);
  const journeys = await body(
    await app.request('/v1/me/journeys?limit=2', { headers: { authorization: `Bearer ${token}` } }),
  );
  expect(journeys.items[0]).toMatchObject({ journeyId: entry.journeyId, status: 'complete', fareFen: exit.fareFen });
  expect(journeys.items[0].explanation).toEqual(exit.explanation);
});
