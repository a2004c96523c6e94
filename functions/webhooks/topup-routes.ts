import { createRoute, z } from '@hono/zod-openapi';
import { settleTopup, TOPUP_STATUSES } from '../../shared/topups/topups';
import type { AppDeps } from '../deps';
import { newRouter } from '../http/router';
import { errorResponses, jsonBody } from '../http/schemas';
import { refundWebhookRoutes } from './refund-routes';
import { SignatureHeader, signedByProvider } from './signature';

// Open, unlike client bodies: the provider may add fields, and we ignore what we do not know.
const ProviderEvent = z.object({
  topupId: z.string().min(1).max(64).openapi({ description: 'The top-up the citizen started (POST /v1/me/topups)' }),
  status: z.enum(['succeeded', 'failed']).openapi({ description: 'The payment’s outcome' }),
  amountFen: z
    .number()
    .int()
    .min(1)
    .max(500_000)
    .openapi({ description: 'What was paid: must equal the pending top-up’s amount' }),
  providerRef: z.string().min(1).max(128).openapi({ description: 'The provider’s own reference for the payment' }),
});

const Settled = z
  .object({
    topupId: z.string(),
    status: z.enum(TOPUP_STATUSES),
    amountFen: z.number().int(),
  })
  .openapi('TopupSettlement');

/** The payment provider's word on a top-up, signed with the shared secret. */
export function webhookRoutes(deps: AppDeps) {
  const app = newRouter();
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/webhooks/topups',
      operationId: 'receiveTopupWebhook',
      tags: ['provider'],
      security: [{ webhookSignature: [] }],
      summary: 'Settle a top-up (Onecard-Signature: t=<unix s>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">)',
      description:
        'Older than 5 minutes or a wrong signature: 401. A repeat is harmless and answers the settled state. An amount other than the pending top-up’s: 422 AMOUNT_MISMATCH. A credit that would pass the card limit ends `refunded`.',
      request: {
        headers: SignatureHeader,
        body: jsonBody(ProviderEvent),
      },
      responses: {
        200: { description: 'Settled (or already was)', content: { 'application/json': { schema: Settled } } },
        ...errorResponses(400, 401, 404, 422, 503),
      },
      middleware: [signedByProvider(deps)] as const,
    }),
    async (c) => {
      const event = c.req.valid('json');
      const city = await deps.city();
      const topup = await settleTopup(deps.store, event, city.card.maxBalanceFen, deps.clock());
      c.get('logger').info('top-up settled', {
        topupId: topup.topupId,
        status: topup.status,
        amountFen: topup.amountFen,
      });
      deps.metrics.add('Topups', 1, { status: topup.status });
      if (topup.status === 'succeeded') deps.metrics.add('TopupsFen', topup.amountFen);
      return c.json({ topupId: topup.topupId, status: topup.status, amountFen: topup.amountFen }, 200);
    },
  );
  refundWebhookRoutes(app, deps);
  return app;
}
