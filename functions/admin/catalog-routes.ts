import { createRoute, z } from '@hono/zod-openapi';
import { createCampaign } from '../../shared/campaigns/create';
import { CampaignSchema, MerchantSchema, offerKindProblem } from '../../shared/campaigns/model';
import { catalogAdd, catalogPage } from '../../shared/catalog/catalog';
import type { AppDeps } from '../deps';
import { idempotent } from '../http/idempotency';
import type { Router } from '../http/router';
import {
  errorResponses,
  IdempotencyKeyHeader,
  jsonBody,
  LongPageQuery,
  OPERATOR_SECURITY,
  printableText,
} from '../http/schemas';

const BillerSchema = z
  .strictObject({
    billerId: z
      .string()
      .min(1)
      .max(32)
      .regex(/^[\w-]+$/)
      .openapi({ description: 'The biller’s id, as biller clients are scoped to it (e.g. water)' }),
    name: printableText(1, 200).openapi({ description: 'The name citizens see' }),
  })
  .openapi('Biller');
const MerchantBody = MerchantSchema.extend({
  merchantId: z
    .string()
    .min(1)
    .max(32)
    .regex(/^[\w-]+$/)
    .openapi({ description: 'The merchant’s id, as POS clients are scoped to it (e.g. m-tea)' }),
}).openapi('Merchant');
const CampaignBody = CampaignSchema.extend({
  campaignId: z
    .string()
    .min(1)
    .max(32)
    .regex(/^[\w-]+$/)
    .openapi({ description: 'The campaign’s id (e.g. c-tea10)' }),
})
  .superRefine(offerKindProblem)
  .openapi('Campaign');
/** A campaign as listed: what was sent, and when it started. */
const CampaignListed = z
  .strictObject({
    ...CampaignBody.shape,
    createdAt: z.string().openapi({ description: 'When it was started (RFC 3339)' }),
  })
  .openapi('CampaignListed');
const security = OPERATOR_SECURITY;
const list = <T extends z.ZodType>(schema: T) => ({
  200: {
    description: 'A page, by id: ask again with nextCursor until it is null',
    content: {
      'application/json': { schema: z.object({ items: z.array(schema), nextCursor: z.string().nullable() }) },
    },
  },
  ...errorResponses(400, 401, 403),
});

const getCampaignsRoute = createRoute({
  method: 'get',
  path: '/v1/admin/campaigns',
  operationId: 'listCampaigns',
  tags: ['operator'],
  security,
  summary: 'The campaigns, a page at a time',
  request: { query: LongPageQuery },
  responses: list(CampaignListed),
});

/** The alliance's merchants and campaigns, and the city's billers. */
export function catalogRoutes(app: Router, deps: AppDeps) {
  for (const [kind, path, schema, idField] of [
    ['merchant', '/v1/admin/merchants', MerchantBody, 'merchantId'],
    ['biller', '/v1/admin/billers', BillerSchema, 'billerId'],
  ] as const) {
    app.openapi(
      createRoute({
        method: 'post',
        path,
        operationId: kind === 'merchant' ? 'addMerchant' : 'addBiller',
        tags: ['operator'],
        security,
        summary: `Add a ${kind} (its id is what POS scopes, bills and campaigns name)`,
        request: { body: jsonBody(schema) },
        responses: {
          201: { description: 'Added', content: { 'application/json': { schema } } },
          ...errorResponses(400, 401, 403, 409),
        },
      }),
      async (c) => {
        const entry = c.req.valid('json');
        await catalogAdd(deps.store, kind, (entry as Record<string, string>)[idField]!, entry);
        return c.json(entry, 201);
      },
    );
    app.openapi(
      createRoute({
        method: 'get',
        path,
        operationId: kind === 'merchant' ? 'listMerchants' : 'listBillers',
        tags: ['operator'],
        security,
        summary: `The ${kind}s, a page at a time`,
        request: { query: LongPageQuery },
        responses: list(schema),
      }),
      async (c) => {
        const page = await catalogPage(deps.store, kind, c.req.valid('query'));
        return c.json(page as { items: never[]; nextCursor: string | null }, 200);
      },
    );
  }
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/admin/campaigns',
      operationId: 'startCampaign',
      tags: ['operator'],
      security,
      middleware: [idempotent(deps.store, deps.clock, () => 'operator')] as const,
      summary: 'Start an alliance campaign, funding its budget from the alliance account in the same transaction',
      description: 'Purchases see a new campaign within 30 seconds (each instance caches the list that long).',
      request: {
        headers: IdempotencyKeyHeader,
        body: jsonBody(CampaignBody),
      },
      responses: {
        201: { description: 'Started', content: { 'application/json': { schema: CampaignBody } } },
        ...errorResponses(400, 401, 403, 409, 503),
      },
    }),
    async (c) => c.json(await createCampaign(deps.store, c.req.valid('json'), deps.clock()), 201),
  );
  app.openapi(getCampaignsRoute, async (c) => {
    const page = await catalogPage(deps.store, 'campaign', c.req.valid('query'));
    return c.json(page as { items: never[]; nextCursor: string | null }, 200);
  });
}
