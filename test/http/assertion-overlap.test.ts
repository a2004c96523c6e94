import { beforeAll, describe, expect, it } from 'vitest';
import { useTestBackend } from '../support/backend';
import { body } from '../support/http';
import { postTap, registerTerminal, rider, type Terminal, tapBody } from '../support/rider';

const { app, backend } = useTestBackend();
let bus: Terminal;
/** DynamoDB calls in the order they were sent and answered, by the kind of key they touch. */
const events: string[] = [];
const HELD_MS = 150;

beforeAll(async () => {
  bus = await registerTerminal(app, ['B1']);
  // Holds each assertion's single-use write back, so what runs meanwhile shows.
  backend().deps.store.doc.middlewareStack.add(
    (next, context) => async (args) => {
      // Marshalled by now: `{ pk: { S: ... } }`, and the low-level command names.
      const input = args.input as {
        Item?: { pk?: { S?: string } };
        Key?: { pk?: { S?: string } };
        ExpressionAttributeValues?: { ':pk'?: { S?: string } };
      };
      const pk = input.Item?.pk?.S ?? input.Key?.pk?.S ?? input.ExpressionAttributeValues?.[':pk']?.S ?? '';
      const kind = `${context.commandName}:${pk.split('#')[0]}`;
      if (kind === 'PutItemCommand:AJTI') {
        events.push('assertion write sent');
        await new Promise((r) => setTimeout(r, HELD_MS));
        const out = await next(args);
        events.push('assertion write done');
        return out;
      }
      // The card is read with its newest entry, in one query (ledger/wallet-head.ts).
      if (kind === 'QueryCommand:ACCT') events.push('card read');
      if (context.commandName === 'TransactWriteItemsCommand') events.push('transaction');
      return next(args);
    },
    { step: 'build', name: 'holdAssertionWrites' },
  );
});

describe('the assertion’s single-use write', () => {
  it('overlaps the card read on a route that hands it to the pipeline, and still comes before the commit', async () => {
    const r = await rider(app, { balanceFen: 1000 });
    events.length = 0;
    const res = await postTap(app, bus, await tapBody(r, bus, { routeId: 'B1', stopId: 'B1-S1', kind: 'board' }));
    expect((await body(res)).status).toBe('accepted');
    expect(events).toEqual(['assertion write sent', 'card read', 'assertion write done', 'transaction']);
  });

  it('comes first on every other route', async () => {
    const r = await rider(app, { balanceFen: 1000 });
    events.length = 0;
    const tap = await tapBody(r, bus, { routeId: 'B1', stopId: 'B1-S1', kind: 'board' });
    const res = await postTap(app, bus, { taps: [tap] }, { path: '/v1/transit/taps/batch' });
    expect(res.status).toBe(200);
    expect(events.slice(0, 3)).toEqual(['assertion write sent', 'assertion write done', 'card read']);
  });
});
