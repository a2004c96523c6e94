import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorPayable, SYSTEM } from '../../../shared/ledger/accounts';
import type { TransferSpec } from '../../../shared/ledger/model';
import { postRefund, postTransfer } from '../../../shared/ledger/transfers';
import { readWallet } from '../../../shared/ledger/wallet-head';
import { auditOf } from '../../support/audit';
import { freshStore, walletWith } from '../../support/table';

type Op =
  | { kind: 'topup'; wallet: number; amountFen: number }
  | { kind: 'debit'; wallet: number; amountFen: number; transit: boolean }
  | { kind: 'refund'; target: number; amountFen: number }
  | { kind: 'retry'; target: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('topup' as const), wallet: fc.nat(2), amountFen: fc.integer({ min: 1, max: 2000 }) }),
  fc.record({
    kind: fc.constant('debit' as const),
    wallet: fc.nat(2),
    amountFen: fc.integer({ min: 1, max: 1500 }),
    transit: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('refund' as const), target: fc.nat(50), amountFen: fc.integer({ min: 1, max: 800 }) }),
  fc.record({ kind: fc.constant('retry' as const), target: fc.nat(50) }),
);

const NEGATIVE_LIMIT_FEN = 500;

let store: Awaited<ReturnType<typeof freshStore>>;
beforeAll(async () => {
  store = await freshStore();
});
afterAll(() => store.destroy());

describe('the ledger against a model', () => {
  it('keeps every invariant after every step of random top-ups, debits, refunds and retries', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 20 }), async (ops) => {
        run++;
        const wallets = await Promise.all([0, 1, 2].map(() => walletWith(store)));
        const model = new Map(wallets.map((w) => [w, 0]));
        const sent: {
          spec: TransferSpec;
          floors?: Record<string, number>;
          chargedFen: number;
          refundedFen: number;
          wallet: string;
        }[] = [];
        let seq = 0;
        for (const op of ops) {
          const id = `m${run}-${seq++}-${wallets[0]}`;
          const at = new Date().toISOString();
          if (op.kind === 'topup' || op.kind === 'debit') {
            const wallet = wallets[op.wallet]!;
            const sign = op.kind === 'topup' ? 1 : -1;
            const other = op.kind === 'topup' ? SYSTEM.topupClearing : operatorPayable('bus-co');
            const spec: TransferSpec = {
              transferId: id,
              kind: op.kind === 'topup' ? 'topup' : 'fare',
              at,
              description: op.kind,
              ref: id,
              postings: [
                { accountId: wallet, amountFen: sign * op.amountFen },
                { accountId: other, amountFen: -sign * op.amountFen },
              ],
            };
            const floor = op.kind === 'debit' && op.transit ? -NEGATIVE_LIMIT_FEN : 0;
            const floors = { [wallet]: floor };
            const before = model.get(wallet)!;
            const allowed = sign > 0 || before - op.amountFen >= floor;
            const outcome = await postTransfer(store, spec, { floors }).then(
              () => 'ok',
              (e) => e.code,
            );
            expect(outcome).toBe(allowed ? 'ok' : 'INSUFFICIENT_FUNDS');
            if (allowed) {
              model.set(wallet, before + sign * op.amountFen);
              if (sign < 0) sent.push({ spec, floors, chargedFen: op.amountFen, refundedFen: 0, wallet });
            }
          } else if (op.kind === 'refund' && sent.length > 0) {
            const target = sent[op.target % sent.length]!;
            const allowed = target.refundedFen + op.amountFen <= target.chargedFen;
            const outcome = await postRefund(store, {
              transferId: id,
              kind: 'refund',
              at,
              description: 'refund',
              ref: target.spec.transferId,
              reverses: target.spec.transferId,
              postings: [
                { accountId: target.wallet, amountFen: op.amountFen },
                { accountId: operatorPayable('bus-co'), amountFen: -op.amountFen },
              ],
            }).then(
              () => 'ok',
              (e) => e.code,
            );
            expect(outcome).toBe(allowed ? 'ok' : 'REFUND_EXCEEDS_CHARGE');
            if (allowed) {
              target.refundedFen += op.amountFen;
              model.set(target.wallet, model.get(target.wallet)! + op.amountFen);
            }
          } else if (op.kind === 'retry' && sent.length > 0) {
            // A retry of an accepted transfer answers as the first time did and moves nothing.
            const target = sent[op.target % sent.length]!;
            await postTransfer(store, target.spec, target.floors ? { floors: target.floors } : {});
          }
          for (const wallet of wallets) {
            const read = await readWallet(store, wallet);
            expect(read?.balanceFen).toBe(model.get(wallet));
            expect(read?.balanceFen).toBeGreaterThanOrEqual(-NEGATIVE_LIMIT_FEN);
          }
          const report = await auditOf(store, new Date());
          expect(report.mismatches).toEqual([]);
          expect(report.sumFen).toBe(0);
        }
      }),
      { numRuns: 12, verbose: 1 },
    );
  }, 120_000);
});
