import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { cardOf } from '../cards/cards';
import { NotFoundError, RefusedError } from '../errors';
import { type Command, type GuardedWrite, runCommand } from '../ledger/command';
import { REFUND_GUARD } from '../ledger/transfers';
import { attributes } from '../store/attributes';
import { decodeCursor, encodeCursor } from '../store/cursor';
import type { Item, ItemKey } from '../store/items';
import { keptText } from '../store/kept-text';
import { accountKey, transferKey } from '../store/keys';
import { setExpression } from '../store/set-expression';
import type { Store } from '../store/store';
import { exitAtEntry, fixKey, type JourneyFixDeps, queueKey } from './journey-fix';
import { entryTransferId } from './journey-holds';
import { transitStateOf } from './stored-state';

/** A queued fix, as the operator's screen lists it. */
export interface QueuedFix {
  journeyId: string;
  cardId: string;
  stopId: string;
  status: 'queued' | 'approved' | 'refused';
  decidedBy?: string;
  reason?: string;
  fareFen?: number;
}
export const FIX_QUEUE_MAX_PAGE = 100;
const QUEUE_SK = /^[\w:-]{1,100}$/;

/** A month's queue, a page at a time in journey order: bounded by the month's queued fixes. */
export async function fixQueuePage(
  store: Store,
  month: string,
  page: { limit: number; cursor?: string },
): Promise<{ items: QueuedFix[]; nextCursor: string | null }> {
  const after = page.cursor ? decodeCursor(page.cursor, `fixes-${month}`, QUEUE_SK) : undefined;
  const read = await store.doc.send(
    new QueryCommand({
      TableName: store.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': queueKey(month, '').pk },
      Limit: Math.min(page.limit, FIX_QUEUE_MAX_PAGE),
      ...(after ? { ExclusiveStartKey: queueKey(month, after) } : {}),
    }),
  );
  const items = (read.Items ?? []).map(queuedFixOf);
  const last = items.at(-1)?.journeyId;
  return { items, nextCursor: read.LastEvaluatedKey && last ? encodeCursor(`fixes-${month}`, last) : null };
}

function queuedFixOf(item: Item): QueuedFix {
  const a = attributes(item, 'queued journey fix');
  const fareFen = a.optInt('fareFen');
  return {
    journeyId: a.str('journeyId'),
    cardId: a.str('cardId'),
    stopId: a.str('stopId'),
    status: a.has('status') ? a.oneOf('status', ['queued', 'approved', 'refused'] as const) : 'queued',
    ...(a.has('decidedBy') ? { decidedBy: a.str('decidedBy'), reason: a.str('reason') } : {}),
    ...(fareFen === undefined ? {} : { fareFen }),
  };
}

export interface FixDecision {
  month: string;
  journeyId: string;
  decision: 'approve' | 'refuse';
  principal: string;
  reason: string;
}

/**
 * An operator's decision on a queued fix. Approving prices the named exit as the holder's own fix
 * would (the same engine, at the entry's own time, given back on the entry's counter) and moves the
 * money in the same transaction that marks the queue's item decided, so two operators deciding at
 * once decide once; refusing moves nothing. The fix's record then answers the holder's retry.
 */
export async function decideFix(deps: JourneyFixDeps, d: FixDecision): Promise<QueuedFix> {
  const queued = await readQueued(deps.store, d.month, d.journeyId);
  if (queued.status !== 'queued') return queued;
  const now = deps.clock();
  const decided = (extra: Item): GuardedWrite => decidedWrite(deps.store.tableName, d, now, extra);
  // Decided by someone else meanwhile: their decision stands (and is read below).
  const replay = async () =>
    (await readQueued(deps.store, d.month, d.journeyId)).status === 'queued' ? undefined : null;
  if (d.decision === 'refuse') {
    await runCommand(deps.store, {
      reads: {},
      plan: () => ({ writes: [decided({ status: 'refused' })], result: null }),
      replay,
    });
    return readQueued(deps.store, d.month, d.journeyId);
  }
  const rules = await deps.cardRules();
  let entryRecordId: string | undefined;
  const command: Command<null> = {
    reads: (ctx): Record<string, ItemKey> => ({
      wallet: accountKey(queued.cardId),
      ...(entryRecordId && ctx.conflicts.has(REFUND_GUARD) ? { entryRecord: transferKey(entryRecordId) } : {}),
    }),
    plan: async (items) => {
      const card = cardOf(items.wallet);
      if (!card) throw new NotFoundError('Card');
      const open = transitStateOf(card.transit).open.find((o) => o.journeyId === d.journeyId);
      if (!open) throw new RefusedError('JOURNEY_NOT_FIXABLE', 'The journey is no longer open on the card');
      const table = await deps.fares.at(new Date(open.entryAt));
      const planned = exitAtEntry(
        { table, card, open, stopId: queued.stopId, now, rules },
        deps.store.tableName,
        items.entryRecord,
      );
      entryRecordId = planned.givesBackTo ?? entryTransferId(open.journeyId);
      const plan = planned.plan;
      if (plan.decline !== undefined)
        throw new RefusedError('JOURNEY_NOT_FIXABLE', `The exit was refused: ${plan.decline}`);
      const answer = keptText(JSON.stringify(plan.result));
      return {
        ...plan,
        writes: [
          ...(plan.writes ?? []),
          decided({ status: 'approved', fareFen: plan.result.fareFen }),
          fixAnswerWrite(deps.store.tableName, d.journeyId, answer),
        ],
        result: null,
      };
    },
    replay,
  };
  await runCommand(deps.store, command);
  return readQueued(deps.store, d.month, d.journeyId);
}

async function readQueued(store: Store, month: string, journeyId: string): Promise<QueuedFix> {
  const { Item } = await store.doc.send(
    new GetCommand({ TableName: store.tableName, Key: queueKey(month, journeyId), ConsistentRead: true }),
  );
  if (!Item) throw new NotFoundError('Queued journey fix', { month, journeyId });
  return queuedFixOf(Item);
}

/** The queue's item decided, only while it is still queued: the decision's anchor. */
function decidedWrite(tableName: string, d: FixDecision, now: Date, sets: Item): GuardedWrite {
  const set = setExpression({ ...sets, decidedBy: d.principal, reason: d.reason, decidedAt: now.toISOString() });
  return {
    item: {
      Update: {
        TableName: tableName,
        Key: queueKey(d.month, d.journeyId),
        UpdateExpression: set.UpdateExpression,
        ConditionExpression: '#status = :queued',
        ExpressionAttributeNames: { ...set.ExpressionAttributeNames, '#status': 'status' },
        ExpressionAttributeValues: { ...set.ExpressionAttributeValues, ':queued': 'queued' },
      },
    },
    onConditionFailed: 'replay',
  };
}

/** The holder's fix record answers their retry with the approved exit from now on. */
function fixAnswerWrite(tableName: string, journeyId: string, answer: string | Uint8Array): GuardedWrite {
  return {
    item: {
      Update: {
        TableName: tableName,
        Key: fixKey(journeyId),
        UpdateExpression: 'SET #result = :answer',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#result': 'result' },
        ExpressionAttributeValues: { ':answer': answer },
      },
    },
    onConditionFailed: 'replan',
  };
}
