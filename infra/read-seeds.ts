import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSeeds, SEED_FILES, type SeedData, SeedError } from '../shared/seeds/schema';

/** Reads and validates seeds/ (or another folder); a broken file fails naming the file and field. */
export function readSeeds(dir: string): SeedData {
  const files = {} as Record<keyof typeof SEED_FILES, unknown>;
  for (const file of Object.keys(SEED_FILES) as (keyof typeof SEED_FILES)[]) {
    let text: string;
    try {
      text = readFileSync(join(dir, file), 'utf8');
    } catch (err) {
      throw new SeedError(file, '', `cannot read: ${(err as Error).message}`);
    }
    try {
      files[file] = JSON.parse(text);
    } catch (err) {
      throw new SeedError(file, '', `not JSON: ${(err as Error).message}`);
    }
  }
  return parseSeeds(files);
}
