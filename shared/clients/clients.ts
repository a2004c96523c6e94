import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { JWK } from 'jose';
import { clientKey } from '../store/keys';
import type { Store } from '../store/store';

export const CLIENT_KINDS = ['transit-terminal', 'merchant-pos', 'biller'] as const;
export type ClientKind = (typeof CLIENT_KINDS)[number];

export interface ClientScope {
  routeIds?: string[];
  merchantId?: string;
  billerId?: string;
}

export interface MachineClient {
  clientId: string;
  kind: ClientKind;
  name: string;
  publicKeyJwk: JWK;
  scope: ClientScope;
  status: 'active' | 'disabled';
  createdAt: string;
}

export async function registerClient(
  store: Store,
  input: Omit<MachineClient, 'clientId' | 'status' | 'createdAt'>,
  now: Date,
): Promise<MachineClient> {
  const prefix = { 'transit-terminal': 'term', 'merchant-pos': 'pos', biller: 'bil' }[input.kind];
  const client: MachineClient = {
    ...input,
    clientId: `${prefix}_${randomUUID().replaceAll('-', '')}`,
    status: 'active',
    createdAt: now.toISOString(),
  };
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
