import { ok } from '../common/client';
import { field, h, show } from '../common/dom';
import { api, auth, businessDate, into, table } from './session';

/** Every operator write of a business day: who, what, when, why. */
export function auditView() {
  const day = field('day', '营业日 · Business day', { type: 'date', value: businessDate() });
  const out = h('div');
  const list = into(out, async () => {
    const page = await ok(
      api.GET('/v1/admin/audit', { params: { query: { businessDate: day.input.value } }, headers: auth() }),
    );
    return table(
      ['at', 'principal', 'method', 'path', 'status', 'reason'],
      page.items.map((a) => [a.at, a.principal, a.method, a.path, a.status, a.reason ?? '']),
    );
  });
  show(
    h('h2', {}, '操作日志 · Audit log'),
    ...day.nodes,
    h('button', { type: 'button', onclick: () => void list() }, '查看 · Show'),
    out,
  );
  void list();
}
