import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { messageOf } from '../shared/errors';
import { parseSeeds, type SeedData, SeedError, type SeedFile } from '../shared/seeds/schema';

/** Reads and validates seeds/ (or another folder); a broken file fails naming the file and field. */
export function readSeeds(dir: string): SeedData {
  return parseSeeds((file: SeedFile) => {
    let text: string;
    try {
      text = readFileSync(join(dir, file), 'utf8');
    } catch (err) {
      throw new SeedError(file, '', `cannot read: ${messageOf(err)}`);
    }
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new SeedError(file, '', `not JSON: ${messageOf(err)}`);
    }
  });
}
