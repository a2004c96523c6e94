import { h } from '../common/dom';

/**
 * The operator's session: locally the operator token, typed once and kept for the tab's life; in
 * the cloud the admin API is IAM-authorised and the console signs with the temporary credentials of
 * the operator's sign-in (docs/operations.md).
 */
const TOKEN = 'onecard-operator-token';
export const signedIn = () => Boolean(sessionStorage.getItem(TOKEN));
export const signIn = (token: string) => sessionStorage.setItem(TOKEN, token);
export const auth = () => ({ authorization: `Bearer ${sessionStorage.getItem(TOKEN) ?? ''}` });
/** A write's Idempotency-Key: a retry of the same click is not made here, so each click is its own. */
export const once = () => ({ header: { 'idempotency-key': crypto.randomUUID() } });

export const yuan = (fen: number) => (fen / 100).toFixed(2);
export const failure = (err: unknown) =>
  h('p', { class: 'error', role: 'alert' }, `出错 · Error: ${err instanceof Error ? err.message : String(err)}`);
/** The business day in progress (04:00 to 04:00 Asia/Shanghai). */
export const businessDate = () => new Date(Date.now() + 4 * 3600_000).toISOString().slice(0, 10);

/** A table with a header row: cells are text, never markup. */
export function table(head: string[], rows: (string | number)[][]) {
  return h(
    'table',
    {},
    h('tr', {}, ...head.map((c) => h('th', { scope: 'col' }, c))),
    ...rows.map((r) => h('tr', {}, ...r.map((c) => h('td', {}, String(c))))),
  );
}

/** A report fetched with the operator's credentials (a plain link could not carry them), saved as a file. */
export async function download(path: string, filename: string) {
  const answer = await fetch(path, { headers: auth() });
  if (!answer.ok) throw new Error(`${answer.status}`);
  h('a', { href: URL.createObjectURL(await answer.blob()), download: filename }).click();
}

/** Runs an action, showing its result or its failure in `out`. */
export const into = (out: HTMLElement, act: () => Promise<Node | string>) => async () => {
  try {
    out.replaceChildren(await act());
  } catch (err) {
    out.replaceChildren(failure(err));
  }
};
