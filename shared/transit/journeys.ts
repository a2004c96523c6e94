import type { FareRule } from '../fares/engine';
import { ENTRY_SK, entriesNewestFirst, pageOfEntries } from '../ledger/statement';
import { decodeCursor, encodeCursor } from '../store/cursor';
import type { Store } from '../store/store';

export interface Journey {
  journeyId: string;
  routeId: string;
  kind: 'flat' | 'zonal';
  status: 'complete' | 'open' | 'incomplete';
  startedAt: string;
  endedAt: string | null;
  boardStopId?: string;
  entryStopId?: string;
  exitStopId?: string;
  fareFen: number;
  explanation: FareRule[];
}

/** A journey as a tap's statement entry keeps it: complete (a board, an exit) or open (an entry). */
export type JourneyRecord = Omit<Journey, 'status'> & { status: 'complete' | 'open' };

/**
 * A journey as its tap's entry stores it: what the entry says already (its time, its tap's id) is left
 * out, since every tap's transaction pays for each started KB of the card's entry, which also carries
 * the card's transit state (a commuter's boards). `journeyOfEntry` puts it back.
 */
export function storedJourney(journey: JourneyRecord, entry: { at: string; ref: string }): Partial<JourneyRecord> {
  const { journeyId, startedAt, endedAt, ...rest } = journey;
  return {
    ...rest,
    ...(journeyId === journeyIdFor(entry.ref) ? {} : { journeyId }),
    ...(startedAt === entry.at ? {} : { startedAt }),
    ...(endedAt === entry.at ? {} : { endedAt }),
  };
}

/** The journey an entry keeps, whole (see storedJourney). */
export function journeyOfEntry(entry: Record<string, unknown>): JourneyRecord | undefined {
  const stored = entry.journey as Partial<JourneyRecord> | undefined;
  if (!stored) return undefined;
  const at = entry.at as string;
  return {
    ...stored,
    journeyId: stored.journeyId ?? journeyIdFor(entry.ref as string),
    startedAt: stored.startedAt ?? at,
    endedAt: stored.endedAt === undefined ? at : stored.endedAt,
  } as JourneyRecord;
}

/** A journey is named after the tap that began it. */
export const journeyIdFor = (tapId: string) => `jny_${tapId}`;

export const JOURNEYS_MAX_PAGE = 100;
/**
 * Zone journeys completed on this page whose entry is further down: the entry's own record (open) is
 * skipped when reached. Journeys open at once are few (fares/engine keeps at most 8).
 */
const MAX_PENDING_ENTRIES = 16;
const JOURNEY_CURSOR = new RegExp(`^${ENTRY_SK.source.slice(1, -1)}(\\|jny_[\\w-]{1,128}){0,${MAX_PENDING_ENTRIES}}$`);

/** The cursor: the last entry read, and the completed zone journeys whose entries are still below it. */
function decodeJourneyCursor(cursor: string): { afterSk: string; pending: Set<string> } {
  const [afterSk = '', ...pending] = decodeCursor(cursor, JOURNEY_CURSOR).split('|');
  return { afterSk, pending: new Set(pending) };
}

/**
 * The card's journeys, newest first (by when their last tap was recorded), from the journeys its taps'
 * statement entries keep. A zone journey shows once, at its exit; one with no exit within the window
 * is shown as incomplete, at the maximum fare its entry kept.
 */
export async function journeysPage(
  store: Store,
  cardId: string,
  now: Date,
  zoneJourneyMaxMinutes: number,
  limit: number,
  cursor?: string,
) {
  const { afterSk, pending } = cursor
    ? decodeJourneyCursor(cursor)
    : { afterSk: undefined, pending: new Set<string>() };
  const page = await pageOfEntries(
    entriesNewestFirst(store, cardId, afterSk),
    Math.min(limit, JOURNEYS_MAX_PAGE),
    (entry): Journey | undefined => {
      const j = journeyOfEntry(entry);
      if (!j) return undefined;
      if (j.kind === 'zonal' && j.status === 'complete') {
        pending.add(j.journeyId);
        if (pending.size > MAX_PENDING_ENTRIES) pending.delete(pending.values().next().value!);
      }
      if (j.status === 'open') {
        if (pending.delete(j.journeyId)) return undefined;
        const expired = now.getTime() - Date.parse(j.startedAt) > zoneJourneyMaxMinutes * 60_000;
        if (expired) {
          return {
            ...j,
            status: 'incomplete',
            explanation: [
              ...j.explanation,
              {
                rule: 'incomplete',
                text: `No exit within ${zoneJourneyMaxMinutes / 60} hours: the maximum fare held at entry stays`,
              },
            ],
          };
        }
      }
      return { ...j };
    },
  );
  const nextCursor = page.end || !page.lastSk ? null : encodeCursor([page.lastSk, ...pending].join('|'));
  return { items: page.items, nextCursor };
}
