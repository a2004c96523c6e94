import { randomUUID } from 'node:crypto';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { JWK } from 'jose';
import { z } from 'zod';
import { changeDenyList } from '../denylist/denylist';
import { NotFoundError, RefusedError } from '../errors';
import { changeWalletItem } from '../ledger/wallet-head';
import { attributes } from '../store/attributes';
import { cancellationCodes, isCancelled } from '../store/conditions';
import { ownerIndexPage } from '../store/index-page';
import type { Item, TransactItem } from '../store/items';
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

const toDevice = (i: Item): Device => {
  const a = attributes(i, 'device');
  const revokedAt = a.optStr('revokedAt');
  return {
    deviceId: a.str('deviceId'),
    cardId: a.str('cardId'),
    name: a.str('name'),
    publicKeyJwk: STORED_JWK.parse(i.publicKeyJwk),
    status: a.oneOf('status', DEVICE_STATUSES),
    createdAt: a.str('createdAt'),
    ...(revokedAt ? { revokedAt } : {}),
  };
};

const DEVICE_STATUSES = ['active', 'revoked'] as const;
/** A device's public key as stored: a P-256 JWK's public half (checked when it was registered). */
const STORED_JWK = z.object({ kty: z.literal('EC'), crv: z.literal('P-256'), x: z.string(), y: z.string() });

/** One page of the card's devices, newest first (revoked ones stay listed). */
export async function devicesPage(store: Store, cardId: string, page: { limit: number; cursor?: string | undefined }) {
  const read = await ownerIndexPage(store, {
    list: 'devices',
    indexPk: cardDevicesIndex(cardId),
    limit: page.limit,
    maxPage: DEVICES_MAX_PAGE,
    cursor: page.cursor,
    skShape: DEVICE_SK,
    tableKeyOf: (sk) => deviceKey(sk.slice(sk.lastIndexOf('#') + 1)),
  });
  return { items: read.items.map(toDevice), nextCursor: read.nextCursor };
}
const DEVICES_MAX_PAGE = 100;
const DEVICE_SK = /^[\d:.TZ-]+#dev_[\w-]{1,64}$/;

/**
 * Registers a device. The limit of active devices is kept atomically: a count on the card, raised in
 * the same transaction as the device is written and only while it is under the limit, so racing
 * registrations cannot pass it together. Revoking lowers it in the revocation's transaction.
 */
export async function registerDevice(
  store: Store,
  cardId: string,
  name: string,
  publicKeyJwk: JWK,
  now: Date,
): Promise<Device> {
  const device: Device = {
    deviceId: `dev_${randomUUID().replaceAll('-', '')}`,
    cardId,
    name,
    publicKeyJwk,
    status: 'active',
    createdAt: now.toISOString(),
  };
  try {
    await store.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: store.tableName,
              Key: accountKey(cardId),
              UpdateExpression: 'SET #active = if_not_exists(#active, :zero) + :one',
              ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(#active) OR #active < :max)',
              ExpressionAttributeNames: { '#active': 'activeDevices' },
              ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':max': MAX_ACTIVE_DEVICES },
            },
          },
          {
            Put: {
              TableName: store.tableName,
              Item: {
                ...deviceKey(device.deviceId),
                gsi1pk: cardDevicesIndex(cardId),
                gsi1sk: `${device.createdAt}#${device.deviceId}`,
                ...device,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      }),
    );
  } catch (err) {
    if (isCancelled(err) && cancellationCodes(err)[0] === 'ConditionalCheckFailed') {
      throw new RefusedError('DEVICE_LIMIT', `A card has at most ${MAX_ACTIVE_DEVICES} devices; revoke one first`, {
        maxActiveDevices: MAX_ACTIVE_DEVICES,
      });
    }
    throw err;
  }
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
    // The card carries its revoked devices too, so a tap needs to read only the card; the card's mark
    // goes with them, so a tap planned before the revocation cannot commit.
    await changeWalletItem(
      store,
      cardId,
      now,
      'device revoked',
      (card): TransactItem[] | null =>
        card.revokedDevices instanceof Set && card.revokedDevices.has(deviceId)
          ? null
          : [
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
                Update: {
                  TableName: store.tableName,
                  Key: accountKey(cardId),
                  UpdateExpression: 'ADD revokedDevices :device SET #active = if_not_exists(#active, :one) - :one',
                  ExpressionAttributeNames: { '#active': 'activeDevices' },
                  ExpressionAttributeValues: { ':device': new Set([deviceId]), ':one': 1 },
                },
              },
            ],
      (items) => changeDenyList(store, { kind: 'device', id: deviceId }, 'add', now, items),
    );
  } catch (err) {
    // Revoked meanwhile by another request: the device's condition failed, and the count moved once.
    if (!isCancelled(err)) throw err;
  }
  return (await getDevice(store, deviceId))!;
}
