import { field, h, show } from '../common/dom';
import { api, auth, ok, session } from './api';
import { t } from './messages';
import { button, failure } from './ui';

/** Sign in by SMS code (the local stage answers the code in the page). */
export function loginView(done: () => Promise<void>) {
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
      await done();
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

/** Open the card: name, resident id number, birth date. */
export function openCardView(done: () => Promise<void>) {
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
      await done();
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
