import { h } from '../common/dom';
import { api, auth, ok } from './api';
import { t } from './messages';

export type Card = Awaited<ReturnType<typeof loadCard>>;

export const failure = (err: unknown) =>
  h('p', { class: 'error', role: 'alert' }, t('error', { message: err instanceof Error ? err.message : String(err) }));
export const button = (label: string, onclick: () => void, kind = '') =>
  h('button', { type: 'button', class: kind, onclick }, label);
export const go = (hash: string) => {
  location.hash = hash;
};
export const back = () => button(t('back'), () => go('#/'), 'secondary');

export async function loadCard() {
  return ok(api.GET('/v1/me/card', { headers: auth() }));
}
