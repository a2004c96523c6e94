import { z } from '@hono/zod-openapi';
import { FARE_CLASSES } from '../../shared/fares/fare-table';
import { ENTRY_KINDS, WALLET_STATUSES } from '../../shared/ledger/model';
import { TOPUP_STATUSES } from '../../shared/topups/topups';
import { fen } from '../http/schemas';

export const PhoneSchema = z
  .string()
  .regex(/^1[3-9]\d{9}$/, 'a mainland mobile number: 11 digits starting 13 to 19')
  .openapi({ description: 'The mobile number the login code is sent to', example: '13700001234' });

export const CardSchema = z
  .object({
    cardId: z.string(),
    cardNumber: z.string(),
    status: z
      .enum(WALLET_STATUSES)
      .openapi({ description: 'closed: the holder took the balance back; nothing moves on it again' }),
    fareClass: z.enum(FARE_CLASSES).openapi({
      description: 'The class taps, visits and credentials are priced with now: adult until identityVerified',
    }),
    identityVerified: z
      .boolean()
      .openapi({ description: 'An in-person check (service outlet or operator) vouched for the holder' }),
    balanceFen: fen('Balance; may be negative down to -negativeLimitFen after transit taps'),
    heldFen: fen(
      'Taken by open holds that may come back (a zone entry’s maximum fare until its exit); a top-up counts it as balance',
    ),
    negativeLimitFen: fen('How far transit taps may take the balance below 0'),
    allowanceThisMonthFen: fen('This month’s senior living allowance paid into the card (0 if none)'),
    rideMonth: z
      .object({
        month: z.string().openapi({ description: 'The month of the current fare day, YYYY-MM (Asia/Shanghai)' }),
        paidFen: fen('Paid for rides this month, after every discount and the daily cap, give-backs taken back'),
        percent: z.number().int().openapi({ description: 'What the next ride costs, in percent of its fare' }),
        next: z
          .object({ fromFen: z.number().int(), percent: z.number().int() })
          .nullable()
          .openapi({ description: 'Where the next tier of the monthly ride discount starts, if one follows' }),
      })
      .optional()
      .openapi({ description: 'The monthly ride discount: where the month stands (GET /v1/me/card only)' }),
  })
  .openapi('Card');

export const TopupSchema = z
  .object({
    topupId: z.string(),
    status: z
      .enum(TOPUP_STATUSES)
      .openapi({ description: 'expired: no word from the provider within a day (a late success still credits)' }),
    amountFen: fen('Amount'),
    createdAt: z.string(),
    settledAt: z.string().optional(),
  })
  .openapi('Topup');

export const StatementEntrySchema = z
  .object({
    entryId: z.string(),
    at: z.string(),
    amountFen: fen('Signed: positive credits the card'),
    balanceAfterFen: fen('The balance right after this entry'),
    kind: z.enum(ENTRY_KINDS),
    description: z.string(),
    ref: z.string(),
  })
  .openapi('StatementEntry');
