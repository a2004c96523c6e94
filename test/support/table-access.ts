import { AsyncLocalStorage } from 'node:async_hooks';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AREAS, JOBS, type TableAccess } from '../../infra/areas';
import type { Json } from './http';

/** One item-level DynamoDB action a request made, as IAM authorizes it (a transaction's items one by one). */
export interface TableAccessRecord {
  area: string;
  route: string;
  /** The request itself: `METHOD /path`. */
  request: string;
  action: string;
  index: string | null;
  /** The partition key value it named (the index's for an index query); null for a Scan. */
  leadingKey: string | null;
}

/** The area (and route) a request belongs to, set around each request a test makes. */
export const requestArea = new AsyncLocalStorage<{ area: string; route: string; request: string }>();

const routePattern = (route: string) => {
  const [method, path] = route.split(' ') as [string, string];
  const body = path.replace(/\{proxy\+\}/g, '.+').replace(/\{[^}]+\}/g, '[^/]+');
  return { method, regex: new RegExp(`^${body}$`) };
};
const ROUTES = AREAS.flatMap((a) => a.routes.map((r) => ({ area: a.name, route: r, ...routePattern(r) })));

/** The area whose routes API Gateway would send this request to, as `infra/areas.ts` lists them. */
export function areaOf(method: string, path: string): { area: string; route: string; request: string } | undefined {
  const hit = ROUTES.find((r) => (r.method === 'ANY' || r.method === method) && r.regex.test(path));
  return hit && { area: hit.area, route: hit.route, request: `${method} ${path}` };
}

const TRANSACT_ACTIONS: Record<string, string> = {
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  ConditionCheck: 'ConditionCheckItem',
};

/** A partition key value from a marshalled or plain attribute. */
const str = (v: unknown): string | null =>
  typeof v === 'string' ? v : typeof (v as { S?: unknown })?.S === 'string' ? (v as { S: string }).S : null;

/** A command's input, read loosely: its shape depends on the command. */
type Input = Json;

/** The item-level actions one command makes, each with the partition key it names. */
export function accessesOf(command: string, input: Input): Omit<TableAccessRecord, 'area' | 'route' | 'request'>[] {
  const action = command.replace(/Command$/, '');
  const one = (a: string, key: unknown) => ({ action: a, index: null, leadingKey: str((key as Input)?.pk) });
  switch (action) {
    case 'GetItem':
    case 'DeleteItem':
    case 'UpdateItem':
      return [one(action, input.Key)];
    case 'PutItem':
      return [one(action, input.Item)];
    case 'Query': {
      const pkName = input.IndexName ? `${String(input.IndexName)}pk` : 'pk';
      const placeholder = new RegExp(`${pkName} = (:\\w+)`).exec(String(input.KeyConditionExpression))?.[1];
      const value = placeholder ? str(input.ExpressionAttributeValues?.[placeholder]) : null;
      return [{ action, index: (input.IndexName as string | undefined) ?? null, leadingKey: value }];
    }
    case 'Scan':
      return [{ action, index: (input.IndexName as string | undefined) ?? null, leadingKey: null }];
    case 'TransactWriteItems':
      return (input.TransactItems as Input[]).map((item) => {
        const [kind, body] = Object.entries(item)[0] as [string, Input];
        return one(TRANSACT_ACTIONS[kind] ?? kind, body.Key ?? body.Item);
      });
    case 'TransactGetItems':
      return (input.TransactItems as Input[]).map((item) => one('GetItem', item.Get.Key));
    case 'BatchGetItem':
      return Object.values(input.RequestItems as Record<string, { Keys: unknown[] }>).flatMap((r) =>
        r.Keys.map((k) => one('BatchGetItem', k)),
      );
    case 'BatchWriteItem':
      return Object.values(input.RequestItems as Record<string, Input[]>).flatMap((requests) =>
        requests.map((w) => one('BatchWriteItem', w.PutRequest?.Item ?? w.DeleteRequest?.Key)),
      );
    default:
      return [{ action, index: null, leadingKey: null }];
  }
}

/** Records every table action made inside a request whose area is known. */
export function recordTableAccess(client: DynamoDBClient, into: TableAccessRecord[]): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const where = requestArea.getStore();
      if (where) {
        for (const access of accessesOf(String(context.commandName), args.input as Input))
          into.push({ ...where, ...access });
      }
      return next(args);
    },
    { step: 'initialize', name: 'recordTableAccess', priority: 'low' },
  );
}

const READ = new Set(['GetItem', 'BatchGetItem', 'Query', 'ConditionCheckItem']);
const WRITE = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);
const glob = (pattern: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);

/** Why a grant (infra/areas.ts, which the CDK stack turns into each role's policy) refuses an access; null if it allows it. */
export function refusal(table: TableAccess, access: TableAccessRecord): string | null {
  if (access.action === 'Scan') return table.scan === true ? null : 'Scan is not granted';
  if (!READ.has(access.action) && !(table.access === 'read-write' && WRITE.has(access.action))) {
    return `${access.action} is not granted`;
  }
  if (!table.leadingKeys) return null;
  if (access.leadingKey === null) return `${access.action} names no partition key, and the grant is by leading key`;
  const key = access.leadingKey;
  return table.leadingKeys.some((p) => glob(p).test(key))
    ? null
    : `partition ${key} is outside ${table.leadingKeys.join(' ')}`;
}

/** What an operator route's shell writes (its Idempotency-Key, the audit log), and a job does not. */
const OPERATOR_SHELL = /^(IDEM|AUDIT)#/;

/**
 * Each distinct refused access, named with the role and the request: the area's role, and the role of
 * a job that does the same work as the request's route.
 */
export function tableAccessRefusals(accesses: TableAccessRecord[]): string[] {
  const byName = new Map(AREAS.map((a) => [a.name, a]));
  const out = new Set<string>();
  for (const access of accesses) {
    const jobs = OPERATOR_SHELL.test(access.leadingKey ?? '')
      ? []
      : JOBS.filter((j) => j.sameWorkAs?.includes(access.request));
    const roles = [
      { name: access.area, table: byName.get(access.area)!.table },
      ...jobs.map((j) => ({ name: `job ${j.name}`, table: j.table })),
    ];
    for (const role of roles) {
      const why = refusal(role.table, access);
      if (why) out.add(`${role.name} (${access.request}): ${why}`);
    }
  }
  return [...out];
}
