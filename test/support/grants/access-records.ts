import { AsyncLocalStorage } from 'node:async_hooks';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AREAS } from '../../../infra/areas';
import type { CloudPorts } from '../../../infra/local-backend';
import type { Json } from '../http';

/**
 * One thing a request asked of an AWS service, as IAM authorizes it: a DynamoDB item action (a
 * transaction's items one by one), a KMS signature, a secret read, a report written or linked, a
 * state machine started, an SMS sent.
 */
export interface AccessRecord {
  area: string;
  route: string;
  /** The request itself: `METHOD /path`. */
  request: string;
  /** The IAM action: `dynamodb:PutItem`, `kms:Sign`, `secretsmanager:GetSecretValue`, ... */
  action: string;
  /** What it names, as cloud-grants.ts labels the template's resources: `table`, `index/gsi1`, `secret/loginKey`, ... */
  resource: string;
  /** The partition key value a DynamoDB action named (the index's for an index query); null otherwise, or for a Scan. */
  leadingKey: string | null;
}

type Where = Pick<AccessRecord, 'area' | 'route' | 'request'>;

/** The area (and route) a request belongs to, set around each request a test makes. */
export const requestArea = new AsyncLocalStorage<Where>();

const routePattern = (route: string) => {
  const [method, path] = route.split(' ') as [string, string];
  const body = path.replace(/\{proxy\+\}/g, '.+').replace(/\{[^}]+\}/g, '[^/]+');
  return { method, regex: new RegExp(`^${body}$`) };
};
const ROUTES = AREAS.flatMap((a) => a.routes.map((r) => ({ area: a.name, route: r, ...routePattern(r) })));

/** The area whose routes API Gateway would send this request to, as `infra/areas.ts` lists them. */
export function areaOf(method: string, path: string): Where | undefined {
  const hit = ROUTES.find((r) => (r.method === 'ANY' || r.method === method) && r.regex.test(path));
  return hit && { area: hit.area, route: hit.route, request: `${method} ${path}` };
}

type Access = Pick<AccessRecord, 'action' | 'resource' | 'leadingKey'>;

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

/** The item-level actions one DynamoDB command makes, each with the partition key it names. */
export function accessesOf(command: string, input: Input): Access[] {
  const name = command.replace(/Command$/, '');
  const on = (action: string, index: unknown, leadingKey: string | null): Access => ({
    action: `dynamodb:${action}`,
    resource: index ? `index/${String(index)}` : 'table',
    leadingKey,
  });
  const one = (action: string, key: unknown) => on(action, null, str((key as Input)?.pk));
  switch (name) {
    case 'GetItem':
    case 'DeleteItem':
    case 'UpdateItem':
      return [one(name, input.Key)];
    case 'PutItem':
      return [one(name, input.Item)];
    case 'Query': {
      const pkName = input.IndexName ? `${String(input.IndexName)}pk` : 'pk';
      const placeholder = new RegExp(`${pkName} = (:\\w+)`).exec(String(input.KeyConditionExpression))?.[1];
      return [on(name, input.IndexName, placeholder ? str(input.ExpressionAttributeValues?.[placeholder]) : null)];
    }
    case 'Scan':
      return [on(name, input.IndexName, null)];
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
      return [on(name, null, null)];
  }
}

/** Records what a request asks, if it runs inside one whose area is known. */
const recorder = (into: AccessRecord[]) => (accesses: Access[]) => {
  const where = requestArea.getStore();
  if (where) for (const access of accesses) into.push({ ...where, ...access });
};

/** Records every table action made inside a request. */
export function recordTableAccess(client: DynamoDBClient, into: AccessRecord[]): void {
  const record = recorder(into);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      record(accessesOf(String(context.commandName), args.input as Input));
      return next(args);
    },
    { step: 'initialize', name: 'recordTableAccess', priority: 'low' },
  );
}

/**
 * The ports that are AWS services in the cloud, recording each call as the cloud adapter's request:
 * the KMS signature or public key, the secret read, the object written or presigned, the state
 * machine started, the SMS sent.
 */
export function recordPorts(ports: CloudPorts, into: AccessRecord[]): CloudPorts {
  const record = recorder(into);
  /** `call`, recorded as `action` on the resource it names (a label, or one made of its first argument). */
  const asking =
    <A extends unknown[], R>(action: string, resource: string | ((first: A[0]) => string), call: (...args: A) => R) =>
    (...args: A): R => {
      record([{ action, resource: typeof resource === 'string' ? resource : resource(args[0]), leadingKey: null }]);
      return call(...args);
    };
  const folder = (name: string) => `reports/${name.split('/')[0]}`;
  const { keyMaterial, secrets, reports, audits, allowanceRuns, sms } = ports;
  return {
    keyMaterial: {
      create: asking('kms:GetPublicKey', 'signing-key', (inUse: string[]) => keyMaterial.create(inUse)),
      sign: asking('kms:Sign', 'signing-key', (ref: string, input: Uint8Array) => keyMaterial.sign(ref, input)),
    },
    secrets: {
      get: asking('secretsmanager:GetSecretValue', (name: string) => `secret/${name}`, secrets.get.bind(secrets)),
    },
    reports: {
      put: asking('s3:PutObject', folder, reports.put.bind(reports)),
      link: asking('s3:GetObject', folder, reports.link.bind(reports)),
    },
    audits: {
      current: () => audits.current(),
      start: asking('states:StartExecution', 'machine/ledger-audit', () => audits.start()),
    },
    allowanceRuns: {
      start: asking('states:StartExecution', 'machine/allowance-run', allowanceRuns.start.bind(allowanceRuns)),
    },
    sms: sms && asking('sns:Publish', 'sms', sms),
  };
}
