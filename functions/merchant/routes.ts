import { createRoute, z } from '@hono/zod-openapi';
import { merchantTermsLoader } from '../../shared/campaigns/store';
import { scopeFor } from '../../shared/clients/clients';
import { PURCHASE_DECLINE_CODES } from '../../shared/merchant/model';
import { processPurchase } from '../../shared/merchant/purchases';
import { refundPurchase } from '../../shared/merchant/refunds';
import type { AppDeps } from '../deps';
import { countMovement, PURCHASE } from '../http/business-figures';
import { handsAssertionToPipeline } from '../http/machine-auth';
import type { Router } from '../http/router';
import { errorResponses, jsonBody, presentedFields } from '../http/schemas';
import { presentationDeps } from '../presentation-deps';
import { terminalPolicy } from '../terminal-policy';

const PurchaseSchema = z
  .strictObject({
    paymentId: z
      .uuid()
      .openapi({ description: 'Made by the POS; a retry sends the same id and gets the same answer, forever' }),
    amountFen: z
      .number()
      .int()
      .min(1)
      .max(500_000)
      .openapi({ description: 'The purchase before any discount, 1 to 500000 fen' }),
    points: z.number().int().min(0).max(500_000).optional().openapi({
      description:
        'Alliance points to pay part of it with (1 point = 1 fen), as the citizen chose on the phone: at most the merchant’s share of amountFen (pointsSpendMaxPercent, half in the seed; more is 422 POINTS_OVER_LIMIT), and the proof’s pts must be at least this (else declined PROOF_INVALID). Only what is left to pay after the discount is spent.',
      example: 500,
    }),
    ...presentedFields('POS', ', amt = amountFen, and pts ≥ points when points are spent'),
  })
  .openapi('Purchase');

const PurchaseResultSchema = z
  .object({
    paymentId: z.string(),
    status: z.enum(['accepted', 'declined']),
    amountFen: z.number().int(),
    discountFen: z.number().int(),
    chargedFen: z
      .number()
      .int()
      .openapi({ description: 'What the card paid in money: amountFen less discountFen less pointsSpent' }),
    campaignId: z.string().nullable(),
    pointsSpent: z.number().int().openapi({ description: 'Points that paid part of it (1 point = 1 fen)' }),
    pointsEarned: z.number().int().openapi({
      description:
        'Points the card earned on chargedFen at the merchant’s rate, rounded down; they lapse after 12 months',
    }),
    declineCode: z
      .enum(PURCHASE_DECLINE_CODES)
      .optional()
      .openapi({ description: 'INSUFFICIENT_POINTS: the card holds fewer usable points than asked' }),
  })
  .openapi('PurchaseResult');

const RefundResultSchema = z
  .object({
    refundId: z.string(),
    paymentId: z.string(),
    amountFen: z.number().int(),
    discountReturnedFen: z.number().int(),
    refundedTotalFen: z.number().int(),
    pointsReturned: z
      .number()
      .int()
      .openapi({ description: 'The share of the points the purchase spent, back on the card (kept 12 months again)' }),
    pointsTakenBack: z.number().int().openapi({
      description:
        'The share of the points the purchase earned, taken off the card: at most what it still holds (what it spent elsewhere stays spent)',
    }),
    status: z.literal('completed'),
  })
  .openapi('RefundResult');

const postMerchantPaymentsRoute = createRoute({
  method: 'post',
  path: '/v1/merchant/payments',
  operationId: 'takePayment',
  middleware: [handsAssertionToPipeline] as const,
  tags: ['merchant'],
  security: [{ machine: [] }],
  summary: 'A purchase paid by the phone, with the best alliance discount that applies',
  description:
    'A refusal is an answer: 200 with status declined and a declineCode, and no money moves. The whole charge must be in the balance. Campaigns do not stack (the largest discount, percent-off or fixed-amount, applies); when a campaign’s budget cannot cover its discount the purchase goes through without it. Then the alliance points the POS asks for pay part of what is left (the phone’s proof must cover them), and the card earns points on what it paid in money, funded by the merchant (its settlement line counts them).',
  request: { body: jsonBody(PurchaseSchema) },
  responses: {
    200: { description: 'Accepted or declined', content: { 'application/json': { schema: PurchaseResultSchema } } },
    ...errorResponses(400, 401, 403, 409, 422, 503),
  },
});

const postMerchantPaymentsRefundsRoute = createRoute({
  method: 'post',
  path: '/v1/merchant/payments/{paymentId}/refunds',
  operationId: 'refundPayment',
  tags: ['merchant'],
  security: [{ machine: [] }],
  summary: 'Give back (part of) a purchase: at most what the card was charged, over all refunds',
  description:
    'The discount’s share goes back to the campaign budget in proportion, the points the purchase spent back to the card and the points it earned off it, in proportion too. 422 REFUND_EXCEEDS_CHARGE beyond the charge; 403 for another merchant’s payment.',
  request: {
    params: z.object({ paymentId: z.uuid().openapi({ description: 'The purchase to refund (this merchant’s)' }) }),
    body: jsonBody(
      z.strictObject({
        refundId: z
          .uuid()
          .openapi({ description: 'Made by the POS; a retry sends the same id and gets the same answer' }),
        amountFen: z
          .number()
          .int()
          .min(1)
          .max(500_000)
          .openapi({ description: 'Fen to give back; with earlier refunds at most what the card was charged' }),
      }),
    ),
  },
  responses: {
    201: { description: 'Refunded', content: { 'application/json': { schema: RefundResultSchema } } },
    ...errorResponses(400, 401, 403, 404, 409, 422, 503),
  },
});

/** Alliance merchants' POS: purchases paid by the phone, and refunds of them. */
export function merchantRoutes(app: Router, deps: AppDeps) {
  // Built once with the routes: an instance keeps merchants' names for the statement lines it writes.
  const merchantTerms = merchantTermsLoader(deps.store, deps.clock);
  app.openapi(postMerchantPaymentsRoute, async (c) => {
    const machine = c.get('machine');
    const pos = {
      clientId: machine.clientId,
      scope: scopeFor(machine, 'merchant-pos'),
      policy: await terminalPolicy(machine, deps),
      assertionSpent: c.get('assertionSpent'),
    };
    const now = deps.clock();
    const result = await processPurchase(
      {
        ...presentationDeps(deps),
        clock: () => now,
        campaigns: deps.campaigns,
        merchantTerms,
        dayStartHour: (await deps.fares.at(now)).fareDayStartHour,
      },
      pos,
      c.req.valid('json'),
    );
    c.get('logger').info('purchase', {
      pos: pos.clientId,
      paymentId: result.paymentId,
      status: result.status,
      declineCode: result.declineCode,
      chargedFen: result.chargedFen,
    });
    countMovement(deps.metrics, PURCHASE, { merchant: pos.scope.merchantId }, result, result.chargedFen);
    return c.json(result, 200);
  });
  app.openapi(postMerchantPaymentsRefundsRoute, async (c) => {
    const { refundId, amountFen } = c.req.valid('json');
    const scope = scopeFor(c.get('machine'), 'merchant-pos');
    const result = await refundPurchase(
      deps.store,
      { scope, merchantName: (await merchantTerms(scope.merchantId)).name },
      {
        paymentId: c.req.valid('param').paymentId,
        refundId,
        amountFen,
        now: deps.clock(),
      },
    );
    return c.json(result, 201);
  });
}
