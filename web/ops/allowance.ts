import { shanghaiDate } from '../../shared/time/shanghai';
import { ok } from '../common/client';
import { field, h, show } from '../common/dom';
import { api, auth, failure, into, once, saveFile, table, yuan } from './session';

/** A month's senior living allowance: run it (or go on with it), read whom it paid and whom it skipped, and why. */
export function allowanceView() {
  const month = field('month', '月份 · Month (YYYY-MM)', {
    value: shanghaiDate(new Date()).slice(0, 7),
  });
  const out = h('div');
  const run = into(out, async () => {
    const done = await ok(
      api.POST('/v1/admin/allowance-runs', {
        body: { month: month.input.value.trim() },
        params: once(),
        headers: auth(),
      }),
    );
    const report = await ok(
      api.GET('/v1/admin/allowance-runs/{runId}/report', {
        params: { path: { runId: done.runId }, query: {} },
        headers: { ...auth(), 'accept-language': 'zh-CN' },
      }),
    );
    const csv = () =>
      saveFile(
        api.GET('/v1/admin/allowance-runs/{runId}/report.csv', {
          params: { path: { runId: done.runId } },
          headers: auth(),
          parseAs: 'blob',
        }),
        `allowance-${done.runId}.csv`,
      ).catch((err) => out.append(failure(err)));
    return h(
      'div',
      {},
      h(
        'p',
        { 'data-testid': 'allowance-run' },
        `${done.runId}: ${done.status}, ${done.paidCount} paid, ${yuan(done.paidFen)} yuan`,
      ),
      table(
        ['record', 'group', 'status', 'reason', 'yuan'],
        report.rows.map((r) => [r.recordId, r.group, r.status, r.reasonText ?? '', yuan(r.amountFen)]),
      ),
      h('button', { type: 'button', onclick: () => void csv() }, '下载 CSV · Download CSV'),
    );
  });
  show(
    h('h2', {}, '高龄津贴 · Senior allowance'),
    ...month.nodes,
    h('button', { type: 'button', onclick: () => void run() }, '发放 · Run'),
    out,
  );
}
