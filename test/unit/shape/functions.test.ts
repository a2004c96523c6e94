import { describe, expect, it } from 'vitest';
import { MAX_FUNCTION_LINES, projectShapes } from '../../support/code-shape';

/**
 * TIGER_STYLE's limit, held: a function of shared/, functions/ or infra/ fits on a screen. A route's
 * OpenAPI definition is a module constant beside its handler, not a page of a registering function.
 */
describe('the functions', () => {
  it(`are at most ${MAX_FUNCTION_LINES} lines each`, () => {
    const long = projectShapes().flatMap((s) => s.longFunctions.map((f) => `${s.file} ${f.name} (${f.lines})`));
    expect(long).toEqual([]);
  });
});
