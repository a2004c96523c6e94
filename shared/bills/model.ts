import { z } from 'zod';

export const BillInputSchema = z.strictObject({
  externalRef: z.string().min(1).max(64),
  accountNo: z.string().min(1).max(64),
  period: z.string().min(1).max(32),
  amountDueFen: z.number().int().min(1).max(100_000_000),
  dueDate: z.iso.date(),
  allowPartial: z.boolean(),
});
export type BillInput = z.infer<typeof BillInputSchema>;

export const BillerSeedSchema = z.strictObject({
  billerId: z.string().min(1).max(32),
  name: z.string().min(1).max(200),
  bills: z.array(BillInputSchema).max(1000),
});
export type BillerSeed = z.infer<typeof BillerSeedSchema>;
