import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { type AllowanceExecution, machineAllowanceRuns } from '../../../functions/allowance-machine';
import { allowanceRules, fundAllowance } from '../../../shared/benefits/allowance';
import { payChunk, planChunk } from '../../../shared/benefits/allowance-chunks';
import { finishRun, readRunRecord, reserveAll, runAllowance } from '../../../shared/benefits/allowance-run';
import { readWallet } from '../../../shared/ledger/wallet-head';
import type { Store } from '../../../shared/store/store';
import { auditOf } from '../../support/audit';
import { testClock, useTestBackend } from '../../support/backend';
import { CENTENARIAN_ALLOWANCE_FEN, CENTENARIAN_BIRTH_DATES, eldersWithRecords } from '../../support/elders';

const clock = testClock(new Date('2026-12-15T02:00:00Z'));
const { app, backend } = useTestBackend({ clock });

/** The store, with every transaction that touches `cardId`'s entries refused by DynamoDB with `errorName`. */
function refusing(store: Store, cardId: string, errorName: string): Store {
  const send = store.doc.send.bind(store.doc) as (command: unknown) => Promise<unknown>;
  const doc = Object.create(store.doc) as Store['doc'];
  doc.send = (async (command: unknown) => {
    if (command instanceof TransactWriteCommand && JSON.stringify(command.input).includes(`ACCT#${cardId}"`)) {
      throw Object.assign(new Error(`${errorName} (injected)`), { name: errorName });
    }
    return send(command);
  }) as Store['doc']['send'];
  return { ...store, doc };
}

describe('an allowance run stopped part-way', () => {
  it('goes on where it stopped, after a crash or a payment DynamoDB kept refusing, and pays each card once', async () => {
    // Prepare: three centenarians, the fund holding two months.
    const { store } = backend().deps;
    const deps = { clock, rules: allowanceRules(store, clock) };
    const holders = await eldersWithRecords(app, CENTENARIAN_BIRTH_DATES, clock());
    const monthFen = holders.length * CENTENARIAN_ALLOWANCE_FEN;
    await fundAllowance(store, 'fund-two-months', monthFen * 2, clock());
    const balances = async () => Promise.all(holders.map(async (h) => (await readWallet(store, h.cardId))?.balanceFen));

    // Act 1: the function dies while paying the second card (an error nothing retries).
    const run = { runId: 'resumed-run', month: '2026-12' };
    await expect(runAllowance(refusing(store, holders[1]!.cardId, 'AccessDeniedException'), deps, run)).rejects.toThrow(
      /AccessDenied/,
    );
    expect(await balances()).toEqual([CENTENARIAN_ALLOWANCE_FEN, 0, 0]);
    // Act 2: started again, DynamoDB keeps refusing the third card: the run answers that it is part-way.
    const partWay = await runAllowance(refusing(store, holders[2]!.cardId, 'TransactionConflictException'), deps, run);
    expect(partWay).toMatchObject({ status: 'running' });
    expect(await balances()).toEqual([CENTENARIAN_ALLOWANCE_FEN, CENTENARIAN_ALLOWANCE_FEN, 0]);
    // Another run of the month waits for it.
    await expect(runAllowance(store, deps, { runId: 'another', month: '2026-12' })).rejects.toMatchObject({
      code: 'ALLOWANCE_RUN_IN_PROGRESS',
    });
    // Act 3: started again with DynamoDB well, it finishes.
    const done = await runAllowance(store, deps, run);

    // Assess: each card paid once, all by this run, and nothing left reserved.
    expect(done).toMatchObject({ status: 'done', paidCount: 3, paidFen: monthFen });
    expect(await balances()).toEqual(holders.map(() => CENTENARIAN_ALLOWANCE_FEN));
    const ledger = await auditOf(store, clock());
    expect(ledger).toMatchObject({ balanced: true, sumFen: 0 });
    expect(ledger.byKind['allowance-reserve'] ?? 0).toBe(0);
    expect(ledger.byKind['allowance-fund']).toBe(monthFen);
    // The month is free for the next run, which finds nothing left to pay.
    expect(await runAllowance(store, deps, { runId: 'after', month: '2026-12' })).toMatchObject({
      status: 'done',
      paidCount: 0,
      skipped: { ALREADY_PAID: 3 },
    });
  }, 60_000);
});

describe('an allowance run handed to the state machine (the cloud’s way)', () => {
  it('answers running once opened, and done once the machine’s steps ran, starting nothing twice', async () => {
    const { store } = backend().deps;
    const holders = await eldersWithRecords(app, CENTENARIAN_BIRTH_DATES, clock());
    await fundAllowance(store, 'fund-machine', holders.length * CENTENARIAN_ALLOWANCE_FEN, clock());
    const started: AllowanceExecution[] = [];
    const runs = machineAllowanceRuns(store, clock, async (_name, input) => {
      started.push(input);
    });
    const run = { runId: 'machine-run', month: '2026-11' };
    // Act: the request opens the run and hands it over.
    expect(await runs.start(run)).toMatchObject({ runId: 'machine-run', status: 'running', paidCount: 0 });
    expect(started).toHaveLength(1);
    // The machine's steps, as its states call them: every chunk planned, the reserve, every chunk paid.
    const rules = await allowanceRules(store, clock).at(new Date('2026-11-01T00:00:00+08:00'));
    const [execution] = started;
    for (const chunk of execution!.chunks) await planChunk(store, { ...run, rules, now: clock() }, chunk);
    await reserveAll(store, (await readRunRecord(store, run.runId))!, clock());
    const money = (await readRunRecord(store, run.runId))!;
    for (const chunk of execution!.chunks) {
      await payChunk(store, { runId: run.runId, month: run.month, totalFen: money.totalFen! }, chunk, clock());
    }
    await finishRun(store, run.runId, clock());
    // Assess: the same request again answers the ended run and starts nothing.
    // November pays these three and the three of the test before (their fund's second month covers them).
    expect(await runs.start(run)).toMatchObject({ status: 'done', paidCount: holders.length * 2 });
    expect(started).toHaveLength(1);
  });
});
