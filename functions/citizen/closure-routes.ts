import { createRoute, z } from '@hono/zod-openapi';
import { requireCard } from '../../shared/cards/cards';
import { denyClosedCard } from '../../shared/denylist/denylist';
import { closureKey } from '../../shared/store/keys';
import { closeOnline, closureIdFor, PROVIDER_REFUND_STATUSES } from '../../shared/topups/online-closure';
import type { AppDeps } from '../deps';
import { IdNumberTyped, idNumberWellFormed } from '../http/id-number';
import { idempotentOnRecord } from '../http/idempotency';
import type { Router } from '../http/router';
import { errorResponses, IdempotencyKeyHeader, jsonBody } from '../http/schemas';

export const ProviderRefundSchema = z
  .object({
    refundId: z.string().openapi({ description: 'What the provider’s webhook names (POST /v1/webhooks/refunds)' }),
    topupId: z.string().openapi({ description: 'The top-up it gives back (part of)' }),
    amountFen: z.number().int(),
    status: z.enum(PROVIDER_REFUND_STATUSES).openapi({
      description:
        'requested: waiting for the provider; succeeded: the money is back with the provider; failed: refused, the money is back on the closed card (collected in cash at an outlet)',
    }),
  })
  .openapi('ProviderRefund');

const OnlineClosureSchema = z
  .object({
    closureId: z.string(),
    cardId: z
      .string()
      .openapi({ description: 'The closed card: its statement stays readable (GET /v1/me/statement?cardId=)' }),
    status: z.literal('closed'),
    refundedFen: z.number().int().openapi({ description: 'The balance sent back to the top-up provider' }),
    refunds: z.array(ProviderRefundSchema),
    pointsLapsed: z.number().int().openapi({ description: 'Alliance points that lapsed with the card' }),
  })
  .openapi('OnlineClosure');

const closeMyCardRoute = (deps: AppDeps) =>
  createRoute({
    method: 'post',
    path: '/v1/me/card/closure',
    operationId: 'closeMyCard',
    tags: ['citizen'],
    security: [{ citizen: [] }],
    middleware: [
      idempotentOnRecord(deps.store, deps.clock, (c, key) => closureKey(closureIdFor(c.get('citizen').citizenId, key))),
    ] as const,
    summary: 'Close the card online (退卡退款): the balance goes back to the top-up provider',
    description:
      'The holder types the resident id number again (422 ID_MISMATCH otherwise). With nothing open on the card (409 CLOSURE_BLOCKED naming a hold, a pending top-up or a debt), the balance is refunded onto the card’s latest online top-ups, newest first, each at most its amount (at most 20): money that did not come from them (cash, an allowance) cannot go back this way, 409 CLOSURE_BLOCKED with uncoveredFen: close at a service outlet instead, for cash. In one transaction the card closes (every later movement refused CARD_CLOSED, on the deny list), its points lapse, and the refunds are requested of the provider, whose webhook settles each: a refund it refuses comes back onto the closed card, paid out in cash at any outlet (POST /v1/outlet/closed-card-payouts). A closed card is 422 CARD_CLOSED. Idempotent by Idempotency-Key.',
    request: {
      headers: IdempotencyKeyHeader,
      body: jsonBody(
        z
          .strictObject({
            idNumber: IdNumberTyped.openapi({
              description: 'The holder’s resident id number, typed again to confirm; never stored',
              example: '11010519491231002X',
            }),
          })
          .superRefine(idNumberWellFormed),
      ),
    },
    responses: {
      201: { description: 'Closed', content: { 'application/json': { schema: OnlineClosureSchema } } },
      ...errorResponses(400, 401, 404, 409, 422, 503),
    },
  });

/** Closing one's own card in the app, its balance back to the top-up provider. */
export function closureRoutes(app: Router, deps: AppDeps) {
  app.openapi(closeMyCardRoute(deps), async (c) => {
    const { citizenId } = c.get('citizen');
    const card = await requireCard(deps.store, citizenId);
    const closed = await closeOnline(deps.store, {
      closureId: closureIdFor(citizenId, c.get('idempotencyKey')),
      cardId: card.cardId,
      idNumber: c.req.valid('json').idNumber,
      pepper: await deps.secrets.get('residentIdPepper'),
      now: deps.clock(),
      requestHash: c.get('idempotencyHash'),
    });
    // After the closure commits: on the deny list for offline terminals (a retry answers from the record).
    await denyClosedCard(deps.store, closed.cardId, deps.clock());
    return c.json(closed, 201);
  });
}
