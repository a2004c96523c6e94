import { ok } from '../common/client';
import { field, h, show } from '../common/dom';
import { api, auth, failure, into, once, saveFile, table, yuan } from './session';

/** A settlement run up to a cutoff: its lines, and its CSV. */
export function settlementView() {
  const cutoff = field('cutoff', '截止时间 · Cutoff (ISO)', { value: new Date().toISOString() });
  const out = h('div');
  const settle = into(out, async () => {
    const run = await ok(
      api.POST('/v1/admin/settlement-runs', {
        body: { cutoff: cutoff.input.value.trim() },
        params: once(),
        headers: auth(),
      }),
    );
    const csv = () =>
      saveFile(
        api.GET('/v1/admin/settlement-runs/{runId}/report.csv', {
          params: { path: { runId: run.runId } },
          headers: auth(),
          parseAs: 'blob',
        }),
        `settlement-${run.runId}.csv`,
      ).catch((err) => out.append(failure(err)));
    const rows = run.lines.map((l) => [
      `${l.payeeKind} ${l.payeeId}`,
      yuan(l.salesFen),
      yuan(l.refundsFen),
      yuan(l.pointsFundedFen),
      yuan(l.feeFen),
      yuan(l.payoutFen),
      yuan(l.carriedFen),
    ]);
    return h(
      'div',
      {},
      h('p', { 'data-testid': 'run' }, `${run.runId}: ${run.lines.length} payees, ${yuan(run.payoutFen)} yuan`),
      table(['payee', 'sales', 'refunds', 'points funded', 'fee', 'payout', 'carried'], rows),
      h('button', { type: 'button', onclick: () => void csv() }, '下载 CSV · Download CSV'),
    );
  });
  show(
    h('h2', {}, '结算 · Settlement'),
    ...cutoff.nodes,
    h('button', { type: 'button', onclick: () => void settle() }, '结算 · Settle'),
    out,
  );
}
