/**
 * Every key shape of the single table, in one place so no two features collide.
 * pk/sk are the table keys; gsi1pk/gsi1sk and gsi2pk/gsi2sk the secondary indexes (lists by owner),
 * gsi3pk/gsi3sk the activity index (the minute buckets that moved, by hour).
 */
export const SEED_MARKER = { pk: 'META#seed', sk: 'v1' } as const;
/**
 * The layout a store was seeded with. v2: a card's balance lives on its newest entry, and facility
 * visits and bill payments ride on their transfers; a v1 store's cards would read as empty. v3: minute
 * buckets are listed in the activity index (gsi3), which settlement reads to find the payees that moved
 * (a v2 store's table has no such index), and phone numbers are kept only as keyed hashes (a v2 store's
 * citizens would not be found at their next login).
 */
export const STORE_FORMAT = { pk: 'META#format', sk: 'v3' } as const;
export const CITY_CONFIG = { pk: 'CITY', sk: 'config' } as const;

export const fareTableKey = (version: number) => ({ pk: 'FARES', sk: `v${String(version).padStart(8, '0')}` });
export const FACILITIES_PK = 'FACILITIES';
export const facilityCatalogKey = (version: number) => ({
  pk: FACILITIES_PK,
  sk: `v${String(version).padStart(8, '0')}`,
});
export const OUTLETS_CONFIG = { pk: 'OUTLETS', sk: 'config' } as const;

/** Catalogue partitions: small sets read whole (merchants, campaigns, billers). */
export const catalogKey = (kind: 'merchant' | 'campaign' | 'biller', id: string) => ({ pk: `CATALOG#${kind}`, sk: id });
export const catalogPk = (kind: 'merchant' | 'campaign' | 'biller') => `CATALOG#${kind}`;

export const billKey = (billId: string) => ({ pk: `BILL#${billId}`, sk: 'B' });
export const billAccountIndex = (billerId: string, accountNo: string) => `BILLACCT#${billerId}#${accountNo}`;

export const citizenKey = (citizenId: string) => ({ pk: `CIT#${citizenId}`, sk: 'P' });
export const phoneKey = (phone: string) => ({ pk: `PHONE#${phone}`, sk: 'P' });
export const residentIdKey = (residentIdHash: string) => ({ pk: `RID#${residentIdHash}`, sk: 'R' });

export const accountKey = (accountId: string, shard?: number) => ({
  pk: shard === undefined ? `ACCT#${accountId}` : `ACCT#${accountId}#${shard}`,
  sk: 'A',
});
/**
 * A wallet's entries sort newest first (the key holds the largest sequence less the entry's own), so
 * that one query from the wallet's own item (`A`, which sorts before them) reads the wallet and its
 * newest entry, which holds the balance (ledger/wallet-head.ts).
 */
const ENTRY_SEQ_MAX = 999_999_999_999;
export const entryKey = (accountId: string, seq: number) => ({
  pk: `ACCT#${accountId}`,
  sk: `E#${String(ENTRY_SEQ_MAX - seq).padStart(12, '0')}`,
});
/** The sequence number of an entry, from its sort key. */
export const entrySeqOf = (sk: string) => ENTRY_SEQ_MAX - Number(sk.slice(2));
export const ENTRY_PREFIX = 'E#';
/** Past every entry's sort key: a wallet's item and its entries lie between `A` and this. */
export const ENTRY_SK_END = 'E#~';

/**
 * A payee's (and top-up clearing's) money lives in one item per shard and minute of recording: what
 * went in and out that minute is what settlement and the operator report read, and a settlement run
 * seals the minutes it settled.
 */
export const BUCKET_PREFIX = 'M';
export const minuteOf = (at: Date) => Math.floor(at.getTime() / 60_000);
export const bucketSk = (minute: number) => `${BUCKET_PREFIX}${String(minute).padStart(10, '0')}`;
export const minuteBucketKey = (accountId: string, shard: number, minute: number) => ({
  pk: `ACCT#${accountId}#${shard}`,
  sk: bucketSk(minute),
});
/**
 * The activity index (gsi3, keys only): each minute bucket is listed under its hour, sorted by minute,
 * so the buckets that moved between two minutes are found without knowing the accounts.
 */
export const ACTIVITY_INDEX = 'gsi3';
export const activityIndexPk = (hour: number) => `ACTIVE#${hour}`;
export const hourOfMinute = (minute: number) => Math.floor(minute / 60);
/** The account and shard a bucket's partition key names (`ACCT#<account>#<shard>`). */
export function bucketOwner(pk: string): { accountId: string; shard: number } {
  const at = pk.lastIndexOf('#');
  return { accountId: pk.slice('ACCT#'.length, at), shard: Number(pk.slice(at + 1)) };
}
/** The movements of one payee shard and minute, by recording time: settlement reads them only at a cutoff's minute. */
export const payeeMovementsIndex = (accountId: string, shard: number, minute: number) =>
  `SETLMOV#${accountId}#${shard}#${minute}`;
export const transferKey = (transferId: string) => ({ pk: `XFER#${transferId}`, sk: 'X' });

export const topupTransferId = (topupId: string) => `topup:${topupId}`;
/**
 * A top-up's record, from the citizen's request on (pending, with the Idempotency-Key's answer), is at
 * its transfer's key: the provider's success puts the transfer there in its place, one item, not two.
 */
export const topupKey = (topupId: string) => transferKey(topupTransferId(topupId));
export const idempotencyKey = (scope: string, key: string) => ({ pk: `IDEM#${scope}#${key}`, sk: 'I' });

export const otpKey = (phone: string) => ({ pk: `OTP#${phone}`, sk: 'O' });
export const loginFailuresKey = (phone: string) => ({ pk: `OTPFAIL#${phone}`, sk: 'F' });
export const rateKey = (bucket: string, window: number) => ({ pk: `RATE#${bucket}`, sk: `w${window}` });

export const deviceKey = (deviceId: string) => ({ pk: `DEVICE#${deviceId}`, sk: 'D' });
export const cardDevicesIndex = (cardId: string) => `CARDDEV#${cardId}`;
export const clientKey = (clientId: string) => ({ pk: `CLIENT#${clientId}`, sk: 'C' });
/** A route or facility a machine client is scoped to: its clients are listed under it. */
export type ScopeTarget = { kind: 'route' | 'facility'; id: string };
export const scopeMembersPk = (target: ScopeTarget) => `SCOPE#${target.kind}#${target.id}`;
export const scopeMemberKey = (target: ScopeTarget, clientId: string) => ({ pk: scopeMembersPk(target), sk: clientId });
export const assertionJtiKey = (clientId: string, jti: string) => ({ pk: `AJTI#${clientId}#${jti}`, sk: 'J' });
/** A proof's jti, per device: only an accepted tap or purchase uses it up. */
export const proofJtiKey = (deviceId: string, jti: string) => ({ pk: `PJTI#${deviceId}#${jti}`, sk: 'J' });

export const DENY_HEAD = { pk: 'DENY', sk: 'head' } as const;
export const denyChangeKey = (version: number) => ({ pk: 'DENY', sk: `v${String(version).padStart(12, '0')}` });
/** The cards on the deny list now, one item each in one partition: what a day's pseudonymous deny list is made from. */
export const deniedCardKey = (cardId: string) => ({ pk: 'DENYCARDS', sk: cardId });
export const denyStateKey = (kind: 'card' | 'device', id: string) => ({ pk: `DENYSTATE#${kind}#${id}`, sk: 'S' });

export const signingKeysKey = { pk: 'KEYS', sk: 'signing' } as const;

/** A tap's money movement, when it moves any: the answer to the tap is kept on this same record. */
export const tapTransferId = (tapId: string) => `tap:${tapId}`;
/**
 * Where a tap's answer is kept, accepted or declined: the key of its transfer, so that one conditional
 * put is both the answer's idempotency anchor and the money's, and a tapId can never hold a declined
 * and an accepted answer at once. A declined tap's record carries no postings: no money, no transfer.
 */
export const tapKey = (tapId: string) => transferKey(tapTransferId(tapId));

export const billTransferId = (paymentId: string) => `bill:${paymentId}`;
/** A bill payment's record (and its Idempotency-Key's answer) rides on its transfer's record. */
export const billPaymentKey = (paymentId: string) => transferKey(billTransferId(paymentId));
/** A biller's payments, by payment time (the second index: the transfer record is in settlement's first). */
export const billerPaymentsIndex = (billerId: string) => `BILLERPAY#${billerId}`;

/** Operator writes by Shanghai business day: a day's actions are one partition, read in order. */
export const auditDayPk = (date: string) => `AUDIT#${date}`;
export const auditKey = (date: string, at: string, requestId: string) => ({
  pk: auditDayPk(date),
  sk: `${at}#${requestId}`,
});

export const cashTopupKey = (topupId: string) => ({ pk: `CASHTOP#${topupId}`, sk: 'C' });
export const identityCheckKey = (checkId: string) => ({ pk: `IDCHECK#${checkId}`, sk: 'I' });
export const closureKey = (closureId: string) => ({ pk: `CLOSURE#${closureId}`, sk: 'C' });
/** An outlet's cash per business day: what it owes the city at the day's end. */
export const tillKey = (outletId: string, businessDate: string) => ({ pk: `TILL#${outletId}`, sk: businessDate });
export const cityCashKey = (businessDate: string) => ({ pk: 'TILLS', sk: businessDate });

/** Settlement: the head (last cutoff, the run in progress), each run, and its lines (one per payee). */
export const SETTLEMENT_HEAD = { pk: 'SETTLE', sk: 'head' } as const;
export const settlementRunKey = (runId: string) => ({ pk: `SETLRUN#${runId}`, sk: 'R' });
export const settlementLineKey = (runId: string, payeeKind: string, payeeId: string) => ({
  pk: `SETLRUN#${runId}`,
  sk: `L#${payeeKind}#${payeeId}`,
});
export const SETTLEMENT_LINE_PREFIX = 'L#';
/** A payee's lines, newest first, through the owner index. */
export const payeeLinesIndex = (payeeKind: string, payeeId: string) => `PAYEELINES#${payeeKind}#${payeeId}`;
export const settlementRunsIndex = 'SETLRUNS';

/** Agencies' eligibility records: by the agency's own id, by the holder's id hash (the index), by program. */
export const eligibilityKey = (agencyId: string, recordId: string) => ({ pk: `ELIG#${agencyId}#${recordId}`, sk: 'R' });
export const residentRecordsIndex = (residentIdHash: string) => `ELIGRID#${residentIdHash}`;
export const eligibilityProgramKey = (program: string, agencyId: string, recordId: string) => ({
  pk: `ELIGPROG#${program}`,
  sk: `${agencyId}#${recordId}`,
});
export const ALLOWANCE_RULES_PK = 'ALLOWANCE';
export const allowanceRulesKey = (version: number) => ({
  pk: ALLOWANCE_RULES_PK,
  sk: `v${String(version).padStart(8, '0')}`,
});
/** An allowance run, and its report rows (one per record considered). */
export const allowanceRunKey = (runId: string) => ({ pk: `ALWRUN#${runId}`, sk: 'R' });
/** A run's report row: its chunk, then its place in the chunk, so rows read back in the run's order. */
export const allowanceRowKey = (runId: string, chunk: number, n: number) => ({
  pk: `ALWRUN#${runId}`,
  sk: `row#${String(chunk).padStart(6, '0')}#${String(n).padStart(6, '0')}`,
});
export const ALLOWANCE_ROW_SK = /^row#\d{6}#\d{6}$/;
/** A run's claim on a card: the one row of the run that pays it this month. */
export const allowanceCardClaimKey = (runId: string, cardId: string) => ({
  pk: `ALWRUN#${runId}`,
  sk: `card#${cardId}`,
});
/** One chunk of a run: a range of the senior list planned and paid by one worker. */
export const allowanceChunkKey = (runId: string, chunk: number) => ({
  pk: `ALWRUN#${runId}`,
  sk: `chunk#${String(chunk).padStart(6, '0')}`,
});
/** Which run of a month is paying it now: one at a time, so no two runs plan the same cards. */
export const allowanceMonthKey = (month: string) => ({ pk: `ALWMONTH#${month}`, sk: 'M' });
/** A completed full audit of the ledger (the export and SQL run), and the pointer to the latest one. */
export const ledgerAuditKey = (auditId: string) => ({ pk: `LEDGERAUDIT#${auditId}`, sk: 'R' });
export const LEDGER_AUDIT_HEAD = { pk: 'LEDGERAUDIT', sk: 'latest' } as const;
/** Allowances paid per business day, city-wide: the operator report's figure. */
export const allowanceDayKey = (businessDate: string) => ({ pk: 'ALLOWANCES', sk: businessDate });

/**
 * The cards whose points lapse in a month (YYYY-MM): one item per card and month, put when the card
 * first holds points of the month 13 before; the month's lapse job reads this partition only.
 */
export const pointsLapsePk = (lapseMonth: string) => `PTSLAPSE#${lapseMonth}`;
export const pointsLapseKey = (lapseMonth: string, cardId: string) => ({ pk: pointsLapsePk(lapseMonth), sk: cardId });

/** A refund of a closed card's balance to the top-up provider: requested at the closure, settled by the provider's word. */
export const providerRefundKey = (refundId: string) => ({ pk: `PREFUND#${refundId}`, sk: 'R' });
