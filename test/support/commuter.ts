import type { Hono } from 'hono';
import { jsonRequest, login } from './citizen';
import { body } from './http';
import { postTap, type Rider, type Terminal, tapBody } from './rider';

type App = Pick<Hono, 'request'>;
type Clock = (() => Date) & { advance(ms: number): void };
export type TapAnswer = { status: string; fareFen: number; journeyId: string; explanation: { rule: string }[] };

/**
 * A commuter's week, through the API on a test clock that starts at 07:00 Shanghai time: four boards a
 * day on B1 and B2 (two of them transfers) for eight days, so the card keeps the 32 boards it can and
 * nine fare days of charges; the phone gets a fresh credential each morning. Ends the next morning
 * right after a board on B1, within the transfer window. `tap` sends one tap as the validator.
 */
export function commuter(app: App, clock: Clock, terminal: Terminal, r: Rider) {
  const tap = async (routeId: string, stopId: string, kind: 'board' | 'entry' | 'exit'): Promise<TapAnswer> => {
    const sent = await tapBody(r, terminal, { routeId, stopId, kind, at: clock() });
    const answer = await body(await postTap(app, terminal, sent, { now: clock() }));
    if (answer.status !== 'accepted') throw new Error(`commuter tap ${kind} on ${routeId}: ${JSON.stringify(answer)}`);
    return answer;
  };
  const morning = async () => {
    const { token } = await login(app, r.phone);
    const issued = await app.request(
      '/v1/me/credentials',
      jsonRequest('POST', { deviceId: r.deviceId }, { authorization: `Bearer ${token}` }),
    );
    r.credential = (await body(issued)).credential;
    return { authorization: `Bearer ${token}` };
  };
  const rideAWeek = async () => {
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
  };
  return { tap, morning, rideAWeek };
}

/** Eight days before now, 07:00 in Shanghai: where a commuter's week starts. */
export function aWeekAgoAtSeven(now = new Date()): Date {
  const start = new Date(now);
  start.setUTCDate(start.getUTCDate() - 8);
  start.setUTCHours(23, 0, 0, 0);
  return start;
}
