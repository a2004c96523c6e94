import { randomUUID } from 'node:crypto';
import { QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billerPayable, merchantPayable, operatorPayable, SYSTEM } from '../../../shared/ledger/accounts';
import { postTransfer } from '../../../shared/ledger/transfers';
import type { SettlementLine } from '../../../shared/settlement/model';
import { runSettlement, type SettlementDeps, STALE_RUN_MS } from '../../../shared/settlement/run';
import type { Store } from '../../../shared/store/store';
import { auditOf } from '../../support/audit';
import { startTestBackend, type TestBackend, testClock } from '../../support/backend';

const clock = testClock(new Date('2026-11-28T00:00:00.000Z'));
let backend: TestBackend;
let store: Store;
let deps: SettlementDeps;

beforeAll(async () => {
  backend = await startTestBackend({ clock });
  store = backend.deps.store;
  deps = {
    store,
    clock,
    // The run waits for a cutoff a little ahead by moving the test's clock, not by sleeping.
    sleep: async (ms) => clock.advance(ms),
  };
});
afterAll(() => backend?.stop());

const PAYEES = {
  'm-tea': merchantPayable('m-tea'),
  'm-books': merchantPayable('m-books'),
  'bus-co': operatorPayable('bus-co'),
  water: billerPayable('water'),
  // Kept apart from the property's payees, so the runs cut short below start from nothing carried.
  'coach-co': operatorPayable('coach-co'),
  gas: billerPayable('gas'),
  power: billerPayable('power'),
} as const;
type PayeeId = keyof typeof PAYEES;
const PROPERTY_PAYEES: PayeeId[] = ['m-tea', 'm-books', 'bus-co', 'water'];
const FEE_BPS: Record<string, number> = { 'm-tea': 60, 'm-books': 100 };

/** A movement into (positive: a sale) or out of (a refund) a payee's account, from the adjustments account. */
async function move(payee: PayeeId, amountFen: number, on: Store = store) {
  await postTransfer(on, {
    transferId: `m:${randomUUID()}`,
    kind: 'adjustment',
    at: clock().toISOString(),
    description: 'test movement',
    ref: payee,
    postings: [
      { accountId: PAYEES[payee], amountFen },
      { accountId: SYSTEM.adjustments, amountFen: -amountFen },
    ],
  });
}

const lineOf = (lines: SettlementLine[], payee: PayeeId) => lines.find((l) => l.payeeId === payee);

/** Every run so far of this file's store, each payee's lines in order, and the ledger. */
const settled = new Map<PayeeId, SettlementLine[]>();
const moved = new Map<PayeeId, { salesFen: number; refundsFen: number }>();
function remember(lines: SettlementLine[]) {
  for (const payee of PROPERTY_PAYEES) {
    const line = lineOf(lines, payee);
    if (line) settled.set(payee, [...(settled.get(payee) ?? []), line]);
  }
}
function record(payee: PayeeId, amountFen: number) {
  const m = moved.get(payee) ?? { salesFen: 0, refundsFen: 0 };
  if (amountFen > 0) m.salesFen += amountFen;
  else m.refundsFen -= amountFen;
  moved.set(payee, m);
}

describe('settlement under interleavings', () => {
  it('settles every movement exactly once, and payouts plus the carried amount equal net earnings', async () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('move' as const),
        payee: fc.constantFrom(...PROPERTY_PAYEES),
        amountFen: fc.integer({ min: -3000, max: 6000 }).filter((a) => a !== 0),
        advanceMs: fc.integer({ min: 0, max: 150_000 }),
      }),
      fc.record({
        kind: fc.constant('run' as const),
        aheadMs: fc.integer({ min: 0, max: 4000 }),
        inFlight: fc.option(fc.constantFrom(...PROPERTY_PAYEES), { nil: undefined }),
      }),
    );
    // The store lives on between the property's runs: what one sequence left unsettled, the next settles.
    // Movements recorded since the last cutoff, by payee, that the next run must count exactly.
    let pending = new Map<PayeeId, { salesFen: number; refundsFen: number }>();
    // A payee a movement committed into while a run read: that run or the next counts it.
    let uncertain = new Set<PayeeId>();
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 3, maxLength: 10 }), async (ops) => {
        const add = (payee: PayeeId, amountFen: number) => {
          const p = pending.get(payee) ?? { salesFen: 0, refundsFen: 0 };
          if (amountFen > 0) p.salesFen += amountFen;
          else p.refundsFen -= amountFen;
          pending.set(payee, p);
          record(payee, amountFen);
        };
        for (const o of ops) {
          clock.advance(1);
          if (o.kind === 'move') {
            clock.advance(o.advanceMs);
            await move(o.payee, o.amountFen);
            add(o.payee, o.amountFen);
            continue;
          }
          const cutoff = new Date(clock().getTime() + o.aheadMs);
          let injected: { payee: PayeeId; amountFen: number } | undefined;
          const runStore: Store = o.inFlight ? inFlightStore(o.inFlight, cutoff, (m) => (injected = m)) : store;
          const run = await runSettlement({ ...deps, store: runStore }, { runId: `p_${randomUUID()}`, cutoff });
          // Movements recorded before the cutoff and committed before the run: exactly these, once.
          for (const payee of PROPERTY_PAYEES) {
            const line = lineOf(run.lines, payee);
            const due = pending.get(payee) ?? { salesFen: 0, refundsFen: 0 };
            if (uncertain.has(payee) || injected?.payee === payee) continue;
            expect([line?.salesFen ?? 0, line?.refundsFen ?? 0]).toEqual([due.salesFen, due.refundsFen]);
          }
          remember(run.lines);
          pending = new Map();
          uncertain = new Set(injected ? [injected.payee] : []);
          // Counted by this run or the next, never both: the final check over all runs shows it.
          if (injected) record(injected.payee, injected.amountFen);
        }
      }),
      { numRuns: 8 },
    );
    // A last run after everything: each payee's movements were each settled once, over all runs.
    clock.advance(1000);
    const last = await runSettlement(deps, { runId: `p_${randomUUID()}`, cutoff: new Date(clock().getTime()) });
    remember(last.lines);
    for (const payee of PROPERTY_PAYEES) {
      const lines = settled.get(payee) ?? [];
      const m = moved.get(payee) ?? { salesFen: 0, refundsFen: 0 };
      const sum = (f: (l: SettlementLine) => number) => lines.reduce((s, l) => s + f(l), 0);
      expect([sum((l) => l.salesFen), sum((l) => l.refundsFen)]).toEqual([m.salesFen, m.refundsFen]);
      const carried = lines.at(-1)?.carriedFen ?? 0;
      expect(sum((l) => l.payoutFen) + carried).toBe(m.salesFen - m.refundsFen - sum((l) => l.feeFen));
      for (const l of lines)
        expect(l.feeFen).toBe(
          Math.floor((Math.max(l.salesFen - l.refundsFen, 0) * (FEE_BPS[payee] ?? 0) + 5000) / 10_000),
        );
    }
    expect(await auditOf(store, clock())).toMatchObject({ balanced: true, sumFen: 0 });
  }, 120_000);
});

/**
 * The store as a run sees it when a movement commits while it reads: just before the run reads the
 * cutoff minute of the payee's first shard, a movement recorded a moment before the cutoff commits.
 */
function inFlightStore(
  payee: PayeeId,
  cutoff: Date,
  injected: (m: { payee: PayeeId; amountFen: number }) => void,
): Store {
  let done = false;
  const send = store.doc.send.bind(store.doc) as (command: unknown) => Promise<unknown>;
  const doc = Object.create(store.doc) as Store['doc'];
  doc.send = (async (command: unknown) => {
    const input = (command as { input?: { IndexName?: string; ExpressionAttributeValues?: Record<string, unknown> } })
      .input;
    const indexPk = input?.ExpressionAttributeValues?.[':pk'];
    if (
      !done &&
      command instanceof QueryCommand &&
      input?.IndexName === 'gsi1' &&
      String(indexPk).startsWith(`SETLMOV#${PAYEES[payee]}#`)
    ) {
      done = true;
      // Planned before the cutoff (its recording time), committed now.
      let first = true;
      const planned: Store = {
        ...store,
        clock: () => {
          if (first) {
            first = false;
            return new Date(cutoff.getTime() - 1);
          }
          return clock();
        },
      };
      await move(payee, 777, planned);
      injected({ payee, amountFen: 777 });
    }
    return send(command);
  }) as Store['doc']['send'];
  return { ...store, doc };
}

/** The store, failing (as a function killed mid-way would) on the nth call that `matches`. */
function dyingStore(matches: (command: unknown) => boolean, nth: number): Store {
  let seen = 0;
  const send = store.doc.send.bind(store.doc) as (command: unknown) => Promise<unknown>;
  const doc = Object.create(store.doc) as Store['doc'];
  doc.send = (async (command: unknown) => {
    if (matches(command) && ++seen >= nth) throw new Error('the function timed out');
    return send(command);
  }) as Store['doc']['send'];
  return { ...store, doc };
}
const isSeal = (c: unknown) => c instanceof UpdateCommand && String(c.input.UpdateExpression).includes('#sealed');
const isPayout = (c: unknown) =>
  c instanceof TransactWriteCommand && JSON.stringify(c.input.TransactItems).includes('"kind":"settlement"');

describe('a run cut short', () => {
  it('finishes the same lines when started again, and holds off other runs meanwhile', async () => {
    clock.advance(60_000);
    await move('gas', 1234);
    await move('coach-co', 400);
    await move('coach-co', -150);
    clock.advance(120_000); // their minutes are whole minutes by the cutoff: a run seals them
    const cutoff = new Date(clock().getTime() + 1);
    clock.advance(2);
    await move('gas', 999); // after the cutoff: the next run's
    const runId = `crash_${randomUUID()}`;
    // It dies while it seals minutes...
    await expect(runSettlement({ ...deps, store: dyingStore(isSeal, 1) }, { runId, cutoff })).rejects.toThrow(
      'timed out',
    );
    // ...another run meanwhile is refused: this one holds the head...
    await expect(
      runSettlement(deps, { runId: `other_${randomUUID()}`, cutoff: new Date(clock().getTime()) }),
    ).rejects.toMatchObject({ code: 'SETTLEMENT_RUNNING' });
    // ...started again it dies while it pays out...
    await expect(runSettlement({ ...deps, store: dyingStore(isPayout, 1) }, { runId, cutoff })).rejects.toThrow(
      'timed out',
    );
    // ...and started once more it finishes, with the lines a run never cut short would have had.
    const resumed = await runSettlement(deps, { runId, cutoff });
    expect(lineOf(resumed.lines, 'gas')).toMatchObject({ salesFen: 1234, refundsFen: 0, feeFen: 0, payoutFen: 1234 });
    expect(lineOf(resumed.lines, 'coach-co')).toMatchObject({ salesFen: 400, refundsFen: 150, payoutFen: 250 });
    expect((await runSettlement(deps, { runId, cutoff })).lines).toEqual(resumed.lines);
    const report = await auditOf(store, clock());
    expect(report).toMatchObject({ balanced: true, sumFen: 0 });
    clock.advance(1);
    const next = await runSettlement(deps, { runId: `after_${randomUUID()}`, cutoff: new Date(clock().getTime()) });
    expect(lineOf(next.lines, 'gas')).toMatchObject({ salesFen: 999 });
  });

  it('is finished by the next run once it is stale, before that run settles its own cutoff', async () => {
    clock.advance(60_000);
    await move('power', 500);
    const cutoff = new Date(clock().getTime() + 1);
    clock.advance(2);
    let seals = 0;
    const send = store.doc.send.bind(store.doc) as (command: unknown) => Promise<unknown>;
    const doc = Object.create(store.doc) as Store['doc'];
    doc.send = (async (command: unknown) => {
      if (
        command instanceof UpdateCommand &&
        String(command.input.UpdateExpression).includes('#sealed') &&
        ++seals > 1
      ) {
        throw new Error('killed');
      }
      return send(command);
    }) as Store['doc']['send'];
    const dead = `dead_${randomUUID()}`;
    await expect(runSettlement({ ...deps, store: { ...store, doc } }, { runId: dead, cutoff })).rejects.toThrow(
      'killed',
    );
    await move('power', 300);
    clock.advance(STALE_RUN_MS + 1000);
    const next = await runSettlement(deps, { runId: `next_${randomUUID()}`, cutoff: new Date(clock().getTime()) });
    expect(next.previousCutoff).toBe(cutoff.toISOString());
    expect(lineOf(next.lines, 'power')).toMatchObject({ salesFen: 300 });
    const finished = await runSettlement(deps, { runId: dead, cutoff });
    expect(lineOf(finished.lines, 'power')).toMatchObject({ salesFen: 500 });
  });
});

describe('two runs at once', () => {
  it('settle each movement once: one runs, the other is refused', async () => {
    clock.advance(60_000);
    await move('coach-co', 321);
    clock.advance(1);
    const cutoff = new Date(clock().getTime());
    const outcomes = await Promise.allSettled([
      runSettlement(deps, { runId: `a_${randomUUID()}`, cutoff }),
      runSettlement(deps, { runId: `b_${randomUUID()}`, cutoff }),
    ]);
    const done = outcomes.filter((o) => o.status === 'fulfilled');
    const refused = outcomes.filter((o) => o.status === 'rejected');
    expect(done).toHaveLength(1);
    expect((refused[0] as PromiseRejectedResult).reason.code).toMatch(
      /^(SETTLEMENT_RUNNING|CUTOFF_NOT_AFTER_PREVIOUS)$/,
    );
    expect(
      lineOf((done[0] as PromiseFulfilledResult<{ lines: SettlementLine[] }>).value.lines, 'coach-co'),
    ).toMatchObject({
      salesFen: 321,
    });
  });
});
