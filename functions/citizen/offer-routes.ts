import { createRoute, z } from '@hono/zod-openapi';
import { type CampaignUses, isRunning, usesLeftToday } from '../../shared/campaigns/discount';
import { requireCard } from '../../shared/cards/cards';
import { fareDay } from '../../shared/time/shanghai';
import type { AppDeps } from '../deps';
import type { Router } from '../http/router';
import { errorResponses } from '../http/schemas';

const OfferSchema = z
  .object({
    campaignId: z.string(),
    name: z.string(),
    merchantIds: z.array(z.string()),
    percentOff: z.number().int(),
    minPurchaseFen: z.number().int(),
    maxDiscountFen: z.number().int(),
    usesLeftToday: z.number().int(),
    endsAt: z.string(),
  })
  .openapi('Offer');

export function offerRoutes(app: Router, deps: AppDeps) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/me/offers',
      tags: ['citizen'],
      security: [{ citizen: [] }],
      summary: 'The merchant-alliance campaigns open to this card now, with the uses it has left today',
      responses: {
        200: {
          description: 'Offers',
          content: { 'application/json': { schema: z.object({ items: z.array(OfferSchema), nextCursor: z.null() }) } },
        },
        ...errorResponses(401, 404),
      },
    }),
    async (c) => {
      const card = await requireCard(deps.store, c.get('citizen').citizenId);
      const now = deps.clock();
      const day = fareDay(now, (await deps.fares.at(now)).fareDayStartHour);
      const uses = card.campaignUses as CampaignUses | undefined;
      const items = (await deps.campaigns())
        .filter((campaign) => isRunning(campaign, now) && usesLeftToday(campaign, uses, day) > 0)
        .map((campaign) => ({
          campaignId: campaign.campaignId,
          name: campaign.name,
          merchantIds: campaign.merchantIds,
          percentOff: campaign.percentOff,
          minPurchaseFen: campaign.minPurchaseFen,
          maxDiscountFen: campaign.maxDiscountFen,
          usesLeftToday: usesLeftToday(campaign, uses, day),
          endsAt: campaign.endsAt,
        }));
      return c.json({ items, nextCursor: null }, 200);
    },
  );
}
