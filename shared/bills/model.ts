import { z } from 'zod';
import { isPrintable, NOT_PRINTABLE } from '../text/printable';

export const BillInputSchema = z.strictObject({
  externalRef: z
    .string()
    .min(1)
    .max(64)
    .refine(isPrintable, NOT_PRINTABLE)
    .describe('The biller’s own id for the bill: an upload upserts by it'),
  accountNo: z
    .string()
    .min(1)
    .max(64)
    .refine(isPrintable, NOT_PRINTABLE)
    .describe('The customer account the citizen looks the bill up by'),
  period: z
    .string()
    .min(1)
    .max(32)
    .refine(isPrintable, NOT_PRINTABLE)
    .describe('The billing period as the biller names it, e.g. 2026-10'),
  amountDueFen: z.number().int().min(1).max(100_000_000).describe('What is due, in fen'),
  dueDate: z.iso.date().describe('YYYY-MM-DD'),
  allowPartial: z.boolean().describe('Whether the citizen may pay less than the whole amount'),
});
export type BillInput = z.infer<typeof BillInputSchema>;

export const BillerSeedSchema = z.strictObject({
  billerId: z.string().min(1).max(32).refine(isPrintable, NOT_PRINTABLE),
  name: z.string().min(1).max(200).refine(isPrintable, NOT_PRINTABLE),
  bills: z.array(BillInputSchema).max(1000),
});
export type BillerSeed = z.infer<typeof BillerSeedSchema>;
