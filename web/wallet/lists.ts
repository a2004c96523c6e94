import { h, show } from '../common/dom';
import { api, auth, ok } from './api';
import { language, t, yuan } from './messages';
import { checkReceipts } from './receipts';
import { back } from './ui';
/** Every movement of the card, newest first. */
export async function statementView() {
  const [page, card] = await Promise.all([
    ok(api.GET('/v1/me/statement', { headers: auth() })),
    ok(api.GET('/v1/me/card', { headers: auth() })),
  ]);
  const checked = await checkReceipts(card.cardId, page);
  const items = page.items.map((e) =>
    h(
      'li',
      {},
      h('div', { class: 'row' }, h('span', {}, e.description), h('strong', {}, yuan(e.amountFen))),
      h(
        'div',
        { class: 'muted' },
        `${new Date(e.at).toLocaleString(language())} · ${t('balance')} ${yuan(e.balanceAfterFen)}`,
      ),
    ),
  );
  show(
    h('h2', {}, t('statement')),
    h('p', { 'data-testid': 'receipts', class: checked.ok ? 'muted' : 'error', role: 'status' }, checked.text),
    items.length ? h('ul', { class: 'list' }, ...items) : h('p', {}, t('nothing')),
    back(),
  );
}

/** The rides, each with how its fare was set. */
export async function journeysView() {
  const page = await ok(api.GET('/v1/me/journeys', { headers: auth() }));
  const items = page.items.map((j) =>
    h(
      'li',
      { 'data-testid': 'journey' },
      h(
        'div',
        { class: 'row' },
        h('span', {}, `${j.routeId} · ${new Date(j.startedAt).toLocaleString(language())}`),
        h('strong', {}, yuan(j.fareFen)),
      ),
      h('div', { class: 'muted' }, `${t('fareRules')}: ${j.explanation.map((r) => r.text).join('; ')}`),
    ),
  );
  show(
    h('h2', {}, t('journeys')),
    items.length ? h('ul', { class: 'list' }, ...items) : h('p', {}, t('nothing')),
    back(),
  );
}

/** The card's alliance points: balance, what lapses when, and their history. */
export async function pointsView() {
  const points = await ok(api.GET('/v1/me/points', { headers: auth() }));
  const lots = points.lots.map((l) =>
    h('li', {}, t('lot', { points: l.points, month: l.earnedMonth, lapsesOn: l.lapsesOn })),
  );
  const history = points.items.map((e) =>
    h('li', {}, h('div', { class: 'row' }, h('span', {}, e.description), h('strong', {}, String(e.amountFen)))),
  );
  show(
    h('h2', {}, t('pointsTitle')),
    h('p', { class: 'balance' }, String(points.balance)),
    lots.length ? h('ul', { class: 'list' }, ...lots) : h('p', {}, t('nothing')),
    history.length > 0 && h('ul', { class: 'list' }, ...history),
    back(),
  );
}

/** The alliance's offers running now, with what is left of them today. */
export async function offersView() {
  const page = await ok(api.GET('/v1/me/offers', { headers: auth() }));
  const items = page.items.map((o) =>
    h(
      'li',
      {},
      h('strong', {}, o.name),
      h('div', { class: 'muted' }, t('offer', { left: o.usesLeftToday, min: yuan(o.minPurchaseFen) })),
    ),
  );
  show(
    h('h2', {}, t('offers')),
    items.length ? h('ul', { class: 'list' }, ...items) : h('p', {}, t('nothing')),
    back(),
  );
}

/** Parks, libraries and bicycles: each visit and what it cost. */
export async function visitsView() {
  const page = await ok(api.GET('/v1/me/visits', { headers: auth() }));
  const items = page.items.map((v) =>
    h(
      'li',
      {},
      h(
        'div',
        { class: 'row' },
        h('span', {}, `${v.facilityId} · ${new Date(v.at).toLocaleString(language())}`),
        h('strong', {}, yuan(v.feeFen)),
      ),
    ),
  );
  show(
    h('h2', {}, t('visits')),
    items.length ? h('ul', { class: 'list' }, ...items) : h('p', {}, t('nothing')),
    back(),
  );
}
