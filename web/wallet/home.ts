import { field, h, show } from '../common/dom';
import { api, auth, ok, session } from './api';
import { t, yuan } from './messages';
import { back, button, type Card, failure, go } from './ui';

/** Where a top-up is paid: the provider's page (the local stack's stand-in by default). */
const PROVIDER_PAGE = '/dev/provider';

/** The card at a glance: balance, the month's rides, points, and where to go. */
export async function homeView(card: Card, refresh: () => Promise<void>) {
  const points = await ok(api.GET('/v1/me/points', { headers: auth() }));
  const month = card.rideMonth;
  const error = h('div');
  const freeze = async () => {
    try {
      await ok(api.POST('/v1/me/card/freeze', { headers: auth() }));
      await refresh();
    } catch (err) {
      error.replaceChildren(failure(err));
    }
  };
  show(
    h('p', { class: 'muted' }, `${t('balance')} · ${t(`status.${card.status}`)}`),
    h('p', { class: 'balance', 'data-testid': 'balance' }, t('yuan', { yuan: yuan(card.balanceFen) })),
    card.heldFen > 0 && h('p', { class: 'muted' }, t('held', { yuan: yuan(card.heldFen) })),
    h('p', {}, t('points', { points: points.balance })),
    month && h('p', {}, t('rideMonth', { yuan: yuan(month.paidFen), percent: month.percent })),
    h(
      'nav',
      { class: 'tabs', 'aria-label': t('title') },
      button(t('showCode'), () => go('#/code')),
      button(t('topUp'), () => go('#/topup')),
      button(t('statement'), () => go('#/statement'), 'secondary'),
      button(t('journeys'), () => go('#/journeys'), 'secondary'),
      button(t('bills'), () => go('#/bills'), 'secondary'),
      button(t('pointsTitle'), () => go('#/points'), 'secondary'),
      button(t('offers'), () => go('#/offers'), 'secondary'),
      button(t('visits'), () => go('#/visits'), 'secondary'),
      card.status === 'active' && button(t('freeze'), freeze, 'secondary'),
      button(
        t('signOut'),
        () => {
          session.end();
          void refresh();
        },
        'secondary',
      ),
    ),
    error,
  );
}

/** A top-up: opened here, paid on the provider's page, which brings the citizen back. */
export function topupView() {
  const amount = field('amount', t('amountYuan'), { type: 'number', min: '1', max: '5000', step: '1', value: '50' });
  const error = h('div');
  const pay = async () => {
    try {
      const amountFen = Math.round(Number(amount.input.value) * 100);
      const topup = await ok(
        api.POST('/v1/me/topups', {
          body: { amountFen },
          params: { header: { 'idempotency-key': crypto.randomUUID() } },
          headers: auth(),
        }),
      );
      const back = `${location.pathname}#/`;
      location.assign(
        `${PROVIDER_PAGE}?topupId=${encodeURIComponent(topup.topupId)}&amountFen=${amountFen}&return=${encodeURIComponent(back)}`,
      );
    } catch (err) {
      error.replaceChildren(failure(err));
    }
  };
  show(h('h2', {}, t('topUp')), ...amount.nodes, button(t('pay'), pay), back(), error);
}
