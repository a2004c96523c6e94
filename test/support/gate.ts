import { randomUUID } from 'node:crypto';
import type { Hono } from 'hono';
import { adminAuth, jsonRequest } from './citizen';
import { body } from './http';
import { assertionFor, newKey, proofFor, seconds, type TestKey } from './jose-kit';
import type { Rider } from './rider';

type App = Pick<Hono, 'request'>;
export type Machine = { clientId: string; key: TestKey };

/** A facility gate or a service outlet, registered by the operator with its scope. */
export async function registerMachine(app: App, kind: string, scope: Record<string, unknown>): Promise<Machine> {
  const key = await newKey();
  const res = await app.request(
    '/v1/admin/clients',
    jsonRequest(
      'POST',
      { kind, name: `${kind} ${JSON.stringify(scope)}`, publicKeyJwk: key.publicJwk, scope },
      adminAuth,
    ),
  );
  const registered = await body(res);
  if (res.status !== 201) throw new Error(`register ${kind}: ${res.status} ${JSON.stringify(registered)}`);
  return { key, clientId: registered.clientId };
}

/** The phone's presentation to a machine client: credential, proof and the challenge it answers. */
export async function presentation(r: Pick<Rider, 'device' | 'credential'>, machine: Machine, at = new Date()) {
  const challenge = randomUUID();
  const proof = await proofFor(r.device, r.credential, { chl: challenge, tid: machine.clientId, iat: seconds(at) });
  return { challenge, credential: r.credential, proof };
}

export async function visitBody(
  r: Pick<Rider, 'device' | 'credential'>,
  gate: Machine,
  visit: { facilityId: string; kind: 'enter' | 'start' | 'end'; at?: Date; visitId?: string },
) {
  const at = visit.at ?? new Date();
  return {
    visitId: visit.visitId ?? randomUUID(),
    facilityId: visit.facilityId,
    kind: visit.kind,
    at: at.toISOString(),
    ...(await presentation(r, gate, at)),
  };
}

/** A machine client's request with a fresh assertion. */
export async function asMachine(
  app: App,
  machine: Machine,
  method: string,
  path: string,
  payload?: unknown,
  now = new Date(),
) {
  const auth = { authorization: `Bearer ${await assertionFor(machine.clientId, machine.key, now)}` };
  const res = await app.request(
    path,
    payload === undefined ? { method, headers: auth } : jsonRequest(method, payload, auth),
  );
  return { status: res.status, json: await body(res) };
}
