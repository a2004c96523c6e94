/**
 * The API's areas: one Lambda function each, and the HTTP API routes that reach it.
 * The local stack mounts the same apps on one server (functions/api.ts).
 */
import type { SecretName } from '../shared/secrets/secrets';

/** The main table's global secondary indexes (infra/tables.ts). */
export type IndexName = 'gsi1' | 'gsi2' | 'gsi3';

/**
 * What a function may do with the table: read or read and write, optionally only on items whose
 * partition key matches one of `leadingKeys` (IAM's dynamodb:LeadingKeys, `*` as a wildcard).
 */
export interface TableAccess {
  access: 'read' | 'read-write';
  leadingKeys?: string[];
  /** The global secondary indexes it queries: none unless named. */
  indexes: IndexName[];
  /** It scans the whole table (a Scan names no partition, so it is granted on its own). */
  scan?: boolean;
  /** Why it needs what it is granted: docs/operations.md's access table says it. */
  why: string;
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
  /** The folders of the data stack's reports bucket it writes reports into (and, if operators', links to). */
  reports?: ReportFolder[];
  /** Operator routes: API Gateway checks IAM (SigV4) before the function runs. */
  iamAuth?: boolean;
  /** It starts the full audit's state machine (an operator's POST /v1/admin/reconciliation/audits). */
  startsAudits?: boolean;
  memoryMb: number;
  /** At most HTTP_TIMEOUT_SECONDS: API Gateway answers 503 after 30 s whatever the function does. */
  timeoutSeconds: number;
  /** Instances kept for this area alone and the most it may run: see docs/operations.md (limits). */
  reservedConcurrency?: number;
}

/** Under API Gateway's 30 s, so a function never works on for a caller that was answered 503. */
export const HTTP_TIMEOUT_SECONDS = 28;

/** The reports bucket's folders: settlement runs and daily reports, allowance runs. */
export type ReportFolder = 'settlement' | 'allowance';

/*
 * Partition keys (or, for an index query, the index's partition key) each area's items live under:
 * its role may touch nothing else (IAM's dynamodb:LeadingKeys). Shared families first.
 */
/** A card's money and what moves it: the card's items and entries, system and payee accounts, transfers. */
const MONEY_KEYS = ['ACCT#*', 'XFER#*'];
/** Machine clients: their registration, single-use assertions and request counters. */
const MACHINE_KEYS = ['CLIENT#*', 'AJTI#*', 'RATE#*'];
/** A phone's presentation at a machine: the card's money, the proof's replay guard, the issuer's public keys. */
const PRESENTATION_KEYS = [...MONEY_KEYS, 'PJTI#*', 'KEYS'];
/* The city's rules, each a versioned document an area reads as it needs: CITY (card rules), FARES, FACILITIES, OUTLETS. */
/** A citizen's login: account, phone, codes, failures, rate counters. */
const LOGIN_KEYS = ['CIT#*', 'PHONE#*', 'OTP#*', 'OTPFAIL#*', 'RATE#*'];
/** A citizen's card: its money, its holder's id hash, the issuer's keys for its credentials. */
const CARD_KEYS = [...MONEY_KEYS, 'RID#*', 'KEYS'];
const SETTLEMENT_KEYS = [
  ...MONEY_KEYS,
  'SETTLE',
  'SETLRUN#*',
  'SETLRUNS', // (index) runs by cutoff
  'SETLMOV#*', // (index) a payee shard's movements of a minute
  'PAYEELINES#*', // (index) a payee's lines
  'ACTIVE#*', // (index) the buckets that moved in an hour
  'CATALOG#*', // merchants' fees
  'META#*', // the store's seeding time (the first run's start)
  'ALLOWANCES',
  'TILLS',
  'LEDGERAUDIT', // the latest full audit: the daily report's stored value
  'LEDGERAUDIT#*',
];
/** The monthly points lapse: the month's list of cards, and their points into the pool. */
const POINTS_LAPSE_KEYS = [...MONEY_KEYS, 'PTSLAPSE#*'];
const ALLOWANCE_KEYS = [
  ...MONEY_KEYS,
  'ALLOWANCE',
  'ALWRUN#*', // the run, its chunks and its report rows
  'ALWMONTH#*',
  'ELIGPROG#*', // the senior list
  'ELIGRID#*', // (index) a holder's records: is one of them deceased
  'RID#*',
  'ALLOWANCES',
];

export const AREAS: AreaDefinition[] = [
  {
    name: 'public',
    entry: 'functions/public/handler.ts',
    routes: [
      'GET /v1/health',
      'GET /.well-known/jwks.json',
      'GET /.well-known/onecard-receipt-keys.json',
      'GET /openapi.json',
      'GET /docs',
      'GET /docs/{file}',
    ],
    table: { access: 'read', leadingKeys: ['KEYS'], indexes: [], why: 'the JWKS is the key ring’s public half' },
    keys: 'none',
    secrets: [],
    memoryMb: 512,
    timeoutSeconds: 10,
  },
  {
    name: 'citizen',
    entry: 'functions/citizen/handler.ts',
    routes: ['ANY /v1/auth/{proxy+}', 'ANY /v1/me', 'ANY /v1/me/{proxy+}'],
    table: {
      access: 'read-write',
      leadingKeys: [
        ...LOGIN_KEYS,
        ...CARD_KEYS,
        'CITY',
        'FARES', // journeys and offers are priced by them
        'DEVICE#*', // registered phones
        'CARDDEV#*', // (index) a card's phones
        'DENY',
        'DENYSTATE#*', // a frozen card or revoked phone goes on the deny list
        'DENYCARDS', // the cards denied now: each day's pseudonymous deny lists
        'BILL#*',
        'BILLACCT#*', // (index) an account's open bills
        'CATALOG#*', // offers: the campaigns
        'ELIG#*',
        'ELIGRID#*', // (index) a new card takes its holder's records
        'CLOSURE#*', // a closure online, by its Idempotency-Key
        'PREFUND#*', // the refunds it requests of the top-up provider
        'JFIX#*', // an incomplete journey fixed by its holder: once, and its audit
        'JFIXMONTH#*', // the card's fixes this month
        'JFIXQUEUE#*', // fixes past the month's two, for an operator
      ],
      // A card's phones, an account's open bills, a holder's records (all gsi1).
      indexes: ['gsi1'],
      why: 'login, the citizen’s card and its money, phones and credentials, bills, offers, the records a new card takes, a closure online and its refunds, an incomplete journey fixed',
    },
    keys: 'sign',
    secrets: ['residentIdPepper', 'loginKey', 'pseudonymKey'],
    memoryMb: 1024,
    timeoutSeconds: 10,
  },
  {
    name: 'terminal',
    entry: 'functions/terminal/handler.ts',
    routes: ['ANY /v1/transit/{proxy+}', 'ANY /v1/terminal/{proxy+}', 'ANY /v1/facilities/{proxy+}'],
    table: {
      access: 'read-write',
      leadingKeys: [
        ...MACHINE_KEYS,
        ...PRESENTATION_KEYS,
        'CITY',
        'FARES',
        'FACILITIES',
        'DENY',
        'DENYCARDS', // the day's pseudonyms of the cards denied now, per operator
        'HOURCOUNT#*', // a declined tap counted in its hour, for the console's chart
      ],
      indexes: [],
      why: 'taps and visits move a card’s money to an operator or facility, priced by the city’s rules; gates read the deny list',
    },
    keys: 'none',
    // Version 2 credentials name the card by a pseudonym sealed under it.
    secrets: ['pseudonymKey'],
    // A 500-tap offline batch is processed within this; see shared/transit/batch.ts.
    memoryMb: 1769,
    timeoutSeconds: HTTP_TIMEOUT_SECONDS,
    // Taps are the flood: bounded, so operators, jobs and the other areas keep instances of their own.
    reservedConcurrency: 300,
  },
  {
    name: 'merchant',
    entry: 'functions/merchant/handler.ts',
    routes: ['ANY /v1/merchant/{proxy+}'],
    table: {
      access: 'read-write',
      leadingKeys: [...MACHINE_KEYS, ...PRESENTATION_KEYS, 'FARES', 'CATALOG#*', 'PAYEELINES#*', 'PTSLAPSE#*'],
      indexes: ['gsi1'],
      why: 'purchases and refunds move a card’s money and points to the merchant (campaigns and points terms from the catalogue; a points lot’s lapse listed); its settlement lines',
    },
    keys: 'none',
    // Version 2 credentials name the card by a pseudonym sealed under it.
    secrets: ['pseudonymKey'],
    memoryMb: 1024,
    timeoutSeconds: 10,
  },
  {
    name: 'biller',
    entry: 'functions/biller/handler.ts',
    routes: ['ANY /v1/biller/{proxy+}'],
    table: {
      access: 'read-write',
      leadingKeys: [...MACHINE_KEYS, 'BILL#*', 'BILLERPAY#*', 'PAYEELINES#*'],
      // Its settlement lines (gsi1) and the payments made to its bills (gsi2).
      indexes: ['gsi1', 'gsi2'],
      why: 'its bills, the payments made to them (an index of their transfers), its settlement lines',
    },
    keys: 'none',
    secrets: [],
    memoryMb: 1024,
    timeoutSeconds: HTTP_TIMEOUT_SECONDS,
  },
  {
    name: 'outlet',
    entry: 'functions/outlet/handler.ts',
    routes: ['ANY /v1/outlet/{proxy+}'],
    table: {
      access: 'read-write',
      leadingKeys: [
        ...MACHINE_KEYS,
        ...PRESENTATION_KEYS,
        'CITY',
        'OUTLETS',
        'CASHTOP#*',
        'IDCHECK#*',
        'CLOSURE#*',
        'TILL#*',
        'TILLS',
        'DENY',
        'DENYSTATE#*', // a closed card goes on the deny list
        'DENYCARDS', // the cards denied now: each day's pseudonymous deny lists
      ],
      indexes: [],
      why: 'cash top-ups into cards and the till’s day, in-person identity checks',
    },
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
    table: {
      access: 'read-write',
      leadingKeys: [...MACHINE_KEYS, 'ELIG#*', 'ELIGPROG#*', 'RID#*', 'ACCT#*'],
      indexes: [],
      why: 'records, their program lists, and the grants they set on their holders’ cards',
    },
    keys: 'none',
    // Records are matched to cards by the keyed hash of the id number.
    secrets: ['residentIdPepper'],
    memoryMb: 1024,
    // 500 records, each a transaction and a card lookup, within this.
    timeoutSeconds: HTTP_TIMEOUT_SECONDS,
  },
  {
    name: 'admin',
    entry: 'functions/admin/handler.ts',
    routes: ['ANY /v1/admin/{proxy+}'],
    table: {
      access: 'read-write',
      // Lists by owner (gsi1) and the movements of an hour (gsi3, settlement and the daily report).
      indexes: ['gsi1', 'gsi3'],
      why: 'operators reach every kind of item (cards, clients, catalogues, fares, runs, the audit log)',
    },
    // Rotation publishes the next key's public half; operators never sign anything.
    keys: 'public-key',
    // In-person identity checks and id-number releases compare keyed hashes.
    secrets: ['residentIdPepper'],
    auditLogs: true,
    reports: ['settlement', 'allowance'],
    iamAuth: true,
    startsAudits: true,
    memoryMb: 1024,
    timeoutSeconds: HTTP_TIMEOUT_SECONDS,
    // Operators reach the system whatever the citizens and terminals are doing.
    reservedConcurrency: 10,
  },
  {
    name: 'webhooks',
    entry: 'functions/webhooks/handler.ts',
    routes: ['POST /v1/webhooks/{proxy+}'],
    table: {
      access: 'read-write',
      leadingKeys: ['ACCT#*', 'XFER#*', 'CITY', 'PREFUND#*', 'HOURCOUNT#*'],
      indexes: [],
      why: 'a top-up’s record at its transfer’s key, the card it credits, the card limit, its outcome counted in its hour; a closed card’s refunds',
    },
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
  reports?: ReportFolder[];
  timeoutSeconds?: number;
  /** Its logs explain money records (what was paid, to whom): kept ten years, like the records. */
  moneyLogs?: boolean;
  /** Its function is the steps of a state machine, which the schedule starts (the allowance's chunks). */
  stateMachine?: 'allowance-run';
  /**
   * Operator routes that do the job's work by hand: the tests of those routes check their table
   * accesses against the job's grant too (the job itself runs only in the cloud).
   */
  sameWorkAs?: string[];
}

export const JOBS: JobDefinition[] = [
  {
    name: 'rotate-keys',
    entry: 'functions/jobs/rotate-keys.ts',
    schedule: { rate: 'rate(1 day)' },
    table: {
      access: 'read-write',
      leadingKeys: ['KEYS'],
      indexes: [],
      why: 'the key ring: the next key is published, the oldest retired',
    },
    sameWorkAs: ['POST /v1/admin/keys/rotate'],
    keys: 'public-key',
  },
  {
    // Five minutes after the business day ends at 04:00 in Shanghai: it settles that day.
    name: 'settlement',
    entry: 'functions/jobs/settlement.ts',
    schedule: { shanghaiCron: 'cron(5 4 * * ? *)' },
    table: {
      access: 'read-write',
      leadingKeys: SETTLEMENT_KEYS,
      indexes: ['gsi1', 'gsi3'],
      why: 'the payees that moved money, their buckets and lines, the payouts; the daily report (its stored value from the latest full audit)',
    },
    sameWorkAs: ['POST /v1/admin/settlement-runs', 'GET /v1/admin/reports/daily'],
    keys: 'none',
    reports: ['settlement'],
    moneyLogs: true,
    // Its cost grows with payees and shards, not movements (docs/settlement.md): minutes, not the 15 allowed.
    timeoutSeconds: 900,
  },
  {
    // The first three days of each month at 04:20 in Shanghai: the points whose 12 months ended lapse,
    // 1000 cards a step; a day that runs out of time leaves the rest listed for the next.
    name: 'points-lapse',
    entry: 'functions/jobs/points-lapse.ts',
    schedule: { shanghaiCron: 'cron(20 4 1-3 * ? *)' },
    table: {
      access: 'read-write',
      leadingKeys: POINTS_LAPSE_KEYS,
      indexes: [],
      why: 'the month’s list of cards whose points lapse, their points accounts, the lapse postings into the pool',
    },
    sameWorkAs: ['POST /v1/admin/points-lapses'],
    keys: 'none',
    moneyLogs: true,
    timeoutSeconds: 900,
  },
  {
    // The first of each month at 04:10 in Shanghai: the month's senior living allowance, in chunks.
    name: 'allowance',
    stateMachine: 'allowance-run',
    entry: 'functions/jobs/allowance.ts',
    schedule: { shanghaiCron: 'cron(10 4 1 * ? *)' },
    table: {
      access: 'read-write',
      leadingKeys: ALLOWANCE_KEYS,
      indexes: ['gsi1'],
      why: 'the senior list, the holders’ cards, the run, its rows, its reserve and its payments',
    },
    sameWorkAs: ['POST /v1/admin/allowance-runs'],
    keys: 'none',
    reports: ['allowance'],
    moneyLogs: true,
    // One step of the run at a time: a chunk of 500 records is seconds.
    timeoutSeconds: 300,
  },
];
