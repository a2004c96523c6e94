import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { JWK } from 'jose';
import { changeDenyList } from '../denylist/denylist';
import { NotFoundError, RefusedError } from '../errors';
import { accountKey, cardDevicesIndex, deviceKey } from '../store/keys';
import type { Store } from '../store/store';

export interface Device {
  deviceId: string;
  cardId: string;
  name: string;
  publicKeyJwk: JWK;
  status: 'active' | 'revoked';
  createdAt: string;
  revokedAt?: string;
}

/** A card's active devices at most: a phone, a watch, a spare. */
export const MAX_ACTIVE_DEVICES = 5;

const toDevice = (i: Record<string, unknown>): Device => ({
  deviceId: i.deviceId as string,
  cardId: i.cardId as string,
  name: i.name as string,
  publicKeyJwk: i.publicKeyJwk as JWK,
  status: i.status as Device['status'],
  createdAt: i.createdAt as string,
  ...(i.revokedAt ? { revokedAt: i.revokedAt as string } : {}),
});

export async function listDevices(store: Store, cardId: string): Promise<Device[]> {
  const page = await store.doc.send(
    new QueryCommand({
      TableName: store.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': cardDevicesIndex(cardId) },
      Limit: 100,
    }),
  );
  return (page.Items ?? []).map(toDevice);
}

export async function registerDevice(
  store: Store,
  cardId: string,
  name: string,
  publicKeyJwk: JWK,
  now: Date,
): Promise<Device> {
  const active = (await listDevices(store, cardId)).filter((d) => d.status === 'active');
  if (active.length >= MAX_ACTIVE_DEVICES) {
    throw new RefusedError('DEVICE_LIMIT', `A card has at most ${MAX_ACTIVE_DEVICES} devices; revoke one first`, {
      activeDevices: active.length,
    });
  }
  const device: Device = {
    deviceId: `dev_${randomUUID().replaceAll('-', '')}`,
    cardId,
    name,
    publicKeyJwk,
    status: 'active',
    createdAt: now.toISOString(),
  };
  await store.doc.send(
    new PutCommand({
      TableName: store.tableName,
      Item: {
        ...deviceKey(device.deviceId),
        gsi1pk: cardDevicesIndex(cardId),
        gsi1sk: `${device.createdAt}#${device.deviceId}`,
        ...device,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return device;
}

export async function getDevice(store: Store, deviceId: string): Promise<Device | undefined> {
  const { Item } = await store.doc.send(
    new GetCommand({ TableName: store.tableName, Key: deviceKey(deviceId), ConsistentRead: true }),
  );
  return Item ? toDevice(Item) : undefined;
}

/** An operator revokes a device by its id alone (a stolen phone reported to the hotline). */
export async function adminRevokeDevice(store: Store, deviceId: string, now: Date): Promise<Device> {
  const device = await getDevice(store, deviceId);
  if (!device) throw new NotFoundError('Device', { deviceId });
  return revokeDevice(store, device.cardId, deviceId, now);
}

/** Revokes for good: the device goes on the deny list in the same transaction. A repeat changes nothing. */
export async function revokeDevice(store: Store, cardId: string, deviceId: string, now: Date): Promise<Device> {
  const device = await getDevice(store, deviceId);
  if (!device || device.cardId !== cardId) throw new NotFoundError('Device');
  if (device.status === 'revoked') return device;
  try {
    await changeDenyList(store, { kind: 'device', id: deviceId }, 'add', now, [
      {
        Update: {
          TableName: store.tableName,
          Key: deviceKey(deviceId),
          UpdateExpression: 'SET #status = :revoked, revokedAt = :now',
          ConditionExpression: '#status = :active',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':revoked': 'revoked', ':active': 'active', ':now': now.toISOString() },
        },
      },
      {
        // The card carries its revoked devices too, so a tap needs to read only the card; the version
        // moves so a tap planned before the revocation cannot commit.
        Update: {
          TableName: store.tableName,
          Key: accountKey(cardId),
          UpdateExpression: 'ADD revokedDevices :device SET #version = #version + :one',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':device': new Set([deviceId]), ':one': 1 },
        },
      },
    ]);
  } catch (err) {
    if ((err as Error).name !== 'TransactionCanceledException') throw err;
  }
  return (await getDevice(store, deviceId))!;
}
