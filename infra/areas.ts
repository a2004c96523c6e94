/**
 * The API's areas: one Lambda function each, and the HTTP API routes that reach it.
 * The local stack mounts the same apps on one server (functions/api.ts).
 */
import type { SecretName } from '../shared/secrets/secrets';

/**
 * What a function may do with the table: read or read and write, optionally only on items whose
 * partition key matches one of `leadingKeys` (IAM's dynamodb:LeadingKeys, `*` as a wildcard).
 */
export interface TableAccess {
  access: 'read' | 'read-write';
  leadingKeys?: string[];
}

/**
 * What a function does with the signing keys: `sign` (only the credential and token issuer, named in
 * the keys' own policies), `public-key` (publishing and rotating keys needs only their public half).
 */
export type KeyUse = 'sign' | 'public-key' | 'none';

export interface AreaDefinition {
  name: string;
  /** The Lambda entry, relative to the project root. */
  entry: string;
  routes: string[];
  table: TableAccess;
  keys: KeyUse;
  /** Secrets it reads at run time from Secrets Manager (never through its environment). */
  secrets: SecretName[];
  /** Its logs are an audit trail: kept a year, and kept when the stack is deleted. */
  auditLogs?: boolean;
  /** It writes reports (settlement CSVs) into the data stack's reports bucket. */
  writesReports?: boolean;
  /** Operator routes: API Gateway checks IAM (SigV4) before the function runs. */
  iamAuth?: boolean;
  memoryMb: number;
  timeoutSeconds: number;
}

export const AREAS: AreaDefinition[] = [
  {
    name: 'public',
    entry: 'functions/public/handler.ts',
    routes: ['GET /v1/health', 'GET /.well-known/jwks.json', 'GET /openapi.json', 'GET /docs', 'GET /docs/{file}'],
    // The JWKS is the key ring's public half: the only item it reads.
    table: { access: 'read', leadingKeys: ['KEYS'] },
    keys: 'none',
    secrets: [],
    memoryMb: 512,
    timeoutSeconds: 10,
  },
  {
    name: 'citizen',
    entry: 'functions/citizen/handler.ts',
    routes: ['ANY /v1/auth/{proxy+}', 'ANY /v1/me', 'ANY /v1/me/{proxy+}'],
    table: { access: 'read-write' },
    keys: 'sign',
    secrets: ['residentIdPepper'],
    memoryMb: 1024,
    timeoutSeconds: 10,
  },
  {
    name: 'terminal',
    entry: 'functions/terminal/handler.ts',
    routes: ['ANY /v1/transit/{proxy+}', 'ANY /v1/terminal/{proxy+}', 'ANY /v1/facilities/{proxy+}'],
    table: { access: 'read-write' },
    keys: 'none',
    secrets: [],
    // A 500-tap offline batch is processed within this; see shared/transit/batch.ts.
    memoryMb: 1769,
    timeoutSeconds: 60,
  },
  {
    name: 'merchant',
    entry: 'functions/merchant/handler.ts',
    routes: ['ANY /v1/merchant/{proxy+}'],
    table: { access: 'read-write' },
    keys: 'none',
    secrets: [],
    memoryMb: 1024,
    timeoutSeconds: 10,
  },
  {
    name: 'biller',
    entry: 'functions/biller/handler.ts',
    routes: ['ANY /v1/biller/{proxy+}'],
    table: { access: 'read-write' },
    keys: 'none',
    secrets: [],
    memoryMb: 1024,
    timeoutSeconds: 30,
  },
  {
    name: 'outlet',
    entry: 'functions/outlet/handler.ts',
    routes: ['ANY /v1/outlet/{proxy+}'],
    table: { access: 'read-write' },
    keys: 'none',
    // In-person identity checks compare the keyed hash of the number typed at the counter.
    secrets: ['residentIdPepper'],
    memoryMb: 1024,
    timeoutSeconds: 10,
  },
  {
    name: 'agency',
    entry: 'functions/agency/handler.ts',
    routes: ['ANY /v1/agency/{proxy+}'],
    table: { access: 'read-write' },
    keys: 'none',
    // Records are matched to cards by the keyed hash of the id number.
    secrets: ['residentIdPepper'],
    memoryMb: 1024,
    // 500 records, each a transaction and a card lookup, within this.
    timeoutSeconds: 30,
  },
  {
    name: 'admin',
    entry: 'functions/admin/handler.ts',
    routes: ['ANY /v1/admin/{proxy+}'],
    table: { access: 'read-write' },
    // Rotation publishes the next key's public half; operators never sign anything.
    keys: 'public-key',
    // In-person identity checks and id-number releases compare keyed hashes.
    secrets: ['residentIdPepper'],
    auditLogs: true,
    writesReports: true,
    iamAuth: true,
    memoryMb: 1024,
    timeoutSeconds: 60,
  },
  {
    name: 'webhooks',
    entry: 'functions/webhooks/handler.ts',
    routes: ['POST /v1/webhooks/{proxy+}'],
    // Top-ups (at their transfers' keys), the cards they credit (and their entries), and the city's card rules.
    table: { access: 'read-write', leadingKeys: ['ACCT#*', 'XFER#*', 'CITY'] },
    keys: 'none',
    secrets: ['topupWebhook'],
    memoryMb: 512,
    timeoutSeconds: 10,
  },
];

/** Scheduled jobs: run by EventBridge, not reachable over HTTP. */
export interface JobDefinition {
  name: string;
  entry: string;
  /**
   * When it runs: an EventBridge rule expression (`rate(1 hour)`), or a cron in the city's time zone
   * for EventBridge Scheduler (`cron(5 4 * * ? *)` in Asia/Shanghai).
   */
  schedule: { rate: string } | { shanghaiCron: string };
  table: TableAccess;
  keys: KeyUse;
  writesReports?: boolean;
  timeoutSeconds?: number;
}

export const JOBS: JobDefinition[] = [
  {
    name: 'rotate-keys',
    entry: 'functions/jobs/rotate-keys.ts',
    schedule: { rate: 'rate(1 day)' },
    table: { access: 'read-write', leadingKeys: ['KEYS'] },
    keys: 'public-key',
  },
  {
    // Five minutes after the business day ends at 04:00 in Shanghai: it settles that day.
    name: 'settlement',
    entry: 'functions/jobs/settlement.ts',
    schedule: { shanghaiCron: 'cron(5 4 * * ? *)' },
    table: { access: 'read-write' },
    keys: 'none',
    writesReports: true,
    // Its cost grows with payees and shards, not movements (docs/settlement.md): minutes, not the 15 allowed.
    timeoutSeconds: 900,
  },
  {
    // The first of each month at 04:10 in Shanghai: the month's senior living allowance.
    name: 'allowance',
    entry: 'functions/jobs/allowance.ts',
    schedule: { shanghaiCron: 'cron(10 4 1 * ? *)' },
    table: { access: 'read-write' },
    keys: 'none',
    writesReports: true,
    timeoutSeconds: 900,
  },
];
