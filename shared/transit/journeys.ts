import { z } from 'zod';
import { invariant } from '../errors';
import { type FareRule, FareRuleSchema } from '../fares/engine';
import { ENTRY_SK, entriesNewestFirst, pageOfEntries } from '../ledger/statement';
import { transferAnswers } from '../ledger/transfer-answers';
import { attributes, isMap } from '../store/attributes';
import { decodeCursor, encodeCursor } from '../store/cursor';
import { type Item, itemKind } from '../store/items';
import { tapTransferId } from '../store/keys';
import type { Store } from '../store/store';
import type { TapResult } from './model';

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

/** A journey as an entry keeps it: its explanation is its tap's answer's (entries written before kept it too). */
type EntryJourney = Omit<JourneyRecord, 'explanation'> & { explanation?: FareRule[] };

/**
 * A journey as its tap's entry stores it: what the entry says already (its time, its tap's id) is left
 * out, and so is its explanation, which the tap's answer keeps word for word (`journeysPage` reads it
 * there): every tap's transaction pays for each started KB of the card's entry, which also carries
 * the card's transit state (a commuter's boards). `journeyOfEntry` puts the rest back.
 */
export function storedJourney(journey: JourneyRecord, entry: { at: string; ref: string }): Partial<EntryJourney> {
  const { journeyId, startedAt, endedAt, explanation: _inTheAnswer, ...rest } = journey;
  return {
    ...rest,
    ...(journeyId === journeyIdFor(entry.ref) ? {} : { journeyId }),
    ...(startedAt === entry.at ? {} : { startedAt }),
    ...(endedAt === entry.at ? {} : { endedAt }),
  };
}

/** The journey an entry keeps, whole but for its explanation (see storedJourney). */
export function journeyOfEntry(entry: Item): EntryJourney | undefined {
  if (entry.journey === undefined) return undefined;
  invariant(isMap(entry.journey), 'a statement entry’s journey is a map');
  const { journeyId, startedAt, endedAt, ...stored } = STORED_JOURNEY.parse(entry.journey);
  const a = attributes(entry, 'statement entry');
  const at = a.str('at');
  return {
    ...stored,
    journeyId: journeyId ?? journeyIdFor(a.str('ref')),
    startedAt: startedAt ?? at,
    endedAt: endedAt === undefined ? at : endedAt,
  };
}

/** A journey as `storedJourney` leaves it on its entry. */
const STORED_JOURNEY = itemKind(
  'journey',
  z.object({
    journeyId: z.string().optional(),
    routeId: z.string(),
    kind: z.enum(['flat', 'zonal']),
    status: z.enum(['complete', 'open']),
    startedAt: z.string().optional(),
    endedAt: z.string().nullable().optional(),
    boardStopId: z.string().optional(),
    entryStopId: z.string().optional(),
    exitStopId: z.string().optional(),
    fareFen: z.number().int(),
    explanation: z.array(FareRuleSchema).optional(),
  }),
);

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
  const [afterSk = '', ...pending] = decodeCursor(cursor, 'journeys', JOURNEY_CURSOR).split('|');
  return { afterSk, pending: new Set(pending) };
}

/**
 * The card's journeys, newest first (by when their last tap was recorded), from the journeys its taps'
 * statement entries keep, each explained as its tap's answer explained it. A zone journey shows once,
 * at its exit; one with no exit within the window is shown as incomplete, at the maximum fare its
 * entry kept.
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
    (entry): { journey: EntryJourney; tapId: string; incomplete: boolean } | undefined => {
      const journey = journeyOfEntry(entry);
      if (!journey) return undefined;
      if (journey.kind === 'zonal' && journey.status === 'complete') {
        pending.add(journey.journeyId);
        if (pending.size > MAX_PENDING_ENTRIES) pending.delete(pending.values().next().value!);
      }
      if (journey.status === 'open' && pending.delete(journey.journeyId)) return undefined;
      const incomplete =
        journey.status === 'open' && now.getTime() - Date.parse(journey.startedAt) > zoneJourneyMaxMinutes * 60_000;
      return { journey, tapId: attributes(entry, 'statement entry').str('ref'), incomplete };
    },
  );
  const explanations = await tapExplanations(
    store,
    page.items.filter((i) => !i.journey.explanation).map((i) => i.tapId),
  );
  const items = page.items.map(({ journey, tapId, incomplete }): Journey => {
    const explanation = journey.explanation ?? explanations.get(tapId);
    invariant(explanation !== undefined, 'a journey’s tap kept its answer in the same transaction');
    if (!incomplete) return { ...journey, explanation };
    return {
      ...journey,
      status: 'incomplete',
      explanation: [
        ...explanation,
        {
          rule: 'incomplete',
          text: `No exit within ${zoneJourneyMaxMinutes / 60} hours: the maximum fare held at entry stays`,
        },
      ],
    };
  });
  const nextCursor = page.end || !page.lastSk ? null : encodeCursor('journeys', [page.lastSk, ...pending].join('|'));
  return { items, nextCursor };
}

/** The explanations of these taps' answers, by tapId: one read of their answer records (at most a page's). */
async function tapExplanations(store: Store, tapIds: string[]): Promise<Map<string, FareRule[]>> {
  invariant(tapIds.length <= JOURNEYS_MAX_PAGE, 'a page reads at most its own taps’ answers');
  const answers = await transferAnswers(store, tapIds.map(tapTransferId));
  return new Map(
    tapIds.map((tapId) => {
      const answer = answers.get(tapTransferId(tapId));
      invariant(answer !== undefined, 'a journey’s tap kept its answer in the same transaction');
      return [tapId, (JSON.parse(answer) as TapResult).explanation];
    }),
  );
}
