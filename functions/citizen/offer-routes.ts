import { createRoute, z } from '@hono/zod-openapi';
import { type CampaignUses, isRunning, usesLeftToday } from '../../shared/campaigns/discount';
import { requireCard } from '../../shared/cards/cards';
import { decodeCursor, encodeCursor } from '../../shared/store/cursor';
import { fareDay } from '../../shared/time/shanghai';
import type { AppDeps } from '../deps';
import type { Router } from '../http/router';
import { errorResponses, PageQuery } from '../http/schemas';

const OfferSchema = z
  .object({
    campaignId: z.string(),
    name: z.string(),
    merchantIds: z.array(z.string()),
    percentOff: z.number().int().optional().openapi({ description: 'A percent-off offer' }),
    fixedOffFen: z.number().int().optional().openapi({ description: 'A fixed-amount offer (满减): this much off' }),
    minPurchaseFen: z.number().int(),
    maxDiscountFen: z.number().int(),
    usesLeftToday: z.number().int(),
    endsAt: z.string(),
  })
  .openapi('Offer');

/** A campaign's id, as the catalogue keeps it. */
const CAMPAIGN_ID = /^[\w-]{1,32}$/;

export function offerRoutes(app: Router, deps: AppDeps) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/me/offers',
      operationId: 'listMyOffers',
      tags: ['citizen'],
      security: [{ citizen: [] }],
      summary: 'The merchant-alliance campaigns open to this card now, with the uses it has left today',
      request: { query: PageQuery },
      responses: {
        200: {
          description: 'Offers, by campaign id',
          content: {
            'application/json': {
              schema: z.object({ items: z.array(OfferSchema), nextCursor: z.string().nullable() }),
            },
          },
        },
        ...errorResponses(401, 404),
      },
    }),
    async (c) => {
      const card = await requireCard(deps.store, c.get('citizen').citizenId);
      const now = deps.clock();
      const day = fareDay(now, (await deps.fares.at(now)).fareDayStartHour);
      const uses = card.campaignUses as CampaignUses | undefined;
      const { limit, cursor } = c.req.valid('query');
      const after = cursor ? decodeCursor(cursor, 'offers', CAMPAIGN_ID) : '';
      const open = (await deps.campaigns())
        .filter((campaign) => campaign.campaignId > after)
        .filter((campaign) => isRunning(campaign, now) && usesLeftToday(campaign, uses, day) > 0)
        .sort((a, b) => a.campaignId.localeCompare(b.campaignId));
      const items = open.slice(0, limit).map((campaign) => ({
        campaignId: campaign.campaignId,
        name: campaign.name,
        merchantIds: campaign.merchantIds,
        ...(campaign.percentOff !== undefined ? { percentOff: campaign.percentOff } : {}),
        ...(campaign.fixedOffFen !== undefined ? { fixedOffFen: campaign.fixedOffFen } : {}),
        minPurchaseFen: campaign.minPurchaseFen,
        maxDiscountFen: campaign.maxDiscountFen,
        usesLeftToday: usesLeftToday(campaign, uses, day),
        endsAt: campaign.endsAt,
      }));
      const last = items.at(-1);
      return c.json(
        { items, nextCursor: open.length > limit && last ? encodeCursor('offers', last.campaignId) : null },
        200,
      );
    },
  );
}
