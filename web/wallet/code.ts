import { renderSVG } from 'uqr';
import { currentFareDays } from '../../shared/time/shanghai';
import { field, h, show } from '../common/dom';
import { api, auth, ok } from './api';
import {
  type DeviceKey,
  loadDayCredential,
  loadDevice,
  newDayKeys,
  newDevice,
  proofFor,
  publicJwk,
  saveDayCredential,
  saveDevice,
} from './device';
import { t } from './messages';
import { back, type Card } from './ui';

/** A proof lives 30 s: the code is made again well before. */
const QR_REFRESH_MS = 15_000;
/** Stops the code's redrawing when the citizen leaves it. */
export let stopCode = () => {};

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

/**
 * The unlinkable credential for an operator (a terminal shows its scope), today's fare day: fetched
 * with a key made for it alone, kept until it has less than a minute left.
 */
async function dayCredentialFor(scope: string, deviceId: string) {
  const kept = await loadDayCredential(scope);
  if (kept && Date.parse(kept.expiresAt) > Date.now() + 60_000) return kept;
  const keys = await newDayKeys();
  // The seed city's fare day starts at 04:00 in Shanghai; another hour answers FARE_DAY_OUT_OF_RANGE.
  const [fareDay] = currentFareDays(new Date(), 4);
  const body = { deviceId, fareDay, keys: [{ scope, publicKeyJwk: await publicJwk({ keys }) }] };
  const issued = await ok(api.POST('/v1/me/pseudonymous-credentials', { body, headers: auth() }));
  const day = { keys, credential: issued.credentials[0]?.credential ?? '', expiresAt: issued.expiresAt };
  await saveDayCredential(scope, day);
  return day;
}

/** The ride code: the credential and a fresh proof for the terminal's id and challenge, redrawn every 15 s. */
export async function codeView(card: Card) {
  show(h('p', { class: 'muted' }, t('registering')));
  const device = await readyDevice();
  const terminal = field('terminalId', t('terminalId'), { autocomplete: 'off' });
  const challenge = field('challenge', t('challenge'), { value: 'qr', autocomplete: 'off' });
  const scope = field('scope', t('scope'), { autocomplete: 'off' });
  const picture = h('div', { class: 'qr', role: 'img', 'aria-label': t('showCode') });
  const content = h('pre', { class: 'code', 'data-testid': 'qr-content' });
  const draw = async () => {
    // A terminal that shows its operator takes the unlinkable credential: the phone presents that one.
    const operator = scope.input.value.trim();
    const held = operator ? await dayCredentialFor(operator, device.deviceId) : device;
    const shown = {
      credential: held.credential,
      proof: await proofFor(held, held.credential, terminal.input.value.trim(), challenge.input.value.trim() || 'qr'),
      challenge: challenge.input.value.trim() || 'qr',
    };
    content.textContent = JSON.stringify(shown);
    // An SVG this page drew itself from the code's text: no outside markup goes in.
    picture.innerHTML = renderSVG(content.textContent, { border: 2 });
  };
  terminal.input.addEventListener('change', () => void draw());
  challenge.input.addEventListener('change', () => void draw());
  scope.input.addEventListener('change', () => void draw());
  await draw();
  const timer = setInterval(() => void draw(), QR_REFRESH_MS);
  stopCode = () => clearInterval(timer);
  show(
    h('h2', {}, t('showCode')),
    card.status !== 'active' && h('p', { class: 'error' }, card.status === 'frozen' ? t('frozen') : t('closed')),
    ...terminal.nodes,
    ...challenge.nodes,
    ...scope.nodes,
    picture,
    h('p', { class: 'muted' }, t('qrHint')),
    content,
    back(),
  );
}
