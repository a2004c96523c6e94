import { createRoute, z } from '@hono/zod-openapi';
import { PROVIDER_REFUND_STATUSES } from '../../shared/topups/online-closure';
import { settleProviderRefund } from '../../shared/topups/provider-refunds';
import type { AppDeps } from '../deps';
import type { Router } from '../http/router';
import { errorResponses, jsonBody } from '../http/schemas';
import { SignatureHeader, signedByProvider } from './signature';

// Open, like the top-up event: the provider may add fields, and we ignore what we do not know.
const RefundEvent = z.object({
  refundId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ description: 'A refund a closure requested (POST /v1/me/card/closure)' }),
  status: z.enum(['succeeded', 'failed']).openapi({ description: 'The refund’s outcome' }),
  amountFen: z.number().int().min(1).max(500_000).openapi({ description: 'Must equal the requested refund’s amount' }),
  providerRef: z.string().min(1).max(128).openapi({ description: 'The provider’s own reference for the refund' }),
});

const RefundSettled = z
  .object({
    refundId: z.string(),
    topupId: z.string(),
    amountFen: z.number().int(),
    status: z.enum(PROVIDER_REFUND_STATUSES),
  })
  .openapi('RefundSettlement');

/** The provider's word on a refund of a closed card's balance, signed like its top-up events. */
export function refundWebhookRoutes(app: Router, deps: AppDeps) {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/webhooks/refunds',
      operationId: 'receiveRefundWebhook',
      tags: ['provider'],
      security: [{ webhookSignature: [] }],
      middleware: [signedByProvider(deps)] as const,
      summary: 'Settle a refund of a closed card’s balance (signed as top-up events are)',
      description:
        'succeeded: the money is back with the provider. failed: it comes back onto the closed card, for its holder to collect in cash at an outlet; nothing is lost. A repeat answers the settled state; an amount other than the requested one is 422 AMOUNT_MISMATCH; an unknown refund 404.',
      request: { headers: SignatureHeader, body: jsonBody(RefundEvent) },
      responses: {
        200: { description: 'Settled (or already was)', content: { 'application/json': { schema: RefundSettled } } },
        ...errorResponses(400, 401, 404, 422, 503),
      },
    }),
    async (c) => {
      const refund = await settleProviderRefund(deps.store, c.req.valid('json'), deps.clock());
      c.get('logger').info('provider refund settled', { ...refund });
      return c.json(refund, 200);
    },
  );
}
