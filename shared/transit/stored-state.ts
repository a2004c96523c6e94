import { invariant } from '../errors';
import { type BoardRecord, EMPTY_TRANSIT_STATE, type OpenJourney, type TransitState } from '../fares/engine';

/**
 * The card's transit state as its newest entry carries it: one string. Every tap's transaction writes
 * that entry and pays 2 units per started KB of it, and a commuter's state is the bulk of it: 32
 * boards (eight days' worth, for late offline taps), nine fare days and any zone journey open. As
 * DynamoDB maps a commuter's zone entry came to 728 bytes of state (the entry 1186, 4 units); as this
 * string, about 430 (`test/unit/transit/stored-state.test.ts` and `npm run bench` measure it).
 *
 * `3|<routes>|<boards>|<days>|<open>|<months>`, every text field with its separators (and `%`) escaped as `%XX`:
 * - routes: the boards' route ids, each once, `,`-separated; a board names its route by index;
 * - boards, oldest first: `<ms>:<route index>`, the first time in epoch milliseconds, each later one
 *   as milliseconds after the one before (base 36, exact to the millisecond);
 * - days: `<YYYY-MM-DD>=<fen>`, each later day as days after the one before (base 36);
 * - open: `<journeyId>:<routeId>:<entryStopId>:<entryZone>:<entryAt ms>:<heldFen>:<transfer fen>:<fareDay>:<tier %>`;
 * - months: `<YYYY-MM>=<fen>` (this month and the last).
 * Format 2 (no months, open journeys without their tier) still reads: its months paid nothing yet, at 100%.
 */
const FORMAT = '3';
const SECTIONS = { '2': 5, '3': 6 } as const;
const MONTH = /^\d{4}-\d{2}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 24 * 3600_000;

// Only the separators are escaped: any other character (a lone surrogate too) passes as it is.
const enc = (text: string) => text.replace(/[%|,:=]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const dec = (text: string) =>
  text.replace(/%(25|7C|2C|3A|3D)/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
const b36 = (n: number) => n.toString(36);
const fromB36 = (s: string) => {
  const n = Number.parseInt(s, 36);
  invariant(Number.isSafeInteger(n), `not a base 36 number: ${s}`);
  return n;
};
const int = (s: string) => {
  const n = Number(s);
  invariant(Number.isSafeInteger(n), `not an integer: ${s}`);
  return n;
};

/** Milliseconds of an ISO time that reads back as the very same string (the engine writes toISOString). */
function exactMs(iso: string): number {
  const ms = Date.parse(iso);
  invariant(new Date(ms).toISOString() === iso, `a stored time reads back exactly: ${iso}`);
  return ms;
}
const isoOf = (ms: number) => new Date(ms).toISOString();
const dayMs = (day: string) => {
  invariant(DAY.test(day), `a fare day is YYYY-MM-DD: ${day}`);
  return Date.parse(`${day}T00:00:00.000Z`);
};
const dayOf = (ms: number) => isoOf(ms).slice(0, 10);

/** Each item after the first as its distance from the one before: what makes a week of boards short. */
function deltas(values: number[], first: (v: number) => string, step: (d: number) => string): string[] {
  return values.map((v, i) => (i === 0 ? first(v) : step(v - values[i - 1]!)));
}

function encodeBoards(boards: BoardRecord[]): { routes: string; boards: string } {
  const routes = [...new Set(boards.map((b) => b.routeId))];
  const times = deltas(
    boards.map((b) => exactMs(b.at)),
    b36,
    b36,
  );
  return {
    routes: routes.map(enc).join(','),
    boards: boards.map((b, i) => `${times[i]}:${b36(routes.indexOf(b.routeId))}`).join(','),
  };
}

function decodeBoards(routesText: string, boardsText: string): BoardRecord[] {
  if (!boardsText) return [];
  const routes = routesText.split(',').map(dec);
  let ms = 0;
  return boardsText.split(',').map((board, i) => {
    const [time = '', route = ''] = board.split(':');
    ms = i === 0 ? fromB36(time) : ms + fromB36(time);
    const routeId = routes[fromB36(route)];
    invariant(routeId !== undefined, `a board's route is listed: ${board}`);
    return { at: isoOf(ms), routeId };
  });
}

function encodeDays(days: Record<string, number>): string {
  const names = Object.keys(days).sort();
  const steps = deltas(names.map(dayMs), dayOf, (d) => b36(d / DAY_MS));
  return names.map((day, i) => `${steps[i]}=${days[day]}`).join(',');
}

function decodeDays(text: string): Record<string, number> {
  if (!text) return {};
  let ms = 0;
  return Object.fromEntries(
    text.split(',').map((entry, i) => {
      const [step = '', fen = ''] = entry.split('=');
      ms = i === 0 ? dayMs(step) : ms + fromB36(step) * DAY_MS;
      return [dayOf(ms), int(fen)];
    }),
  );
}

const encodeOpen = (o: OpenJourney) =>
  [
    enc(o.journeyId),
    enc(o.routeId),
    enc(o.entryStopId),
    o.entryZone,
    b36(exactMs(o.entryAt)),
    o.heldFen,
    o.transferDiscountAdultFen,
    o.fareDay,
    o.tierPercent,
  ].join(':');

function decodeOpen(text: string): OpenJourney {
  const fields = text.split(':');
  invariant(fields.length === 8 || fields.length === 9, `an open journey has 8 or 9 fields: ${text}`);
  const [journeyId, routeId, entryStopId, entryZone, entryAt, heldFen, transfer, fareDay, tier = '100'] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string?,
  ];
  invariant(DAY.test(fareDay), `a fare day is YYYY-MM-DD: ${fareDay}`);
  return {
    journeyId: dec(journeyId),
    routeId: dec(routeId),
    entryStopId: dec(entryStopId),
    entryZone: int(entryZone),
    entryAt: isoOf(fromB36(entryAt)),
    heldFen: int(heldFen),
    transferDiscountAdultFen: int(transfer),
    fareDay,
    tierPercent: int(tier),
  };
}

function encodeMonths(months: Record<string, number>): string {
  return Object.keys(months)
    .sort()
    .map((month) => `${month}=${months[month]}`)
    .join(',');
}

function decodeMonths(text: string): Record<string, number> {
  if (!text) return {};
  return Object.fromEntries(
    text.split(',').map((entry) => {
      const [month = '', fen = ''] = entry.split('=');
      invariant(MONTH.test(month), `a month is YYYY-MM: ${month}`);
      return [month, int(fen)];
    }),
  );
}

export function storedTransitState(state: TransitState): string {
  const { routes, boards } = encodeBoards(state.boards);
  const open = state.open.map(encodeOpen).join(',');
  return [FORMAT, routes, boards, encodeDays(state.days), open, encodeMonths(state.months)].join('|');
}

/**
 * The state the fare engine reads, from what the card's entry carries: this string, or a state an
 * entry kept before it (maps, with boards as maps or as `<ms base 36>~<routeId>`), or nothing yet (a
 * card that never rode).
 */
export function transitStateOf(stored: unknown): TransitState {
  if (!stored) return EMPTY_TRANSIT_STATE;
  if (typeof stored === 'string') {
    const sections = stored.split('|');
    const format = sections[0];
    invariant(
      (format === '2' || format === '3') && sections.length === SECTIONS[format],
      'a transit state of a known format',
    );
    const [, routes = '', boards = '', days = '', open = '', months = ''] = sections;
    return {
      boards: decodeBoards(routes, boards),
      days: decodeDays(days),
      open: open ? open.split(',').map(decodeOpen) : [],
      months: decodeMonths(months),
    };
  }
  const s = stored as { boards?: (string | BoardRecord)[]; days?: TransitState['days']; open?: TransitState['open'] };
  const open = (s.open ?? []).map((o) => ({ ...o, tierPercent: o.tierPercent ?? 100 }));
  return { boards: (s.boards ?? []).map(boardOf), days: s.days ?? {}, open, months: {} };
}

/** A board as entries kept it before the state was one string: a map, or `<ms base 36>~<routeId>`. */
function boardOf(stored: string | BoardRecord): BoardRecord {
  if (typeof stored !== 'string') return stored;
  const cut = stored.indexOf('~');
  return { at: isoOf(Number.parseInt(stored.slice(0, cut), 36)), routeId: stored.slice(cut + 1) };
}
