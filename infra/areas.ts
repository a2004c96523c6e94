/**
 * The API's areas: one Lambda function each, and the HTTP API routes that reach it.
 * The local stack mounts the same apps on one server (functions/api.ts).
 */
export interface AreaDefinition {
  name: string;
  /** The Lambda entry, relative to the project root. */
  entry: string;
  routes: string[];
  /** Areas that sign tokens or credentials get kms:Sign on the signing keys. */
  signs: boolean;
  /** Operator routes: API Gateway checks IAM (SigV4) before the function runs. */
  iamAuth?: boolean;
  memoryMb: number;
  timeoutSeconds: number;
}

export const AREAS: AreaDefinition[] = [
  {
    name: 'public',
    entry: 'functions/public/handler.ts',
    routes: ['GET /v1/health', 'GET /.well-known/jwks.json', 'GET /openapi.json', 'GET /docs'],
    signs: false,
    memoryMb: 512,
    timeoutSeconds: 10,
  },
  {
    name: 'citizen',
    entry: 'functions/citizen/handler.ts',
    routes: ['ANY /v1/auth/{proxy+}', 'ANY /v1/me', 'ANY /v1/me/{proxy+}'],
    signs: true,
    memoryMb: 1024,
    timeoutSeconds: 10,
  },
  {
    name: 'terminal',
    entry: 'functions/terminal/handler.ts',
    routes: ['ANY /v1/transit/{proxy+}', 'ANY /v1/terminal/{proxy+}'],
    signs: false,
    // A 500-tap offline batch is processed within this; see functions/terminal/batch.
    memoryMb: 1769,
    timeoutSeconds: 60,
  },
  {
    name: 'merchant',
    entry: 'functions/merchant/handler.ts',
    routes: ['ANY /v1/merchant/{proxy+}'],
    signs: false,
    memoryMb: 1024,
    timeoutSeconds: 10,
  },
  {
    name: 'biller',
    entry: 'functions/biller/handler.ts',
    routes: ['ANY /v1/biller/{proxy+}'],
    signs: false,
    memoryMb: 1024,
    timeoutSeconds: 30,
  },
  {
    name: 'admin',
    entry: 'functions/admin/handler.ts',
    routes: ['ANY /v1/admin/{proxy+}'],
    signs: true,
    iamAuth: true,
    memoryMb: 1024,
    timeoutSeconds: 60,
  },
  {
    name: 'webhooks',
    entry: 'functions/webhooks/handler.ts',
    routes: ['POST /v1/webhooks/{proxy+}'],
    signs: false,
    memoryMb: 512,
    timeoutSeconds: 10,
  },
];

/** Scheduled jobs: run by EventBridge, not reachable over HTTP. */
export interface JobDefinition {
  name: string;
  entry: string;
  schedule: string;
  signs: boolean;
}

export const JOBS: JobDefinition[] = [
  { name: 'rotate-keys', entry: 'functions/jobs/rotate-keys.ts', schedule: 'rate(1 day)', signs: true },
  { name: 'expire-topups', entry: 'functions/jobs/expire-topups.ts', schedule: 'rate(1 hour)', signs: false },
];
