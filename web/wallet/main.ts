import { renderSVG } from 'uqr';
import { field, h, show } from '../common/dom';
import { api, auth, ok, session } from './api';
import { type DeviceKey, loadDevice, newDevice, proofFor, publicJwk, saveDevice } from './device';
import { language, setLanguage, t, yuan } from './messages';

type Card = Awaited<ReturnType<typeof loadCard>>;
/** Where a top-up is paid: the provider's page (the local stack's stand-in by default). */
const PROVIDER_PAGE = '/dev/provider';
/** A proof lives 30 s: the code is made again well before. */
const QR_REFRESH_MS = 15_000;
let stopQr = () => {};

const failure = (err: unknown) =>
  h('p', { class: 'error', role: 'alert' }, t('error', { message: err instanceof Error ? err.message : String(err) }));
const button = (label: string, onclick: () => void, kind = '') =>
  h('button', { type: 'button', class: kind, onclick }, label);
const go = (hash: string) => {
  location.hash = hash;
};
const back = () => button(t('back'), () => go('#/'), 'secondary');

async function loadCard() {
  return ok(api.GET('/v1/me/card', { headers: auth() }));
}

async function route() {
  stopQr();
  document.getElementById('title')!.textContent = t('title');
  document.getElementById('language')!.textContent = t('switchTo');
  if (!session.token()) return loginView();
  const answer = await api.GET('/v1/me/card', { headers: auth() });
  if (answer.response.status === 401) {
    session.end();
    return loginView();
  }
  if (answer.response.status === 404) return openCardView();
  const card = await ok(Promise.resolve(answer));
  const views: Record<string, () => Promise<void> | void> = {
    '#/topup': topupView,
    '#/code': () => codeView(card),
    '#/statement': statementView,
    '#/journeys': journeysView,
  };
  return (views[location.hash] ?? (() => homeView(card)))();
}

function loginView() {
  const phone = field('phone', t('phone'), { type: 'tel', inputmode: 'numeric', autocomplete: 'tel' });
  const code = field('code', t('code'), { inputmode: 'numeric', autocomplete: 'one-time-code' });
  const note = h('p', { class: 'muted', 'data-testid': 'otp-note' });
  const error = h('div');
  const send = async () => {
    error.replaceChildren();
    try {
      const sent = await ok(api.POST('/v1/auth/otp', { body: { phone: phone.input.value.trim() } }));
      note.textContent = sent.devCode ? t('devCode', { code: sent.devCode }) : t('codeSent');
    } catch (err) {
      error.replaceChildren(failure(err));
    }
  };
  const signIn = async () => {
    try {
      const body = { phone: phone.input.value.trim(), code: code.input.value.trim() };
      session.keep((await ok(api.POST('/v1/auth/token', { body }))).accessToken);
      await route();
    } catch (err) {
      error.replaceChildren(failure(err));
    }
  };
  show(
    h('h2', {}, t('signIn')),
    ...phone.nodes,
    button(t('sendCode'), send),
    note,
    ...code.nodes,
    button(t('signIn'), signIn),
    error,
  );
}

function openCardView() {
  const name = field('name', t('name'), { autocomplete: 'name' });
  const idNumber = field('idNumber', t('idNumber'), { maxlength: '18' });
  const birthDate = field('birthDate', t('birthDate'), { type: 'date' });
  const error = h('div');
  const open = async () => {
    try {
      const body = {
        name: name.input.value.trim(),
        idNumber: idNumber.input.value.trim(),
        birthDate: birthDate.input.value,
      };
      await ok(api.POST('/v1/me/card', { body, headers: auth() }));
      await route();
    } catch (err) {
      error.replaceChildren(failure(err));
    }
  };
  show(
    h('h2', {}, t('openCard')),
    ...name.nodes,
    ...idNumber.nodes,
    ...birthDate.nodes,
    button(t('open'), open),
    error,
  );
}

async function homeView(card: Card) {
  const points = await ok(api.GET('/v1/me/points', { headers: auth() }));
  const month = card.rideMonth;
  const error = h('div');
  const freeze = async () => {
    try {
      await ok(api.POST('/v1/me/card/freeze', { headers: auth() }));
      await route();
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
      card.status === 'active' && button(t('freeze'), freeze, 'secondary'),
      button(
        t('signOut'),
        () => {
          session.end();
          void route();
        },
        'secondary',
      ),
    ),
    error,
  );
}

function topupView() {
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

/** The phone's registered key and a credential that lives at least another minute. */
async function readyDevice(): Promise<DeviceKey & { deviceId: string; credential: string }> {
  const device = (await loadDevice()) ?? (await newDevice());
  if (!device.deviceId) {
    const body = { publicKeyJwk: await publicJwk(device), name: navigator.userAgent.slice(0, 60) || 'browser' };
    device.deviceId = (await ok(api.POST('/v1/me/devices', { body, headers: auth() }))).deviceId;
  }
  const exp = device.credential
    ? JSON.parse(atob(device.credential.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))).exp
    : 0;
  if (exp * 1000 < Date.now() + 60_000) {
    const body = { deviceId: device.deviceId };
    device.credential = (await ok(api.POST('/v1/me/credentials', { body, headers: auth() }))).credential;
  }
  await saveDevice(device);
  return { ...device, deviceId: device.deviceId, credential: device.credential! };
}

async function codeView(card: Card) {
  show(h('p', { class: 'muted' }, t('registering')));
  const device = await readyDevice();
  const terminal = field('terminalId', t('terminalId'), { autocomplete: 'off' });
  const challenge = field('challenge', t('challenge'), { value: 'qr', autocomplete: 'off' });
  const picture = h('div', { class: 'qr', role: 'img', 'aria-label': t('showCode') });
  const content = h('pre', { class: 'code', 'data-testid': 'qr-content' });
  const draw = async () => {
    const shown = {
      credential: device.credential,
      proof: await proofFor(
        device,
        device.credential,
        terminal.input.value.trim(),
        challenge.input.value.trim() || 'qr',
      ),
      challenge: challenge.input.value.trim() || 'qr',
    };
    content.textContent = JSON.stringify(shown);
    // An SVG this page drew itself from the code's text: no outside markup goes in.
    picture.innerHTML = renderSVG(content.textContent, { border: 2 });
  };
  terminal.input.addEventListener('change', () => void draw());
  challenge.input.addEventListener('change', () => void draw());
  await draw();
  const timer = setInterval(() => void draw(), QR_REFRESH_MS);
  stopQr = () => clearInterval(timer);
  show(
    h('h2', {}, t('showCode')),
    card.status !== 'active' && h('p', { class: 'error' }, card.status === 'frozen' ? t('frozen') : t('closed')),
    ...terminal.nodes,
    ...challenge.nodes,
    picture,
    h('p', { class: 'muted' }, t('qrHint')),
    content,
    back(),
  );
}

async function statementView() {
  const page = await ok(api.GET('/v1/me/statement', { headers: auth() }));
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
    items.length ? h('ul', { class: 'list' }, ...items) : h('p', {}, t('nothing')),
    back(),
  );
}

async function journeysView() {
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

document.getElementById('language')!.addEventListener('click', () => {
  setLanguage(language() === 'zh-CN' ? 'en' : 'zh-CN');
  void route();
});
window.addEventListener('hashchange', () => void route().catch(showFailure));
const showFailure = (err: unknown) => show(failure(err), back());
document.documentElement.lang = language();
void route().catch(showFailure);
