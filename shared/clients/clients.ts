import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { JWK } from 'jose';
import type { Program } from '../eligibility/model';
import { ForbiddenError, NotFoundError } from '../errors';
import { isConditionFailed } from '../store/conditions';
import { clientKey } from '../store/keys';
import { setExpression } from '../store/set-expression';
import type { Store } from '../store/store';
import { listScopeMembers, scopeTargets } from './scope-members';

export const CLIENT_KINDS = [
  'transit-terminal',
  'merchant-pos',
  'biller',
  'facility-gate',
  'service-outlet',
  'agency',
] as const;
export type ClientKind = (typeof CLIENT_KINDS)[number];

/** What each kind of client may act on: its scope's shape follows from its kind. */
export type MachineIdentity =
  | { kind: 'transit-terminal'; scope: { routeIds: string[] } }
  | { kind: 'merchant-pos'; scope: { merchantId: string } }
  | { kind: 'biller'; scope: { billerId: string } }
  | { kind: 'facility-gate'; scope: { facilityId: string } }
  | { kind: 'service-outlet'; scope: { outletId: string } }
  | { kind: 'agency'; scope: { programs: Program[] } };
export type ScopeOf<K extends ClientKind> = Extract<MachineIdentity, { kind: K }>['scope'];
export type ClientScope = MachineIdentity['scope'];

export type MachineClient = MachineIdentity & {
  clientId: string;
  name: string;
  publicKeyJwk: JWK;
  status: 'active' | 'disabled';
  createdAt: string;
  /**
   * The phone credential versions it accepts (absent: [1]): an operator turns the unlinkable version 2
   * on per terminal, both side by side, and retires version 1 when its terminals all speak 2.
   */
  credentialVersions?: CredentialVersions;
};
export type CredentialVersions = (1 | 2)[];

/** The client a request comes from, as the routes see it. */
export type MachinePrincipal = Pick<MachineClient, 'clientId' | 'credentialVersions'> & MachineIdentity;

/**
 * The scope of a client of the given kind; any other kind is refused (403). Routes call it with the
 * kind their middleware admitted, so the scope is typed without assertions.
 */
export function scopeFor<K extends ClientKind>(client: MachinePrincipal, kind: K): ScopeOf<K> {
  if (client.kind !== kind) throw new ForbiddenError(`This route is for ${kind} clients`);
  return client.scope as ScopeOf<K>;
}

const ID_PREFIX: Record<ClientKind, string> = {
  'transit-terminal': 'term',
  'merchant-pos': 'pos',
  biller: 'bil',
  'facility-gate': 'gate',
  'service-outlet': 'outl',
  agency: 'agcy',
};

export async function registerClient(
  store: Store,
  input: MachineIdentity & Pick<MachineClient, 'name' | 'publicKeyJwk'>,
  now: Date,
): Promise<MachineClient> {
  const prefix = ID_PREFIX[input.kind];
  const client: MachineClient = {
    ...input,
    clientId: `${prefix}_${randomUUID().replaceAll('-', '')}`,
    status: 'active',
    createdAt: now.toISOString(),
  };
  await listScopeMembers(store, client.clientId, scopeTargets(input));
  await store.doc.send(
    new PutCommand({
      TableName: store.tableName,
      Item: { ...clientKey(client.clientId), ...client },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return client;
}

export async function getClient(store: Store, clientId: string): Promise<MachineClient | undefined> {
  const { Item } = await store.doc.send(new GetCommand({ TableName: store.tableName, Key: clientKey(clientId) }));
  if (!Item) return undefined;
  const { pk: _pk, sk: _sk, ...client } = Item;
  return client as MachineClient;
}

/** What an operator changes on a client, recorded with who did it and why. */
export interface ClientChange {
  principal: string;
  reason: string;
  now: Date;
}

async function updateClient(
  store: Store,
  clientId: string,
  sets: Record<string, unknown>,
  change: ClientChange,
): Promise<MachineClient> {
  const all = {
    ...sets,
    changedAt: change.now.toISOString(),
    changedBy: change.principal,
    changeReason: change.reason,
  };
  try {
    const { Attributes } = await store.doc.send(
      new UpdateCommand({
        TableName: store.tableName,
        Key: clientKey(clientId),
        ...setExpression(all),
        ConditionExpression: 'attribute_exists(pk)',
        ReturnValues: 'ALL_NEW',
      }),
    );
    const { pk: _pk, sk: _sk, ...client } = Attributes ?? {};
    return client as MachineClient;
  } catch (err) {
    if (isConditionFailed(err)) throw new NotFoundError('Client', { clientId });
    throw err;
  }
}

/** A lost or stolen terminal: its assertions are refused once instances' caches expire (CLIENT_CACHE_MS). */
export function disableClient(store: Store, clientId: string, change: ClientChange): Promise<MachineClient> {
  return updateClient(store, clientId, { status: 'disabled' }, change);
}

/** The credential versions a terminal accepts from now on (its instances' caches expire within CLIENT_CACHE_MS). */
export function setCredentialVersions(
  store: Store,
  clientId: string,
  versions: CredentialVersions,
  change: ClientChange,
): Promise<MachineClient> {
  return updateClient(store, clientId, { credentialVersions: [...new Set(versions)].sort() }, change);
}

/** A new key for a client (its old one leaked, or the device was replaced): the old key stops working. */
export function rekeyClient(store: Store, clientId: string, publicKeyJwk: JWK, change: ClientChange) {
  return updateClient(store, clientId, { publicKeyJwk, status: 'active' }, change);
}
