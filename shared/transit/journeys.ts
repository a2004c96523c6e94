import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { FareRule } from '../fares/engine';
import { decodeCursor, nextCursor } from '../store/cursor';
import { journeyPk } from '../store/keys';
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

export const JOURNEYS_MAX_PAGE = 100;
const JOURNEY_SK = /^J#[\dTZ:.-]+#jny_[\w-]+$/;

/**
 * The card's journeys, newest first. A zone journey with no exit within the window is shown as
 * incomplete, at the maximum fare its entry kept.
 */
export async function journeysPage(
  store: Store,
  cardId: string,
  now: Date,
  zoneJourneyMaxMinutes: number,
  limit: number,
  cursor?: string,
) {
  const start = cursor ? { pk: journeyPk(cardId), sk: decodeCursor(cursor, JOURNEY_SK) } : undefined;
  const page = await store.doc.send(
    new QueryCommand({
      TableName: store.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': journeyPk(cardId) },
      ScanIndexForward: false,
      Limit: Math.min(limit, JOURNEYS_MAX_PAGE),
      ...(start ? { ExclusiveStartKey: start } : {}),
    }),
  );
  const items: Journey[] = (page.Items ?? []).map((j) => {
    const expired =
      j.status === 'open' && now.getTime() - new Date(j.startedAt as string).getTime() > zoneJourneyMaxMinutes * 60_000;
    const explanation = [...((j.explanation as FareRule[]) ?? [])];
    if (expired)
      explanation.push({
        rule: 'incomplete',
        text: `No exit within ${zoneJourneyMaxMinutes / 60} hours: the maximum fare held at entry stays`,
      });
    return {
      journeyId: j.journeyId as string,
      routeId: j.routeId as string,
      kind: j.kind as Journey['kind'],
      status: expired ? 'incomplete' : (j.status as Journey['status']),
      startedAt: j.startedAt as string,
      endedAt: (j.endedAt as string | undefined) ?? null,
      ...(j.boardStopId ? { boardStopId: j.boardStopId as string } : {}),
      ...(j.entryStopId ? { entryStopId: j.entryStopId as string } : {}),
      ...(j.exitStopId ? { exitStopId: j.exitStopId as string } : {}),
      fareFen: j.fareFen as number,
      explanation,
    };
  });
  return { items, nextCursor: nextCursor(page.LastEvaluatedKey) };
}
