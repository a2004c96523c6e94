import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { type CardItem, type CardRules, cardOf, fareClassOf } from '../cards/cards';
import { ConflictError, NotFoundError, RefusedError, ValidationError } from '../errors';
import { type OpenJourney, routeProblem } from '../fares/engine';
import type { FareTable } from '../fares/fare-table';
import type { FareTables } from '../fares/store';
import { type Command, type CommandPlan, type GuardedWrite, runCommand } from '../ledger/command';
import { REFUND_GUARD } from '../ledger/transfers';
import type { Item, ItemKey } from '../store/items';
import { keptJson, keptText } from '../store/kept-text';
import { accountKey, transferKey } from '../store/keys';
import type { Store } from '../store/store';
import { shanghaiDate } from '../time/shanghai';
import { entryTransferId } from './journey-holds';
import type { TapResult } from './model';
import { transitStateOf } from './stored-state';
import { planTap } from './tap-plan';

/** A citizen names the stop of an incomplete journey's exit within this long of its entry. */
export const FIX_WINDOW_MS = 48 * 3600_000;
/**
 * The named exit as a tap at the entry's own time, priced by the same engine on the card's transit
 * state: the same tier, the same fare day, the give-back on the entry's counter.
 */
export function exitAtEntry(
  f: { table: FareTable; card: CardItem; open: OpenJourney; stopId: string; now: Date; rules: CardRules },
  tableName: string,
  entryRecord: Item | undefined,
) {
  const problem = routeProblem(f.table, { routeId: f.open.routeId, stopId: f.stopId, kind: 'exit' });
  if (problem) throw new ValidationError([problem]);
  const route = f.table.routes.find((r) => r.routeId === f.open.routeId);
  if (!route) throw new ValidationError([{ path: 'journeyId', message: `route ${f.open.routeId} is no more` }]);
  const req = {
    tapId: `fix-${f.open.journeyId}`,
    routeId: f.open.routeId,
    stopId: f.stopId,
    kind: 'exit' as const,
    at: f.open.entryAt,
    challenge: '',
    credential: '',
    proof: '',
  };
  const input = { req, at: new Date(f.open.entryAt), table: f.table, route, card: f.card, processedAt: f.now };
  return planTap({ ...input, fareClass: fareClassOf(f.card, f.now, f.rules) }, { tableName, entryRecord });
}

/** Fixes a card makes by itself in a month; more go to an operator's queue. */
export const MAX_FIXES_PER_MONTH = 2;
const FIX_LIMIT = 'journey-fix-limit';

export type JourneyFix = TapResult | { journeyId: string; status: 'queued' };

export const fixKey = (journeyId: string) => ({ pk: `JFIX#${journeyId}`, sk: 'F' });
const monthCountKey = (cardId: string, month: string) => ({ pk: `JFIXMONTH#${cardId}`, sk: month });
/** The operator's queue of fixes past a card's monthly allowance, by month. */
export const queueKey = (month: string, journeyId: string) => ({ pk: `JFIXQUEUE#${month}`, sk: journeyId });

export interface JourneyFixDeps {
  store: Store;
  clock: () => Date;
  fares: FareTables;
  cardRules: () => Promise<CardRules>;
}

/**
 * Fixing an incomplete zone journey oneself (no exit tapped: the entry's maximum fare stayed): within
 * 48 hours of the entry the holder names the stop where they got off, and the same engine prices the
 * journey as an exit there at the entry's own time, giving back the difference on the entry's counter
 * (as a late offline exit would). Once per journey (its record is the audit: who, when, which stop);
 * at most two a month by itself, counted under a condition in the same transaction; a third goes to an
 * operator's queue and moves nothing.
 */
export async function fixJourney(
  deps: JourneyFixDeps,
  input: { cardId: string; citizenId: string; journeyId: string; stopId: string },
): Promise<JourneyFix> {
  const now = deps.clock();
  const month = shanghaiDate(now).slice(0, 7);
  const [rules, stored] = [await deps.cardRules(), await storedFix(deps.store, input.journeyId)];
  if (stored) return stored;
  let entryRecordId: string | undefined;
  const command: Command<JourneyFix> = {
    reads: (ctx): Record<string, ItemKey> => ({
      wallet: accountKey(input.cardId),
      ...(entryRecordId && ctx.conflicts.has(REFUND_GUARD) ? { entryRecord: transferKey(entryRecordId) } : {}),
    }),
    plan: async (items, ctx) => {
      const card = cardOf(items.wallet);
      if (!card) throw new NotFoundError('Card');
      const open = transitStateOf(card.transit).open.find((o) => o.journeyId === input.journeyId);
      if (!open) {
        // Completed meanwhile by this same fix (a request at the same moment): its answer.
        const known = await storedFix(deps.store, input.journeyId);
        if (known) return { result: known };
        throw new NotFoundError('Journey', { journeyId: input.journeyId });
      }
      const table = await deps.fares.at(new Date(open.entryAt));
      const age = now.getTime() - Date.parse(open.entryAt);
      if (age <= table.zoneJourneyMaxMinutes * 60_000) {
        throw new ConflictError('JOURNEY_STILL_OPEN', 'The journey can still be completed at an exit gate');
      }
      if (age > FIX_WINDOW_MS)
        throw new RefusedError('FIX_WINDOW_PASSED', 'A journey is fixed within 48 hours of its entry');
      const record = (result: JourneyFix) => fixRecordWrite(deps.store.tableName, input, now, result);
      if (ctx.conflicts.has(FIX_LIMIT)) return queued(deps.store.tableName, input, month, record);
      const planned = exitAtEntry(
        { table, card, open, stopId: input.stopId, now, rules },
        deps.store.tableName,
        items.entryRecord,
      );
      entryRecordId = planned.givesBackTo ?? entryTransferId(open.journeyId);
      const plan = planned.plan;
      if (plan.decline !== undefined)
        throw new RefusedError('JOURNEY_NOT_FIXABLE', `The exit was refused: ${plan.decline}`);
      return {
        ...plan,
        writes: [
          ...(plan.writes ?? []),
          monthCountWrite(deps.store.tableName, input.cardId, month),
          record(plan.result),
        ],
        result: plan.result,
      };
    },
    replay: () => storedFix(deps.store, input.journeyId),
  };
  return runCommand(deps.store, command);
}

async function storedFix(store: Store, journeyId: string): Promise<JourneyFix | undefined> {
  const { Item } = await store.doc.send(
    new GetCommand({ TableName: store.tableName, Key: fixKey(journeyId), ConsistentRead: true }),
  );
  return Item ? keptJson<JourneyFix>(Item.result) : undefined;
}

/** The fix's record: once per journey (its anchor), and the audit of who named which stop when. */
function fixRecordWrite(
  tableName: string,
  input: { cardId: string; citizenId: string; journeyId: string; stopId: string },
  now: Date,
  result: JourneyFix,
): GuardedWrite {
  return {
    item: {
      Put: {
        TableName: tableName,
        Item: { ...fixKey(input.journeyId), ...input, at: now.toISOString(), result: keptText(JSON.stringify(result)) },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    onConditionFailed: 'replay',
  };
}

/** The card's fixes this month, one more, only while fewer than the monthly allowance. */
function monthCountWrite(tableName: string, cardId: string, month: string): GuardedWrite {
  return {
    name: FIX_LIMIT,
    item: {
      Update: {
        TableName: tableName,
        Key: monthCountKey(cardId, month),
        UpdateExpression: 'ADD #count :one',
        ConditionExpression: 'attribute_not_exists(#count) OR #count < :max',
        ExpressionAttributeNames: { '#count': 'fixes' },
        ExpressionAttributeValues: { ':one': 1, ':max': MAX_FIXES_PER_MONTH },
      },
    },
    onConditionFailed: 'replan',
  };
}

/** Past the monthly allowance: the fix waits in the operator's queue, nothing moves. */
function queued(
  tableName: string,
  input: { cardId: string; journeyId: string; stopId: string },
  month: string,
  record: (result: JourneyFix) => GuardedWrite,
): CommandPlan<JourneyFix> {
  const result: JourneyFix = { journeyId: input.journeyId, status: 'queued' };
  const queue: GuardedWrite = {
    item: {
      Put: { TableName: tableName, Item: { ...queueKey(month, input.journeyId), ...input, status: 'queued' } },
    },
    onConditionFailed: 'replan',
  };
  return { writes: [record(result), queue], result };
}
