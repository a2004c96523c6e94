import { readdirSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cycles, domainEdges, projectShapes } from '../../support/code-shape';

/**
 * The shared/ domains from the bottom up (docs/layers.md draws them): a domain imports only domains of
 * lower layers, so no change below can need one above, and there is no cycle to untangle.
 */
const LAYERS: string[][] = [
  ['errors', 'text', 'time', 'async', 'log', 'observe'],
  ['store', 'secrets', 'receipts'],
  ['ledger', 'keys', 'city', 'fares', 'catalog', 'denylist', 'idempotency', 'ratelimit', 'audit'],
  ['eligibility', 'identity', 'bills', 'campaigns', 'devices', 'settlement', 'ledger-audit', 'points'],
  ['cards', 'clients'],
  ['credentials', 'topups', 'benefits'],
  ['transit', 'facilities', 'merchant', 'outlets'],
  ['reports', 'seeds', 'i18n'],
];

const layerOf = new Map(LAYERS.flatMap((names, layer) => names.map((name) => [name, layer] as const)));
const shapes = projectShapes();

describe('the layers', () => {
  it('names every shared/ domain once', () => {
    const domains = readdirSync('shared').filter((name) => statSync(`shared/${name}`).isDirectory());
    expect([...layerOf.keys()].sort()).toEqual(domains.sort());
    expect(layerOf.size).toBe(LAYERS.flat().length);
  });

  it('lets a shared/ domain import only domains of lower layers', () => {
    const upward = [...domainEdges(shapes)].flatMap(([from, tos]) =>
      [...tos].filter((to) => (layerOf.get(to) ?? -1) >= (layerOf.get(from) ?? -1)).map((to) => `${from} -> ${to}`),
    );
    expect(upward).toEqual([]);
    expect(cycles(domainEdges(shapes))).toEqual([]);
  });

  it('keeps shared/ free of the HTTP, Lambda and CDK layers, and functions/ free of infra/', () => {
    const imports = (dir: string) =>
      shapes.filter((s) => s.file.startsWith(`${dir}/`)).flatMap((s) => s.imports.map((i) => `${s.file} -> ${i}`));
    expect(imports('shared').filter((line) => / -> (functions|infra|test|bench)\//.test(line))).toEqual([]);
    expect(imports('functions').filter((line) => / -> (infra|test|bench)\//.test(line))).toEqual([]);
  });

  it('keeps Hono, Lambda and the CDK out of shared/', () => {
    const external = shapes
      .filter((s) => s.file.startsWith('shared/'))
      .flatMap((s) =>
        s.packages
          .filter((p) => /^(hono|@hono\/|aws-lambda|aws-cdk-lib|constructs|@aws-lambda-powertools)/.test(p))
          .map((p) => `${s.file}: ${p}`),
      );
    expect(external).toEqual([]);
  });
});
