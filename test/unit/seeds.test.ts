import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readSeeds } from '../../infra/read-seeds';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function copyOfSeeds() {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-seeds-'));
  dirs.push(dir);
  cpSync('seeds', dir, { recursive: true });
  return dir;
}

describe('the seed city', () => {
  it('holds the reference configuration of the contract', () => {
    const seeds = readSeeds('seeds');
    const routes = Object.fromEntries(seeds.fares.routes.map((r) => [r.routeId, r]));
    expect(routes.B1).toMatchObject({ kind: 'flat', adultFareFen: 200 });
    expect(routes.B2).toMatchObject({ kind: 'flat', adultFareFen: 200 });
    const z1 = routes.Z1;
    expect(z1?.kind).toBe('zonal');
    if (z1?.kind === 'zonal') expect(z1.stops.map((s) => s.zone)).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
    expect(seeds.city.card).toMatchObject({ maxBalanceFen: 500000, negativeLimitFen: 500 });
    const bills = seeds.billers.flatMap((b) =>
      b.bills.map((bill) => [b.billerId, bill.accountNo, bill.amountDueFen, bill.allowPartial]),
    );
    expect(bills).toEqual([
      ['water', 'W-0001', 4560, false],
      ['power', 'E-0001', 12800, true],
      ['gas', 'G-0001', 3300, false],
    ]);
    expect(seeds.campaigns[0]).toMatchObject({
      campaignId: 'c-tea10',
      percentOff: 10,
      minPurchaseFen: 2000,
      maxDiscountFen: 1000,
      budgetFen: 100000,
    });
  });

  it('fails on a broken file, naming the file and the field', () => {
    const dir = copyOfSeeds();
    const fares = readSeeds('seeds').fares as unknown as { routes: { adultFareFen?: unknown }[] };
    fares.routes[0]!.adultFareFen = 'two yuan';
    writeFileSync(join(dir, 'fares.json'), JSON.stringify(fares));
    expect(() => readSeeds(dir)).toThrow(/seed fares\.json: routes\.0\.adultFareFen/);
  });

  it('fails on a file that is not JSON, naming it', () => {
    const dir = copyOfSeeds();
    writeFileSync(join(dir, 'billers.json'), '{ nope');
    expect(() => readSeeds(dir)).toThrow(/seed billers\.json: \(root\): not JSON/);
  });
});
