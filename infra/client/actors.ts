/**
 * The people and machines of the city, played through the typed client: a citizen's phone, a
 * machine client registered by the operator, the payment provider. The demo and the simulator are
 * made of these steps.
 */
import { randomUUID } from 'node:crypto';
import type { operations } from './api-types';
import { bearer, type OneCardClient, ok } from './client';
import { type KeyPairJwk, machineAssertion, newKeyPair, webhookSignature } from './signing';

export type MachineRegistration = operations['registerClient']['requestBody']['content']['application/json'];
export type MachineKind = MachineRegistration['kind'];

/** A registered machine client and its key: everything a terminal keeps. */
export interface Machine {
  clientId: string;
  kind: MachineKind;
  keys: KeyPairJwk;
}

/** A new idempotency key: a retry of the same step would send the same one. */
export const once = () => ({ 'idempotency-key': randomUUID() });

/** The operator registers a validator, POS, gate, counter, biller or agency with a fresh key. */
export async function registerMachine(
  api: OneCardClient,
  adminToken: string,
  registration: Omit<MachineRegistration, 'publicKeyJwk'>,
): Promise<Machine> {
  const keys = await newKeyPair();
  const body = { ...registration, publicKeyJwk: keys.publicJwk } as MachineRegistration;
  const { clientId } = await ok(api.POST('/v1/admin/clients', { body, headers: bearer(adminToken) }));
  return { clientId, kind: registration.kind, keys };
}

/** The machine's bearer header for one request (assertions are single-use). */
export async function machineHeaders(machine: Pick<Machine, 'clientId' | 'keys'>) {
  return bearer(await machineAssertion(machine.clientId, machine.keys));
}

/**
 * A citizen signs in with the SMS code. On the local stack the answer carries the code (`devCode`);
 * elsewhere the caller passes the code the phone received.
 */
export async function signIn(api: OneCardClient, phone: string, code?: string): Promise<string> {
  const sent = await ok(api.POST('/v1/auth/otp', { body: { phone } }));
  const otp = code ?? sent.devCode;
  if (!otp) throw new Error('this stack sends the code by SMS: pass the code the phone received');
  const { accessToken } = await ok(api.POST('/v1/auth/token', { body: { phone, code: otp } }));
  return accessToken;
}

/** A phone registers its own key and receives a credential bound to it. */
export async function registerPhone(api: OneCardClient, accessToken: string, name = 'phone') {
  const keys = await newKeyPair();
  const { deviceId } = await ok(
    api.POST('/v1/me/devices', { body: { publicKeyJwk: keys.publicJwk, name }, headers: bearer(accessToken) }),
  );
  const { credential } = await ok(api.POST('/v1/me/credentials', { body: { deviceId }, headers: bearer(accessToken) }));
  return { deviceId, keys, credential };
}

/** The citizen starts a top-up and the payment provider confirms it through the signed webhook. */
export async function topUp(api: OneCardClient, accessToken: string, amountFen: number, webhookSecret: string) {
  const { topupId } = await ok(
    api.POST('/v1/me/topups', { body: { amountFen }, params: { header: once() }, headers: bearer(accessToken) }),
  );
  const event = JSON.stringify({ topupId, status: 'succeeded', amountFen, providerRef: `sim-${topupId}` });
  await ok(
    api.POST('/v1/webhooks/topups', {
      body: JSON.parse(event),
      // The signature covers the exact bytes sent.
      bodySerializer: () => event,
      params: { header: { 'onecard-signature': webhookSignature(webhookSecret, event) } },
    }),
  );
  return topupId;
}

/** The payment provider's word on a refund of a closed card's balance, signed as its top-up events are. */
export async function settleRefund(
  api: OneCardClient,
  refund: { refundId: string; amountFen: number; status: 'succeeded' | 'failed' },
  webhookSecret: string,
) {
  const event = JSON.stringify({ ...refund, providerRef: `sim-${refund.refundId}` });
  return ok(
    api.POST('/v1/webhooks/refunds', {
      body: JSON.parse(event),
      bodySerializer: () => event,
      params: { header: { 'onecard-signature': webhookSignature(webhookSecret, event) } },
    }),
  );
}
