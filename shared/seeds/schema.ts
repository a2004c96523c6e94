import { z } from 'zod';
import { AllowanceRulesSchema } from '../benefits/allowance-rules';
import { BillerSeedSchema } from '../bills/model';
import { CampaignSchema, MerchantSchema } from '../campaigns/model';
import { CityConfigSchema } from '../city/model';
import { FacilityCatalogSchema } from '../facilities/model';
import { FareTableSchema } from '../fares/fare-table';
import { OutletsConfigSchema } from '../outlets/model';

/** Each seed file and the schema it must satisfy. */
export const SEED_FILES = {
  'city.json': CityConfigSchema,
  'fares.json': FareTableSchema,
  'billers.json': z.strictObject({ billers: z.array(BillerSeedSchema).max(100) }),
  'merchants.json': z.strictObject({
    merchants: z.array(MerchantSchema).max(10_000),
    campaigns: z.array(CampaignSchema).max(1000),
  }),
  'facilities.json': FacilityCatalogSchema,
  'outlets.json': OutletsConfigSchema,
  'allowance.json': AllowanceRulesSchema,
} as const;

export interface SeedData {
  city: z.infer<(typeof SEED_FILES)['city.json']>;
  fares: z.infer<(typeof SEED_FILES)['fares.json']>;
  billers: z.infer<(typeof SEED_FILES)['billers.json']>['billers'];
  merchants: z.infer<(typeof SEED_FILES)['merchants.json']>['merchants'];
  campaigns: z.infer<(typeof SEED_FILES)['merchants.json']>['campaigns'];
  facilities: z.infer<(typeof SEED_FILES)['facilities.json']>;
  outlets: z.infer<(typeof SEED_FILES)['outlets.json']>;
  allowance: z.infer<(typeof SEED_FILES)['allowance.json']>;
}

export class SeedError extends Error {
  constructor(file: string, path: string, message: string) {
    super(`seed ${file}: ${path || '(root)'}: ${message}`);
    this.name = 'SeedError';
  }
}

/** Validates the parsed JSON of every seed file; the first bad field fails with its file and path. */
export function parseSeeds(files: Record<keyof typeof SEED_FILES, unknown>): SeedData {
  const parsed: Record<string, unknown> = {};
  for (const [file, schema] of Object.entries(SEED_FILES)) {
    const result = schema.safeParse(files[file as keyof typeof SEED_FILES]);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      throw new SeedError(file, issue.path.map(String).join('.'), issue.message);
    }
    parsed[file] = result.data;
  }
  const merchants = parsed['merchants.json'] as { merchants: SeedData['merchants']; campaigns: SeedData['campaigns'] };
  return {
    city: parsed['city.json'] as SeedData['city'],
    fares: parsed['fares.json'] as SeedData['fares'],
    billers: (parsed['billers.json'] as { billers: SeedData['billers'] }).billers,
    merchants: merchants.merchants,
    campaigns: merchants.campaigns,
    facilities: parsed['facilities.json'] as SeedData['facilities'],
    outlets: parsed['outlets.json'] as SeedData['outlets'],
    allowance: parsed['allowance.json'] as SeedData['allowance'],
  };
}
