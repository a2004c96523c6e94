import { z } from 'zod';
import { AllowanceRulesSchema } from '../benefits/allowance-rules';
import { BillerSeedSchema } from '../bills/model';
import { CheckedCampaignSchema, MerchantSchema } from '../campaigns/model';
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
    campaigns: z.array(CheckedCampaignSchema).max(1000),
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

export type SeedFile = keyof typeof SEED_FILES;

/** One seed file's JSON against its schema; the first bad field fails with its file and path. */
function parseFile<S extends z.ZodType>(file: SeedFile, schema: S, json: unknown): z.output<S> {
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new SeedError(file, issue?.path.map(String).join('.') ?? '', issue?.message ?? 'invalid');
  }
  return result.data;
}

/** Validates the parsed JSON of every seed file (`json` reads one); the first bad field fails with its file and path. */
export function parseSeeds(json: (file: SeedFile) => unknown): SeedData {
  const file = <S extends z.ZodType>(name: SeedFile, schema: S) => parseFile(name, schema, json(name));
  const merchants = file('merchants.json', SEED_FILES['merchants.json']);
  return {
    city: file('city.json', SEED_FILES['city.json']),
    fares: file('fares.json', SEED_FILES['fares.json']),
    billers: file('billers.json', SEED_FILES['billers.json']).billers,
    merchants: merchants.merchants,
    campaigns: merchants.campaigns,
    facilities: file('facilities.json', SEED_FILES['facilities.json']),
    outlets: file('outlets.json', SEED_FILES['outlets.json']),
    allowance: file('allowance.json', SEED_FILES['allowance.json']),
  };
}
