import { ok } from '../common/client';
import { field, h, show } from '../common/dom';
import { api, auth, into, once } from './session';

const pre = (value: unknown) => h('pre', { 'data-testid': 'card' }, JSON.stringify(value, null, 2));

/**
 * A card as the hotline sees it, and what an operator does to it, each with a reason kept in the
 * audit log: freeze and unfreeze, an in-person identity verification, a reversal of a transfer.
 */
export function cardView() {
  const cardId = field('cardId', '卡号 · Card id');
  const reason = field('reason', '原因 · Reason (kept in the audit log)');
  const transfer = field('transferId', '交易号 · Transfer to reverse (e.g. tap:…, purchase:…)');
  const out = h('div');
  const path = () => ({ cardId: cardId.input.value.trim() });
  const look = into(out, async () =>
    pre((await ok(api.GET('/v1/admin/cards/{cardId}', { params: { path: path() }, headers: auth() }))).card),
  );
  const act = (what: 'freeze' | 'unfreeze') =>
    into(out, async () => {
      const route = what === 'freeze' ? '/v1/admin/cards/{cardId}/freeze' : '/v1/admin/cards/{cardId}/unfreeze';
      return pre(
        await ok(
          api.POST(route, { params: { path: path() }, body: { reason: reason.input.value.trim() }, headers: auth() }),
        ),
      );
    });
  const verify = into(out, async () =>
    pre(
      await ok(
        api.POST('/v1/admin/cards/{cardId}/identity-verification', {
          params: { path: path() },
          body: { reference: reason.input.value.trim() },
          headers: auth(),
        }),
      ),
    ),
  );
  const reverse = into(out, async () =>
    pre(
      await ok(
        api.POST('/v1/admin/transfers/{transferId}/reversals', {
          params: { path: { transferId: transfer.input.value.trim() }, ...once() },
          body: { reason: reason.input.value.trim() },
          headers: auth(),
        }),
      ),
    ),
  );
  const button = (label: string, onclick: () => Promise<void>) =>
    h('button', { type: 'button', onclick: () => void onclick() }, label);
  show(
    h('h2', {}, '卡片 · Cards'),
    ...cardId.nodes,
    button('查询 · Look up', look),
    ...reason.nodes,
    button('冻结 · Freeze', act('freeze')),
    button('解冻 · Unfreeze', act('unfreeze')),
    button('核验身份 · Verify identity', verify),
    ...transfer.nodes,
    button('冲正 · Reverse', reverse),
    out,
  );
}
