import createClient from 'openapi-fetch';
import type { paths } from '../../infra/client/api-types';
import { businessDate as businessDateAt } from '../../shared/time/shanghai';
import { h } from '../common/dom';
import { type CloudConfig, type OperatorCredentials, signedRequest } from './sigv4';

/**
 * The operator's session. Locally: the operator token, typed once and kept for the tab's life. In the
 * cloud (the deployment writes `config.json` beside the console: the API's host and region): the
 * operator's temporary credentials from the city's IAM Identity Center access portal, kept for the
 * tab's life, every admin request signed with SigV4 (sigv4.ts). Either way the typed client below is
 * the console's only way to the API.
 */
const TOKEN = 'onecard-operator-token';
const CREDENTIALS = 'onecard-operator-credentials';
let cloud: CloudConfig | null = null;

/** Reads the deployment's `config.json`: present in the cloud, absent (404) on the local stack. */
export async function loadMode() {
  const answer = await fetch(new URL('config.json', location.href));
  cloud = answer.ok ? ((await answer.json()) as CloudConfig) : null;
}
export const inCloud = () => cloud !== null;
const credentials = (): OperatorCredentials | null => {
  const kept = sessionStorage.getItem(CREDENTIALS);
  return kept ? (JSON.parse(kept) as OperatorCredentials) : null;
};
export const signedIn = () => (inCloud() ? credentials() !== null : Boolean(sessionStorage.getItem(TOKEN)));
export const signIn = (token: string) => sessionStorage.setItem(TOKEN, token);
export const signInWith = (keys: OperatorCredentials) => sessionStorage.setItem(CREDENTIALS, JSON.stringify(keys));
/** Locally the bearer token; in the cloud nothing here (the signature carries the operator). */
export const auth = (): Record<string, string> =>
  inCloud() ? {} : { authorization: `Bearer ${sessionStorage.getItem(TOKEN) ?? ''}` };

async function send(request: Request): Promise<Response> {
  const keys = credentials();
  return fetch(cloud && keys ? await signedRequest(request, keys, cloud) : request);
}
export const api = createClient<paths>({ baseUrl: location.origin, fetch: send });

/** A write's Idempotency-Key: a retry of the same click is not made here, so each click is its own. */
export const once = () => ({ header: { 'idempotency-key': crypto.randomUUID() } });

export const yuan = (fen: number) => (fen / 100).toFixed(2);
export const failure = (err: unknown) =>
  h('p', { class: 'error', role: 'alert' }, `出错 · Error: ${err instanceof Error ? err.message : String(err)}`);
/** The business day in progress (04:00 to 04:00 Asia/Shanghai). */
export const businessDate = () => businessDateAt(new Date());

/** A table with a header row: cells are text, never markup. */
export function table(head: string[], rows: (string | number)[][]) {
  return h(
    'table',
    {},
    h('tr', {}, ...head.map((c) => h('th', { scope: 'col' }, c))),
    ...rows.map((r) => h('tr', {}, ...r.map((c) => h('td', {}, String(c))))),
  );
}

/** A report the typed client fetched as a file (a plain link could not carry the operator's credentials), saved. */
export async function saveFile(fetched: Promise<{ data?: Blob; response: Response }>, filename: string) {
  const { data, response } = await fetched;
  if (!data || !response.ok) throw new Error(`${response.status}`);
  h('a', { href: URL.createObjectURL(data), download: filename }).click();
}

/** Runs an action, showing its result or its failure in `out`. */
export const into = (out: HTMLElement, act: () => Promise<Node | string>) => async () => {
  try {
    out.replaceChildren(await act());
  } catch (err) {
    out.replaceChildren(failure(err));
  }
};
