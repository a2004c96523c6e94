import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createRoute, z } from '@hono/zod-openapi';
import { CARD_STATUS_ACTIONS, cardItem, setCardStatus, toCard } from '../../shared/cards/cards';
import { NotFoundError } from '../../shared/errors';
import { statementPage } from '../../shared/ledger/statement';
import { tapKey } from '../../shared/store/keys';
import type { AppDeps } from '../deps';
import type { Router } from '../http/router';
import { errorResponses } from '../http/schemas';

const TapAudit = z
  .object({
    tapId: z.string(),
    terminalId: z.string(),
    cardId: z.string().nullable(),
    routeId: z.string(),
    stopId: z.string(),
    kind: z.string(),
    at: z.string(),
    result: z.record(z.string(), z.unknown()).openapi({ description: 'The answer the terminal got, as it got it' }),
  })
  .openapi('TapAudit');

const security = [{ operator: [] }];

/** What support and dispute handling need: a tap as recorded, a card with its latest movements, a hotline freeze. */
export function auditRoutes(app: Router, deps: AppDeps) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/admin/taps/{tapId}',
      tags: ['operator'],
      security,
      summary: 'A tap as recorded, accepted or declined, with the answer the terminal got',
      request: { params: z.object({ tapId: z.uuid() }) },
      responses: {
        200: { description: 'The tap', content: { 'application/json': { schema: TapAudit } } },
        ...errorResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const { tapId } = c.req.valid('param');
      const { Item } = await deps.store.doc.send(
        new GetCommand({ TableName: deps.store.tableName, Key: tapKey(tapId) }),
      );
      if (!Item) throw new NotFoundError('Tap', { tapId });
      return c.json(
        {
          tapId,
          terminalId: Item.terminalId as string,
          cardId: (Item.cardId as string | null) ?? null,
          routeId: Item.routeId as string,
          stopId: Item.stopId as string,
          kind: Item.kind as string,
          at: Item.at as string,
          result: JSON.parse(Item.result as string),
        },
        200,
      );
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/admin/cards/{cardId}',
      tags: ['operator'],
      security,
      summary: 'A card, its holder’s masked id and its latest 20 movements',
      request: { params: z.object({ cardId: z.string().max(64) }) },
      responses: {
        200: {
          description: 'The card',
          content: {
            'application/json': {
              schema: z.object({
                card: z.record(z.string(), z.unknown()),
                holderName: z.string(),
                residentIdMasked: z.string(),
                openedAt: z.string(),
                latest: z.array(z.record(z.string(), z.unknown())),
              }),
            },
          },
        },
        ...errorResponses(401, 403, 404),
      },
    }),
    async (c) => {
      const item = await cardItem(deps.store, c.req.valid('param').cardId);
      if (item?.kind !== 'wallet') throw new NotFoundError('Card');
      const { items } = await statementPage(deps.store, item.cardId, 20);
      return c.json(
        {
          card: toCard(item),
          holderName: item.holderName as string,
          residentIdMasked: item.residentIdMasked as string,
          openedAt: item.openedAt as string,
          latest: items,
        },
        200,
      );
    },
  );
  for (const [action, status] of CARD_STATUS_ACTIONS) {
    app.openapi(
      createRoute({
        method: 'post',
        path: `/v1/admin/cards/{cardId}/${action}`,
        tags: ['operator'],
        security,
        summary:
          action === 'freeze'
            ? 'Freeze a card for a citizen who lost phone and SIM (the hotline): onto the deny list at once'
            : 'Unfreeze a card the hotline froze',
        request: { params: z.object({ cardId: z.string().max(64) }) },
        responses: {
          200: {
            description: 'The card',
            content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } },
          },
          ...errorResponses(401, 403, 404),
        },
      }),
      async (c) => {
        const item = await cardItem(deps.store, c.req.valid('param').cardId);
        if (item?.kind !== 'wallet') throw new NotFoundError('Card');
        return c.json(toCard(await setCardStatus(deps.store, item.cardId, status, deps.clock())), 200);
      },
    );
  }
}
