import { BatchGetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { entryKey, tapKey } from '../../../shared/store/keys';
import { journeysPage } from '../../../shared/transit/journeys';
import { mockedStore } from '../../support/mock-store';

const TABLE = 'journeys';
const CARD = 'card_j';
const { ddb, store } = mockedStore(TABLE);
const at = '2026-11-28T08:00:00.000Z';
const explanation = [{ rule: 'base', text: 'Route B1 flat fare', fen: 200 }];
// A board's entry as taps write it now: the journey without its explanation.
const entry = {
  sk: entryKey(CARD, 1).sk,
  at,
  ref: 't1',
  amountFen: -200,
  journey: { routeId: 'B1', kind: 'flat', status: 'complete', boardStopId: 'B1-S1', fareFen: 200 },
};
const answer = { ...tapKey('t1'), result: JSON.stringify({ tapId: 't1', explanation }) };

beforeEach(() => {
  ddb.reset();
  ddb.on(QueryCommand).resolves({ Items: [entry] });
});

describe('a journey page explained by its taps’ answers', () => {
  it('asks again for answers DynamoDB left unread, and explains each journey as its tap did', async () => {
    // Prepare: the first read leaves the key unread (throttled), the second answers it.
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { [TABLE]: [] }, UnprocessedKeys: { [TABLE]: { Keys: [tapKey('t1')] } } })
      .resolves({ Responses: { [TABLE]: [answer] } });
    // Act
    const page = await journeysPage(store, CARD, new Date(at), 180, 10);
    // Assess
    expect(page.items).toEqual([expect.objectContaining({ journeyId: 'jny_t1', explanation })]);
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(2);
  });

  it('answers 503 RETRY_LATER when the answers stay unread, rather than a journey without its explanation', async () => {
    ddb
      .on(BatchGetCommand)
      .resolves({ Responses: { [TABLE]: [] }, UnprocessedKeys: { [TABLE]: { Keys: [tapKey('t1')] } } });
    await expect(journeysPage(store, CARD, new Date(at), 180, 10)).rejects.toMatchObject({ code: 'RETRY_LATER' });
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(3);
  });
});
