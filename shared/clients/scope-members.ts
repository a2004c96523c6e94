import { BatchGetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { clientKey, type ScopeTarget, scopeMemberKey, scopeMembersPk } from '../store/keys';
import { putAll } from '../store/put-all';
import type { Store } from '../store/store';
import type { MachineIdentity } from './clients';

/** Clients named when a change would strand them: enough for the operator to find them, not the whole fleet. */
export const MAX_STRANDED_NAMED = 20;
const PAGE = 100;

/** The routes and facilities a client's scope names: what a new fare table or catalogue must keep. */
export function scopeTargets(identity: MachineIdentity): ScopeTarget[] {
  if (identity.kind === 'transit-terminal') {
    return [...new Set(identity.scope.routeIds)].map((id) => ({ kind: 'route' as const, id }));
  }
  if (identity.kind === 'facility-gate') return [{ kind: 'facility', id: identity.scope.facilityId }];
  return [];
}

/**
 * Lists a client under each route or facility it is scoped to, before the client itself is put: a
 * crash in between leaves a listing of no client, which the check below skips, never a client unlisted.
 */
export async function listScopeMembers(store: Store, clientId: string, targets: ScopeTarget[]): Promise<void> {
  await putAll(
    store,
    targets.map((t) => ({ ...scopeMemberKey(t, clientId) })),
    'scope listings',
  );
}

/**
 * The active clients scoped to a route or facility (at most MAX_STRANDED_NAMED of them): those a
 * version without it would leave refusing every tap or visit. Costs the clients listed under it.
 */
export async function activeClientsScopedTo(store: Store, target: ScopeTarget): Promise<string[]> {
  const active: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await store.doc.send(
      new QueryCommand({
        TableName: store.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': scopeMembersPk(target) },
        Limit: PAGE,
        ExclusiveStartKey: start,
      }),
    );
    const ids = (page.Items ?? []).map((i) => String(i.sk));
    if (ids.length > 0) active.push(...(await activeOf(store, ids)));
    start = page.LastEvaluatedKey;
  } while (start && active.length < MAX_STRANDED_NAMED);
  return active.sort().slice(0, MAX_STRANDED_NAMED);
}

async function activeOf(store: Store, clientIds: string[]): Promise<string[]> {
  const out = await store.doc.send(
    new BatchGetCommand({
      RequestItems: {
        [store.tableName]: {
          Keys: clientIds.map((id) => clientKey(id)),
          ProjectionExpression: 'clientId, #status',
          ExpressionAttributeNames: { '#status': 'status' },
        },
      },
    }),
  );
  // A client DynamoDB left unread counts as active: a stranding is refused rather than missed.
  const unread = (out.UnprocessedKeys?.[store.tableName]?.Keys ?? []).map((k) => String(k.pk).slice('CLIENT#'.length));
  const read = (out.Responses?.[store.tableName] ?? [])
    .filter((c) => c.status === 'active')
    .map((c) => String(c.clientId));
  return [...read, ...unread];
}
