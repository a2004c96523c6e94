import { z } from '@hono/zod-openapi';

const fen = (description: string) =>
  z
    .number()
    .int()
    .openapi({ description: `${description} (integer fen)` });

/** A settlement line's money, as a payee and an operator read it. */
export const LineMoney = {
  salesFen: fen(
    'What the payee sold (a merchant’s sales: what the card paid, plus the discount, plus the points spent)',
  ),
  refundsFen: fen('What came back out of it before settlement (refunds, exit and rental give-backs)'),
  pointsFundedFen: fen(
    'Alliance points the merchant’s customers earned there, less what refunds took back (1 point = 1 fen): the merchant funds them out of its sales (0 for other payees)',
  ),
  pointsSpentFen: fen(
    'What customers paid there in alliance points, less what refunds gave back: part of salesFen, paid to the merchant in full',
  ),
  feeFen: fen('The fee: basis points of max(sales - refunds, 0), rounded half up (merchants only)'),
  netFen: fen('sales - refunds - points funded - fee + the previous line’s carriedFen'),
  payoutFen: fen('max(net, 0): paid out through the payouts clearing account'),
  carriedFen: fen('min(net, 0): carried into the next run'),
};

export const SettlementLineSchema = z
  .object({
    payeeKind: z.enum(['merchant', 'biller', 'facility', 'transit-operator']),
    payeeId: z.string(),
    ...LineMoney,
  })
  .openapi('SettlementLine');

export const PayeeSettlementSchema = z
  .object({ runId: z.string(), cutoff: z.string(), ...LineMoney })
  .openapi('PayeeSettlement');
