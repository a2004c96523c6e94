import { shanghaiDate } from '../../shared/time/shanghai';
import { ok } from '../common/client';
import { field, h, show } from '../common/dom';
import { api, auth, into } from './session';

type Decision = 'approve' | 'refuse';

/**
 * The month's journey fixes past their holders' two: the exit each holder named, and an operator's
 * decision on each with a reason (approving gives the difference back once, refusing moves nothing).
 */
export function fixesView() {
  const month = field('month', '月份 · Month (YYYY-MM)', { value: shanghaiDate(new Date()).slice(0, 7) });
  const reason = field('reason', '原因 · Reason (kept in the audit log)');
  const out = h('div');
  const decide = (journeyId: string, decision: Decision) =>
    into(out, async () => {
      await ok(
        api.POST('/v1/admin/journey-fixes/{journeyId}/decision', {
          params: { path: { journeyId } },
          body: { month: month.input.value.trim(), decision, reason: reason.input.value.trim() },
          headers: auth(),
        }),
      );
      return listing();
    })();
  const listing = async () => {
    const page = await ok(
      api.GET('/v1/admin/journey-fixes', { params: { query: { month: month.input.value.trim() } }, headers: auth() }),
    );
    if (page.items.length === 0) return h('p', {}, '没有待处理的行程 · No fixes queued this month');
    return h(
      'table',
      { 'data-testid': 'fixes' },
      h('tr', {}, ...['journey', 'card', 'exit', 'status', ''].map((c) => h('th', { scope: 'col' }, c))),
      ...page.items.map((f) =>
        h(
          'tr',
          {},
          h('td', {}, f.journeyId),
          h('td', {}, f.cardId),
          h('td', {}, f.stopId),
          h('td', {}, f.status === 'approved' ? `approved (${f.fareFen ?? 0} fen)` : f.status),
          h(
            'td',
            {},
            ...(f.status === 'queued'
              ? [
                  h('button', { type: 'button', onclick: () => void decide(f.journeyId, 'approve') }, '批准 · Approve'),
                  h('button', { type: 'button', onclick: () => void decide(f.journeyId, 'refuse') }, '拒绝 · Refuse'),
                ]
              : [f.reason ?? '']),
          ),
        ),
      ),
    );
  };
  show(
    h('h2', {}, '行程补录 · Journey fixes'),
    ...month.nodes,
    ...reason.nodes,
    h('button', { type: 'button', onclick: () => void into(out, listing)() }, '查询 · List'),
    out,
  );
}
