import { createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { cardItem } from '../../shared/cards/cards';
import { NotFoundError } from '../../shared/errors';
import { adjustCard, operatorTransferId, reverseTransfer } from '../../shared/ledger/corrections';
import { purchasePaymentId } from '../../shared/merchant/purchase-plan';
import { reversePurchase } from '../../shared/merchant/refunds';
import { fareGivenBack } from '../../shared/transit/fare-reversal';
import type { AppDeps } from '../deps';
import type { AppEnv } from '../http/env';
import { idempotent } from '../http/idempotency';
import type { Router } from '../http/router';
import { errorResponses, IdempotencyKeyHeader, jsonBody, OPERATOR_SECURITY, printableText } from '../http/schemas';

const TransferResultSchema = z
  .object({ transferId: z.string(), walletBalances: z.record(z.string(), z.number().int()) })
  .openapi('TransferResult', { description: 'The transfer and the balance of each card it touched, right after it' });

const security = OPERATOR_SECURITY;

const postAdjustmentsRoute = (once: MiddlewareHandler<AppEnv>) =>
  createRoute({
    method: 'post',
    path: '/v1/admin/adjustments',
    operationId: 'adjustCard',
    tags: ['operator'],
    security,
    middleware: [once] as const,
    summary: 'Correct a card’s balance against the adjustments account (positive credits, negative debits)',
    request: {
      headers: IdempotencyKeyHeader,
      body: jsonBody(
        z.strictObject({
          cardId: z.string().max(64).openapi({ description: 'The card to correct' }),
          amountFen: z
            .number()
            .int()
            .min(-500_000)
            .max(500_000)
            .refine((v) => v !== 0, 'must not be 0')
            .openapi({
              description: 'Fen to credit (positive) or debit (negative) against the city’s corrections account',
            }),
          reason: printableText(3, 200).openapi({
            description: 'Why: recorded with the operator’s principal and on the statement',
          }),
        }),
      ),
    },
    responses: {
      201: { description: 'Booked', content: { 'application/json': { schema: TransferResultSchema } } },
      ...errorResponses(400, 401, 403, 404, 409, 422, 503),
    },
  });

const postTransfersReversalsRoute = (once: MiddlewareHandler<AppEnv>) =>
  createRoute({
    method: 'post',
    path: '/v1/admin/transfers/{transferId}/reversals',
    operationId: 'reverseTransfer',
    tags: ['operator'],
    security,
    middleware: [once] as const,
    summary: 'Reverse (part of) a transfer with a new transfer that references it',
    description:
      'amountFen defaults to what is left of it; all reversals of one transfer never exceed what it moved (422 REFUND_EXCEEDS_CHARGE). A purchase (purchase:<paymentId>) is given back as its POS refunds it: amountFen is the card’s money, and the campaign’s discount and the alliance points spent and earned follow in proportion, on the same counter as the POS’s refunds.',
    request: {
      headers: IdempotencyKeyHeader,
      params: z.object({
        transferId: z
          .string()
          .min(1)
          .max(128)
          .openapi({ description: 'The transfer to reverse (from the audit or a statement’s ref)' }),
      }),
      body: jsonBody(
        z.strictObject({
          amountFen: z
            .number()
            .int()
            .min(1)
            .max(100_000_000)
            .optional()
            .openapi({ description: 'Fen to give back; the whole refundable rest if absent' }),
          reason: printableText(3, 200).openapi({ description: 'Why: recorded with the operator’s principal' }),
        }),
      ),
    },
    responses: {
      201: { description: 'Reversed', content: { 'application/json': { schema: TransferResultSchema } } },
      ...errorResponses(400, 401, 403, 404, 409, 422, 503),
    },
  });

/** Corrections by operators: new transfers, never edits; each needs an Idempotency-Key. */
export function correctionRoutes(app: Router, deps: AppDeps) {
  const once = idempotent(deps.store, deps.clock, () => 'operator');
  app.openapi(postAdjustmentsRoute(once), async (c) => {
    const { cardId, amountFen, reason } = c.req.valid('json');
    if (!(await cardItem(deps.store, cardId))) throw new NotFoundError('Card', { cardId });
    const transferId = operatorTransferId('adj', c.get('idempotencyKey'));
    return c.json(await adjustCard(deps.store, { transferId, cardId, amountFen, reason, at: deps.clock() }), 201);
  });
  app.openapi(postTransfersReversalsRoute(once), async (c) => {
    const { amountFen, reason } = c.req.valid('json');
    const at = deps.clock();
    const input = {
      transferId: operatorTransferId('rev', c.get('idempotencyKey')),
      originalId: c.req.valid('param').transferId,
      ...(amountFen !== undefined ? { amountFen } : {}),
      reason,
      at,
    };
    // A purchase is given back as its POS would refund it: the discount's and the points' shares with it.
    const paymentId = purchasePaymentId(input.originalId);
    const result = paymentId
      ? await reversePurchase(deps.store, { ...input, paymentId, now: at })
      : await reverseTransfer(deps.store, input, fareGivenBack(await deps.fares.at(at)));
    return c.json(result, 201);
  });
}
