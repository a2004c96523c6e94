import { z } from 'zod';
import { fareDay } from '../time/shanghai';
import type { FareClass, FareTable, FlatRoute, Route, ZonalRoute } from './fare-table';

/** One rule that set (part of) a fare, in the order it applied. */
export interface FareRule {
  rule: 'base' | 'zones' | 'transfer' | 'concession' | 'monthly' | 'cap' | 'entry-hold' | 'exit-refund' | 'incomplete';
  text: string;
  /** The fen this rule added (positive) or took off (negative), where it has an amount. */
  fen?: number;
}

/** A fare rule as an entry or an answer keeps it, read back. */
export const FareRuleSchema: z.ZodType<FareRule> = z.object({
  rule: z.enum([
    'base',
    'zones',
    'transfer',
    'concession',
    'monthly',
    'cap',
    'entry-hold',
    'exit-refund',
    'incomplete',
  ]),
  text: z.string(),
  fen: z.number().int().optional(),
});

export interface BoardRecord {
  at: string;
  routeId: string;
}

export interface OpenJourney {
  journeyId: string;
  routeId: string;
  entryStopId: string;
  entryZone: number;
  entryAt: string;
  /** What the entry charged: the held maximum, after transfer, class and cap. */
  heldFen: number;
  transferDiscountAdultFen: number;
  fareDay: string;
  /** The monthly ride discount's percent at the entry: the exit prices the journey at the same tier. */
  tierPercent: number;
}

/** What the back office knows of a card's riding, kept on the card's wallet item. */
export interface TransitState {
  /** Accepted board and entry taps, oldest first: the source of transfers. */
  boards: BoardRecord[];
  /** Fen charged per fare day, entry holds included. */
  days: Record<string, number>;
  /** Zone journeys entered and not yet exited. */
  open: OpenJourney[];
  /**
   * Fen paid for rides per month of fare days (YYYY-MM, Asia/Shanghai), after every discount and the
   * cap, entry holds included and exit refunds taken back: what the monthly ride discount reads.
   */
  months: Record<string, number>;
}

export const EMPTY_TRANSIT_STATE: TransitState = { boards: [], days: {}, open: [], months: {} };

export interface Tap {
  tapId: string;
  kind: 'board' | 'entry' | 'exit';
  routeId: string;
  stopId: string;
  at: Date;
}

export type Priced =
  | {
      ok: true;
      /** Fen to debit from the card (negative: to credit back, as an exit's refund). */
      chargeFen: number;
      /** What the tap reports: its own fare, or for an exit the whole journey's fare. */
      fareFen: number;
      explanation: FareRule[];
      state: TransitState;
      journey: JourneyChange;
    }
  | { ok: false; declineCode: 'NO_OPEN_JOURNEY'; reason: string };

export type JourneyChange =
  | {
      kind: 'flat';
      journeyId: string;
      routeId: string;
      stopId: string;
      at: string;
      fareFen: number;
      explanation: FareRule[];
    }
  | { kind: 'entry'; open: OpenJourney; explanation: FareRule[] }
  | { kind: 'exit'; open: OpenJourney; exitStopId: string; at: string; fareFen: number; explanation: FareRule[] };

/** Recent history kept on the card: a tap may arrive up to 7 days late, and a transfer looks back 60 minutes. */
const KEEP_MS = 8 * 24 * 3600_000;
const MAX_BOARDS = 32;
const MAX_OPEN = 8;
const MAX_DAYS = 9;
/** This month and the last: a tap may arrive up to 7 days late, into the month before. */
const MAX_MONTHS = 2;

/** Class multipliers are whole percents; the fen rounds half up. */
export function applyClass(adultFen: number, multiplierPercent: number): number {
  return Math.floor((adultFen * multiplierPercent + 50) / 100);
}

export function dailyCapFen(table: FareTable, fareClass: FareClass): number {
  return applyClass(table.dailyCapAdultFen, table.classes[fareClass].multiplierPercent);
}

export function zoneFareAdultFen(route: ZonalRoute, entryZone: number, exitZone: number): number {
  return Math.min(
    route.baseAdultFareFen + route.perZoneAdultFen * Math.abs(exitZone - entryZone),
    route.maxAdultFareFen,
  );
}

/** The transfer discount a board or entry at `at` on `routeId` earns from the card's previous board. */
function transferDiscount(
  table: FareTable,
  state: TransitState,
  routeId: string,
  at: Date,
): { fen: number; from?: BoardRecord } {
  const t = at.getTime();
  const previous = state.boards.filter((b) => new Date(b.at).getTime() < t).at(-1);
  if (!previous || previous.routeId === routeId) return { fen: 0 };
  if (t - new Date(previous.at).getTime() > table.transfer.windowMinutes * 60_000) return { fen: 0 };
  return { fen: table.transfer.discountAdultFen, from: previous };
}

/** The adult fare less the discount, scaled by the class, with the rules that said so. */
function classFare(
  table: FareTable,
  fareClass: FareClass,
  adultFen: number,
  discountAdultFen: number,
  rules: FareRule[],
) {
  const discounted = Math.max(0, adultFen - discountAdultFen);
  if (discountAdultFen > 0) {
    rules.push({
      rule: 'transfer',
      text: `Transfer within ${table.transfer.windowMinutes} minutes: ${discountAdultFen} fen off the adult fare`,
      fen: discounted - adultFen,
    });
  }
  const pct = table.classes[fareClass].multiplierPercent;
  const fen = applyClass(discounted, pct);
  if (pct !== 100)
    rules.push({
      rule: 'concession',
      text: `${fareClass} fare: ${pct}% of the adult fare, rounded half up`,
      fen: fen - discounted,
    });
  return fen;
}

/** Limits a charge by what is left of the fare day's cap. */
function capped(
  table: FareTable,
  fareClass: FareClass,
  state: TransitState,
  day: string,
  fen: number,
  rules: FareRule[],
) {
  const cap = dailyCapFen(table, fareClass);
  const left = Math.max(0, cap - (state.days[day] ?? 0));
  if (fen <= left) return fen;
  rules.push({ rule: 'cap', text: `Daily cap of ${cap} fen for fare day ${day} reached`, fen: left - fen });
  return left;
}

function prune(state: TransitState, now: number): TransitState {
  const recent = (iso: string) => now - new Date(iso).getTime() <= KEEP_MS;
  const newest = <V>(record: Record<string, V>, count: number) =>
    Object.fromEntries(
      Object.entries(record)
        .sort(([a], [b]) => a.localeCompare(b))
        .slice(-count),
    );
  return {
    boards: state.boards.filter((b) => recent(b.at)).slice(-MAX_BOARDS),
    days: newest(state.days, MAX_DAYS),
    open: state.open.filter((o) => recent(o.entryAt)).slice(-MAX_OPEN),
    months: newest(state.months, MAX_MONTHS),
  };
}

/** The month a fare day counts towards: its own (a fare day is a date in Asia/Shanghai). */
export const monthOfFareDay = (day: string) => day.slice(0, 7);

/** The monthly tier for a month's spend so far: its percent, and the next threshold where one follows. */
export function monthlyTier(table: FareTable, paidFen: number) {
  const tiers = table.monthlyTiers ?? [];
  const reached = tiers.filter((t) => t.fromFen <= paidFen).at(-1);
  const next = tiers.find((t) => t.fromFen > paidFen);
  return { percent: reached?.percent ?? 100, fromFen: reached?.fromFen ?? 0, next };
}

/**
 * The monthly ride discount on a fare already past transfer and class: the tier the month's spend so
 * far has reached. The rule is named even at 100% (no tier yet), so that every ride says where the
 * month stands; `settle` completes its text with the month's spend after the ride, once the cap has spoken.
 */
function tiered(table: FareTable, fen: number, percent: number, month: string, paidFen: number, rules: FareRule[]) {
  if (!table.monthlyTiers?.length) return { fen, settle: (_after: number) => undefined };
  const out = applyClass(fen, percent);
  const rule: FareRule = { rule: 'monthly', text: '', fen: out - fen };
  rules.push(rule);
  const settle = (afterFen: number) => {
    const next = monthlyTier(table, afterFen).next;
    rule.text =
      `Monthly ride discount: ${percent}% for ${month} (${paidFen} fen paid for rides before this one, ${afterFen} after)` +
      (next ? `; ${next.percent}% from ${next.fromFen} fen` : '');
  };
  return { fen: out, settle };
}

function withBoard(state: TransitState, board: BoardRecord): BoardRecord[] {
  return [...state.boards, board].sort((a, b) => a.at.localeCompare(b.at));
}

/**
 * A board or an entry: the adult fare less any transfer from the previous boarding, scaled by the
 * class, limited by what is left of the day's cap; the card's state records the boarding and the charge.
 */
function boarding(
  table: FareTable,
  fareClass: FareClass,
  state: TransitState,
  routeId: string,
  adultFen: number,
  at: Date,
  day: string,
  rules: FareRule[],
): { fen: number; discount: number; tierPercent: number; next: TransitState } {
  const { fen: discount } = transferDiscount(table, state, routeId, at);
  const month = monthOfFareDay(day);
  const paidFen = state.months[month] ?? 0;
  const { percent } = monthlyTier(table, paidFen);
  const monthly = tiered(table, classFare(table, fareClass, adultFen, discount, rules), percent, month, paidFen, rules);
  const fen = capped(table, fareClass, state, day, monthly.fen, rules);
  monthly.settle(paidFen + fen);
  const next: TransitState = {
    ...state,
    boards: withBoard(state, { at: at.toISOString(), routeId }),
    days: { ...state.days, [day]: (state.days[day] ?? 0) + fen },
    months: { ...state.months, [month]: paidFen + fen },
  };
  return { fen, discount, tierPercent: percent, next };
}

/**
 * Prices one tap from the fare table in force, the card's class and what the back office knew of the
 * card when the tap was processed. Pure: the same input always gives the same answer.
 */
export function priceTap(table: FareTable, fareClass: FareClass, state: TransitState, tap: Tap, route: Route): Priced {
  const input: PricingInput = {
    table,
    fareClass,
    state,
    tap,
    at: tap.at.toISOString(),
    day: fareDay(tap.at, table.fareDayStartHour),
  };
  if (route.kind === 'flat') return priceBoard(input, route);
  return tap.kind === 'entry' ? priceEntry(input, route) : priceExit(input, route);
}

/** What every kind of tap is priced from: the table, the class, the card's state and the tap's own times. */
interface PricingInput {
  table: FareTable;
  fareClass: FareClass;
  state: TransitState;
  tap: Tap;
  /** The tap's time as stored (ISO), and its fare day. */
  at: string;
  day: string;
}

/** A board on a flat-fare route: one complete journey at the route's fare, after transfer, class and cap. */
function priceBoard({ table, fareClass, state, tap, at, day }: PricingInput, route: FlatRoute): Priced {
  const rules: FareRule[] = [{ rule: 'base', text: `Route ${route.routeId} flat fare`, fen: route.adultFareFen }];
  const { fen: fare, next } = boarding(table, fareClass, state, route.routeId, route.adultFareFen, tap.at, day, rules);
  return {
    ok: true,
    chargeFen: fare,
    fareFen: fare,
    explanation: rules,
    state: prune(next, tap.at.getTime()),
    journey: {
      kind: 'flat',
      journeyId: `jny_${tap.tapId}`,
      routeId: route.routeId,
      stopId: tap.stopId,
      at,
      fareFen: fare,
      explanation: rules,
    },
  };
}

const zoneOf = (route: ZonalRoute, stopId: string) => route.stops.find((s) => s.stopId === stopId)!.zone;

/** A zone entry: holds the route's maximum fare (after transfer, class and cap) and opens a journey. */
function priceEntry({ table, fareClass, state, tap, at, day }: PricingInput, route: ZonalRoute): Priced {
  const rules: FareRule[] = [
    {
      rule: 'entry-hold',
      text: `Entry holds the maximum fare of route ${route.routeId}; the exit refunds the difference`,
      fen: route.maxAdultFareFen,
    },
  ];
  const {
    fen: held,
    discount,
    tierPercent,
    next: boarded,
  } = boarding(table, fareClass, state, route.routeId, route.maxAdultFareFen, tap.at, day, rules);
  const open: OpenJourney = {
    journeyId: `jny_${tap.tapId}`,
    routeId: route.routeId,
    entryStopId: tap.stopId,
    entryZone: zoneOf(route, tap.stopId),
    entryAt: at,
    heldFen: held,
    transferDiscountAdultFen: discount,
    fareDay: day,
    tierPercent,
  };
  const next: TransitState = { ...boarded, open: [...boarded.open, open] };
  return {
    ok: true,
    chargeFen: held,
    fareFen: held,
    explanation: rules,
    state: prune(next, tap.at.getTime()),
    journey: { kind: 'entry', open, explanation: rules },
  };
}

/**
 * A zone exit: completes the latest open journey of this route entered at most zoneJourneyMaxMinutes
 * before it, prices it by zones and gives back what the entry held beyond that.
 */
function priceExit({ table, fareClass, state, tap, at }: PricingInput, route: ZonalRoute): Priced {
  const t = tap.at.getTime();
  const match = state.open
    .filter((o) => o.routeId === route.routeId)
    .filter((o) => {
      const entered = new Date(o.entryAt).getTime();
      return entered <= t && t - entered <= table.zoneJourneyMaxMinutes * 60_000;
    })
    .at(-1);
  if (!match) {
    return {
      ok: false,
      declineCode: 'NO_OPEN_JOURNEY',
      reason: `no entry on ${route.routeId} within ${table.zoneJourneyMaxMinutes} minutes before this exit`,
    };
  }
  const rules: FareRule[] = [];
  const exitZone = zoneOf(route, tap.stopId);
  const adult = zoneFareAdultFen(route, match.entryZone, exitZone);
  rules.push({
    rule: 'zones',
    text: `Zones ${match.entryZone} to ${exitZone}: ${route.baseAdultFareFen} + ${route.perZoneAdultFen} x ${Math.abs(exitZone - match.entryZone)}, at most ${route.maxAdultFareFen}`,
    fen: adult,
  });
  // The journey keeps the monthly tier it entered at: the month's rides since do not reprice it.
  const month = monthOfFareDay(match.fareDay);
  const heldInMonth = state.months[month] ?? 0;
  const classed = classFare(table, fareClass, adult, match.transferDiscountAdultFen, rules);
  const journeyFare = applyClass(classed, match.tierPercent);
  const fare = Math.min(match.heldFen, journeyFare);
  const refund = match.heldFen - fare;
  const afterFen = Math.max(0, heldInMonth - refund);
  const monthly = tiered(table, classed, match.tierPercent, month, Math.max(0, afterFen - fare), rules);
  monthly.settle(afterFen);
  // The refund only ever lowers the day's total: a journey capped at entry is never charged more at exit.
  if (fare < journeyFare)
    rules.push({
      rule: 'cap',
      text: `Daily cap for fare day ${match.fareDay} reached at entry`,
      fen: fare - journeyFare,
    });
  rules.push({
    rule: 'exit-refund',
    text: `Exit refunds ${refund} fen of the ${match.heldFen} fen held at entry`,
    fen: 0 - refund,
  });
  const next: TransitState = {
    ...state,
    days: { ...state.days, [match.fareDay]: Math.max(0, (state.days[match.fareDay] ?? 0) - refund) },
    open: state.open.filter((o) => o.journeyId !== match.journeyId),
    months: { ...state.months, [month]: afterFen },
  };
  return {
    ok: true,
    chargeFen: 0 - refund,
    fareFen: fare,
    explanation: rules,
    state: prune(next, tap.at.getTime()),
    journey: { kind: 'exit', open: match, exitStopId: tap.stopId, at, fareFen: fare, explanation: rules },
  };
}

/** Where a tap's route and stop stand in the table; undefined when the route or stop is unknown or the tap kind does not fit. */
export function routeProblem(
  table: FareTable,
  tap: Pick<Tap, 'routeId' | 'stopId' | 'kind'>,
): { path: string; message: string } | null {
  const route = table.routes.find((r) => r.routeId === tap.routeId);
  if (!route) return { path: 'routeId', message: `unknown route ${tap.routeId}` };
  const stops = route.kind === 'flat' ? route.stops : route.stops.map((s) => s.stopId);
  if (!stops.includes(tap.stopId)) return { path: 'stopId', message: `${tap.stopId} is not a stop of ${tap.routeId}` };
  if (route.kind === 'flat' && tap.kind !== 'board')
    return { path: 'kind', message: `${tap.routeId} is a flat-fare route: taps are board` };
  if (route.kind === 'zonal' && tap.kind === 'board')
    return { path: 'kind', message: `${tap.routeId} is a tap-on/tap-off route: taps are entry or exit` };
  return null;
}
