import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { residentIdNumber } from '../../../infra/client/signing';
import { runSim } from '../../../infra/sim/cli';
import { TEST_ADMIN_TOKEN, TEST_WEBHOOK_SECRET, useTestBackend } from '../../support/backend';

const { backend } = useTestBackend();
const dir = mkdtempSync(join(tmpdir(), 'onecard-sim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One simulator command in-process against the test backend, as `npm run sim -- ...` runs it. */
async function sim(args: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runSim([...args, '--url', 'http://onecard.test', '--state', join(dir, 'state.json')], {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    env,
    fetch: async (request) => backend().app.fetch(request),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
const json = (r: { out: string }) => JSON.parse(r.out);

describe('npm run sim', () => {
  it('explains itself and refuses what it does not know, with exit 2', async () => {
    const help = await promisify(execFile)('npm', ['run', 'sim', '--silent', '--', '--help']);
    expect(help.stdout).toContain('a first tap on the seed city');
    expect((await sim(['fly'])).code).toBe(2);
    const missing = await sim(['tap']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('--terminal is required');
    expect((await sim(['card', '--colour', 'red'])).err).toContain("Unknown option '--colour'");
  });

  it('takes a new phone from login to an accepted tap, a purchase, an offline batch and an offline check', async () => {
    expect((await sim(['card'])).err).toContain('run `login --phone <number>` first');
    expect((await sim(['login', '--phone', '13900000077'])).code).toBe(0);
    expect((await sim(['open-card', '--name', 'Li Lei', '--birth-date', '1990-05-17'])).code).toBe(0);
    expect((await sim(['topup', '--amount', '1000'])).err).toContain('ONECARD_TOPUP_WEBHOOK_SECRET');
    expect((await sim(['topup', '--amount', '1000'], { ONECARD_TOPUP_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET })).code).toBe(
      0,
    );
    expect((await sim(['register-device'])).code).toBe(0);
    const admin = { ONECARD_ADMIN_TOKEN: TEST_ADMIN_TOKEN };
    const bus = ['register-terminal', '--terminal', 'bus', '--kind', 'transit-terminal', '--routes', 'B1'];
    expect((await sim(bus, admin)).code).toBe(0);
    const pos = ['register-terminal', '--terminal', 'tea', '--kind', 'merchant-pos', '--merchant', 'm-tea'];
    expect((await sim(pos, admin)).code).toBe(0);

    const tap = await sim(['tap', '--terminal', 'bus', '--route', 'B1', '--stop', 'B1-S1']);
    expect(tap.code, tap.err).toBe(0);
    expect(json(tap)).toMatchObject({ status: 'accepted', fareFen: 200 });
    const outOfScope = await sim(['tap', '--terminal', 'bus', '--route', 'B2', '--stop', 'B2-S1']);
    expect(outOfScope.code).toBe(1);
    expect(outOfScope.err).toMatch(/the stack answered 403 /);

    const paid = await sim(['pay', '--terminal', 'tea', '--amount', '300']);
    expect(json(paid)).toMatchObject({ status: 'accepted', amountFen: 300 });
    const batch = await sim(['batch', '--terminal', 'bus', '--route', 'B1', '--stop', 'B1-S2', '--count', '3']);
    expect(json(batch)).toMatchObject({ uploaded: 3, accepted: 3 });
    const card = json(await sim(['card']));
    expect(card.balanceFen).toBe(1000 - 200 - json(paid).chargedFen - json(batch).faresFen);

    // The purchase earned alliance points (a point a yuan); the next one spends them with the phone's consent.
    expect(json(await sim(['points']))).toMatchObject({ balance: 3 });
    expect((await sim(['topup', '--amount', '500'], { ONECARD_TOPUP_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET })).code).toBe(
      0,
    );
    const withPoints = await sim(['pay', '--terminal', 'tea', '--amount', '300', '--points', '3']);
    expect(json(withPoints)).toMatchObject({ status: 'accepted', pointsSpent: 3, chargedFen: 297 });

    // A zone journey just entered is not the holder's to fix yet: the stack's refusal, shown.
    const zone = ['register-terminal', '--terminal', 'gates', '--kind', 'transit-terminal', '--routes', 'Z1'];
    expect((await sim(zone, admin)).code).toBe(0);
    const entry = json(
      await sim(['tap', '--terminal', 'gates', '--route', 'Z1', '--stop', 'Z1-S1', '--kind', 'entry']),
    );
    const early = await sim(['fix-journey', '--journey', entry.journeyId, '--stop', 'Z1-S3']);
    expect([early.code, early.err]).toEqual([1, expect.stringContaining('JOURNEY_STILL_OPEN')]);
    expect(
      json(await sim(['tap', '--terminal', 'gates', '--route', 'Z1', '--stop', 'Z1-S3', '--kind', 'exit'])).status,
    ).toBe('accepted');

    // The unlinkable credential: turned on at a new validator (a terminal's instances read the change
    // within 10 s), fetched for the day, tapped; the balance left out.
    const bus2 = ['register-terminal', '--terminal', 'bus2', '--kind', 'transit-terminal', '--routes', 'B1'];
    expect((await sim(bus2, admin)).code).toBe(0);
    expect((await sim(['credential-versions', '--terminal', 'bus2', '--versions', '1,2'], admin)).out).toContain(
      'versions 1, 2',
    );
    expect((await sim(['day-credentials', '--scopes', 'op:bus-co,m:m-tea'])).out).toMatch(/^2 credentials/);
    const unlinkable = json(
      await sim(['tap', '--terminal', 'bus2', '--route', 'B1', '--stop', 'B1-S2', '--scope', 'op:bus-co']),
    );
    expect(unlinkable).toMatchObject({ status: 'accepted', balanceFen: null });

    const busId = JSON.parse((await import('node:fs')).readFileSync(join(dir, 'state.json'), 'utf8')).terminals.bus
      .clientId as string;
    const qr = await sim(['qr', '--terminal-id', busId]);
    expect(json(qr).challenge).toBe('qr');
    expect(json(await sim(['verify', '--qr', qr.out, '--terminal-id', busId]))).toMatchObject({ ok: true });
    const refused = await sim(['verify', '--qr', qr.out, '--terminal-id', 'another-terminal']);
    expect(refused.code).toBe(1);
    expect(json(refused)).toMatchObject({ ok: false, declineCode: 'PROOF_INVALID' });
  });

  it('plays a gate, an outlet, a biller, an agency and the operator, and shows each field the stack refused', async () => {
    const admin = { ONECARD_ADMIN_TOKEN: TEST_ADMIN_TOKEN };
    const register = (name: string, kind: string, scope: string[]) =>
      sim(['register-terminal', '--terminal', name, '--kind', kind, ...scope], admin);
    expect((await register('park', 'facility-gate', ['--facility', 'f-park'])).code).toBe(0);
    expect((await register('counter', 'service-outlet', ['--outlet', 'o-station'])).code).toBe(0);
    expect((await register('water', 'biller', ['--biller', 'water'])).code).toBe(0);
    expect((await register('edu', 'agency', ['--programs', 'student'])).code).toBe(0);

    const cash = await sim(['cash-topup', '--terminal', 'counter', '--amount', '5000']);
    expect(json(cash)).toMatchObject({ amountFen: 5000 });
    expect(json(await sim(['till', '--terminal', 'counter'])).cashFen).toBeGreaterThanOrEqual(5000);
    const visit = await sim(['visit', '--terminal', 'park', '--facility', 'f-park']);
    expect(visit.code, visit.err).toBe(0);
    expect(json(visit)).toMatchObject({ status: 'accepted' });
    expect(json(await sim(['visits'])).items[0]).toMatchObject({ facilityId: 'f-park', kind: 'enter' });

    const bills = join(dir, 'bills.json');
    const bill = { externalRef: 'SIM-1', accountNo: 'W-SIM', period: '2026-11', amountDueFen: 1200 };
    writeFileSync(bills, JSON.stringify({ bills: [{ ...bill, dueDate: '2027-01-31', allowPartial: false }] }));
    const uploaded = await sim(['upload-bills', '--terminal', 'water', '--file', bills]);
    expect(json(uploaded).results[0]).toMatchObject({ outcome: 'created' });
    const found = json(await sim(['bills', '--biller', 'water', '--account', 'W-SIM']));
    const billId = found.items[0].billId;
    expect(json(await sim(['pay-bill', '--bill', billId, '--amount', '1200']))).toMatchObject({ status: 'completed' });
    expect(json(await sim(['bill-payments', '--terminal', 'water'])).items[0]).toMatchObject({ billId });
    expect(json(await sim(['statement'])).items[0]).toMatchObject({ kind: 'bill', amountFen: -1200 });

    const records = join(dir, 'records.json');
    writeFileSync(records, JSON.stringify({ records: [{ recordId: 'sim-r1', program: 'student' }] }));
    const refused = await sim(['upload-records', '--terminal', 'edu', '--file', records]);
    expect(refused.code).toBe(1);
    // The answer's details name each field, and the simulator prints them once, not its own message twice.
    expect(refused.err).toMatch(/the stack answered 400 VALIDATION_FAILED: [^\n]+\n {2}records\.0\.\w+: /);
    expect(refused.err).not.toMatch(/400 VALIDATION_FAILED: 400/);

    const settled = await sim(['settle', '--cutoff', 'now'], admin);
    expect(settled.out).toMatch(/^settled up to .+ Asia\/Shanghai .+: run \S+, [1-9]\d* lines/);
    const runId = /run (\S+),/.exec(settled.out)?.[1] ?? '';
    expect(json(await sim(['settlement-run', '--run', runId], admin)).runId).toBe(runId);
    expect(json(await sim(['settlements', '--terminal', 'water'])).items.length).toBeGreaterThan(0);
    const cardId = json(await sim(['card'])).cardId;
    expect(json(await sim(['freeze-card', '--card', cardId], admin))).toMatchObject({ status: 'frozen' });
    expect(json(await sim(['lookup-card', '--card', cardId], admin))).toMatchObject({ card: { status: 'frozen' } });
    expect(json(await sim(['unfreeze-card', '--card', cardId], admin))).toMatchObject({ status: 'active' });
    expect(json(await sim(['reconciliation'], admin))).toMatchObject({ balanced: true });
    const allowance = await sim(['allowance', '--month', '2026-11'], admin);
    expect(allowance.out).toMatch(/^allowance for 2026-11: run \S+, (done|failed)/);

    // Another holder leaves: the outlet checks the id card and pays the balance back in cash.
    const idNumber = residentIdNumber('1985-02-03', 7);
    expect((await sim(['login', '--phone', '13900000078'])).code).toBe(0);
    expect(
      (await sim(['open-card', '--name', 'Han Mei', '--birth-date', '1985-02-03', '--id-number', idNumber])).code,
    ).toBe(0);
    expect((await sim(['topup', '--amount', '700'], { ONECARD_TOPUP_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET })).code).toBe(
      0,
    );
    expect((await sim(['register-device'])).code).toBe(0);
    const closed = await sim(['close-card', '--terminal', 'counter', '--id-number', idNumber]);
    expect(json(closed)).toMatchObject({ status: 'closed', paidOutFen: 700 });
    expect(json(await sim(['card']))).toMatchObject({ status: 'closed', balanceFen: 0 });

    // A third closes online; the provider refuses the refund, so the money comes back and is paid out in cash.
    const online = residentIdNumber('1979-08-09', 9);
    const provider = { ONECARD_TOPUP_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET };
    expect((await sim(['login', '--phone', '13900000079'])).code).toBe(0);
    expect(
      (await sim(['open-card', '--name', 'Wu Fang', '--birth-date', '1979-08-09', '--id-number', online])).code,
    ).toBe(0);
    expect((await sim(['topup', '--amount', '900'], provider)).code).toBe(0);
    const left = await sim(['close-online', '--id-number', online, '--provider', 'failed'], provider);
    expect(left.code, left.err).toBe(0);
    expect(json(left)).toMatchObject({
      status: 'closed',
      refundedFen: 900,
      refunds: [{ status: 'failed', amountFen: 900 }],
    });
    const cashed = await sim([
      'pay-closed',
      '--terminal',
      'counter',
      '--card',
      json(left).cardId,
      '--id-number',
      online,
    ]);
    expect(json(cashed)).toMatchObject({ paidOutFen: 900 });
    const month = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);
    expect((await sim(['lapse-points', '--month', month], admin)).out).toMatch(
      /^points lapse for \d{4}-\d{2}: \d+ cards/,
    );
  });
});
