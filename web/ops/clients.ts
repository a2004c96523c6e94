import type { paths } from '../../infra/client/api-types';
import { ok } from '../common/client';
import { field, h, show } from '../common/dom';
import { api, auth, into } from './session';

type Registration = paths['/v1/admin/clients']['post']['requestBody']['content']['application/json'];

/** Terminals, POS, gates, counters, billers and agencies: register one, look it up, disable it, give it a new key. */
export function clientsView() {
  const body = field('registration', '登记 · Registration (JSON: kind, name, publicKeyJwk, scope)');
  const clientId = field('clientId', '客户端 · Client id');
  const jwk = field('jwk', '新公钥 · New public key (JWK JSON)');
  const out = h('div');
  const pre = (value: unknown) => h('pre', {}, JSON.stringify(value, null, 2));
  const path = () => ({ clientId: clientId.input.value.trim() });
  const register = into(out, async () =>
    pre(
      await ok(api.POST('/v1/admin/clients', { body: JSON.parse(body.input.value) as Registration, headers: auth() })),
    ),
  );
  const look = into(out, async () =>
    pre(await ok(api.GET('/v1/admin/clients/{clientId}', { params: { path: path() }, headers: auth() }))),
  );
  const disable = into(out, async () =>
    pre(await ok(api.POST('/v1/admin/clients/{clientId}/disable', { params: { path: path() }, headers: auth() }))),
  );
  const rekey = into(out, async () =>
    pre(
      await ok(
        api.POST('/v1/admin/clients/{clientId}/keys', {
          params: { path: path() },
          body: { publicKeyJwk: JSON.parse(jwk.input.value) },
          headers: auth(),
        }),
      ),
    ),
  );
  const button = (label: string, onclick: () => Promise<void>) =>
    h('button', { type: 'button', onclick: () => void onclick() }, label);
  show(
    h('h2', {}, '终端与客户端 · Clients'),
    ...body.nodes,
    button('登记 · Register', register),
    ...clientId.nodes,
    button('查询 · Look up', look),
    button('停用 · Disable', disable),
    ...jwk.nodes,
    button('换钥 · Re-key', rekey),
    out,
  );
}
