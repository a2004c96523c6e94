import { BatchWriteCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { allowanceRules, fundAllowance } from '../../../shared/benefits/allowance';
import { runAllowance } from '../../../shared/benefits/allowance-run';
import { statementPage } from '../../../shared/ledger/statement';
import { readWallet } from '../../../shared/ledger/wallet-head';
import type { Store } from '../../../shared/store/store';
import { auditOf } from '../../support/audit';
import { testClock, useTestBackend } from '../../support/backend';
import { CENTENARIAN_ALLOWANCE_FEN, eldersWithRecords } from '../../support/elders';
import { asMachine, registerMachine } from '../../support/gate';

const clock = testClock(new Date('2026-12-15T02:00:00Z'));
const { app, backend } = useTestBackend({ clock });
const HOLDERS = 100;

/**
 * The store, with writes failing at random as a worker's crash would: before DynamoDB has them, or
 * after (the worker never learns they committed). Seeded: a failing run can be run again as it was.
 */
function crashing(store: Store, seed: number, rate: number): Store {
  let state = seed;
  const random = () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const send = store.doc.send.bind(store.doc) as (command: unknown) => Promise<unknown>;
  const doc = Object.create(store.doc) as Store['doc'];
  doc.send = (async (command: unknown) => {
    const writes =
      command instanceof TransactWriteCommand ||
      command instanceof BatchWriteCommand ||
      command instanceof UpdateCommand;
    const roll = writes ? random() : 1;
    const crash = () => Object.assign(new Error('the worker died (injected)'), { name: 'WorkerCrashed' });
    if (roll < rate / 2) throw crash();
    const answer = await send(command);
    if (roll < rate) throw crash();
    return answer;
  }) as Store['doc']['send'];
  return { ...store, doc };
}

describe('an allowance run in chunks', () => {
  it('pays each card once when its 101 chunks are interrupted at random and started again until done', async () => {
    // Prepare: 100 centenarians, one of them named by a second agency's record too (two rows, one card).
    const { store } = backend().deps;
    const birthDates = Array.from({ length: HOLDERS }, (_, i) => `192${i % 6}-0${1 + (i % 9)}-1${i % 10}`);
    const holders = await eldersWithRecords(app, birthDates, clock());
    const secondAgency = await registerMachine(app, 'agency', { programs: ['senior-allowance'] });
    const second = await asMachine(
      app,
      secondAgency,
      'PUT',
      '/v1/agency/eligibility',
      {
        records: [
          {
            recordId: 'same-holder',
            idNumber: holders[7]!.idNumber,
            program: 'senior-allowance',
            group: 'dibao',
            validFrom: '2026-01-01',
            validTo: null,
            status: 'active',
          },
        ],
      },
      clock(),
    );
    expect(second.json.results[0].status).toBe('stored');
    const monthFen = HOLDERS * CENTENARIAN_ALLOWANCE_FEN;
    await fundAllowance(store, 'fund-chunks', monthFen + 5, clock());
    const deps = { clock, rules: allowanceRules(store, clock), chunkRecords: 1, concurrency: 8 };
    const run = { runId: 'chunked-run', month: '2026-12' };

    // Act: workers crash at random; each attempt goes on from where the run stands.
    let attempts = 0;
    for (let seed = 1; attempts < 40; seed++) {
      attempts++;
      const outcome = await runAllowance(crashing(store, seed, 0.05), deps, run).catch(() => undefined);
      if (outcome?.status === 'done') break;
    }
    const done = await runAllowance(store, deps, run);

    // Assess: every card paid exactly once, by this run, and nothing left reserved.
    expect(done).toMatchObject({
      status: 'done',
      paidCount: HOLDERS,
      paidFen: monthFen,
      skipped: { ALREADY_PAID: 1 },
    });
    for (const h of holders) {
      expect((await readWallet(store, h.cardId))?.balanceFen).toBe(CENTENARIAN_ALLOWANCE_FEN);
      const entries = (await statementPage(store, h.cardId, 20)).items.filter((e) => e.kind === 'allowance');
      expect(entries).toHaveLength(1);
    }
    const ledger = await auditOf(store, clock());
    expect(ledger).toMatchObject({ balanced: true, sumFen: 0 });
    expect(ledger.byKind['allowance-reserve'] ?? 0).toBe(0);
    expect(ledger.byKind['allowance-fund']).toBe(5);
    expect(attempts).toBeGreaterThan(1);
  }, 180_000);
});
