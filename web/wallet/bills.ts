import { field, h, show } from '../common/dom';
import { api, auth, ok } from './api';
import { t, yuan } from './messages';
import { back, button, failure } from './ui';

/** Utility bills: look up an account's open bills and pay one from the card. */
export function billsView() {
  const biller = field('billerId', t('biller'), { value: 'water' });
  const account = field('accountNo', t('accountNo'));
  const out = h('div');
  const pay = (billId: string, amountFen: number) => async () => {
    try {
      const paid = await ok(
        api.POST('/v1/me/bill-payments', {
          body: { billId, amountFen },
          params: { header: { 'idempotency-key': crypto.randomUUID() } },
          headers: auth(),
        }),
      );
      out.replaceChildren(h('p', { role: 'status' }, t('billPaid', { receipt: paid.receiptNo })));
    } catch (err) {
      out.replaceChildren(failure(err));
    }
  };
  const look = async () => {
    try {
      const query = { billerId: biller.input.value.trim(), accountNo: account.input.value.trim() };
      const page = await ok(api.GET('/v1/me/bills', { params: { query }, headers: auth() }));
      const items = page.items.map((b) =>
        h(
          'li',
          {},
          h(
            'div',
            { class: 'row' },
            h('span', {}, `${b.period} · ${b.dueDate}`),
            h('strong', {}, yuan(b.amountDueFen)),
          ),
          button(t('payBill'), () => void pay(b.billId, b.amountDueFen)()),
        ),
      );
      out.replaceChildren(items.length ? h('ul', { class: 'list' }, ...items) : h('p', {}, t('nothing')));
    } catch (err) {
      out.replaceChildren(failure(err));
    }
  };
  show(
    h('h2', {}, t('bills')),
    ...biller.nodes,
    ...account.nodes,
    button(t('lookUp'), () => void look()),
    out,
    back(),
  );
}
