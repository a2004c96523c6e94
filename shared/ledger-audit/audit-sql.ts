import { type AccountKind, SYSTEM } from '../ledger/accounts';

/**
 * The full audit as one SQL query over a DynamoDB export (one `{"Item": {...}}` a line, attributes
 * typed as `{"S": ...}`, `{"N": ...}`, `{"L": [...]}`): the same text runs on Amazon Athena over the
 * cloud's export and on DuckDB over the local stand-in, so the tests run the audit the city runs.
 * Only functions both engines have: starts_with, substr, min_by, LAG, CROSS JOIN UNNEST ... AS t(p).
 *
 * It checks what double entry promises: every transfer's postings sum to 0; every account's stored
 * balance (a wallet's newest entry, a system account's shards, a payee's minute buckets) equals the
 * replay of every posting to it; each wallet's entries add up, each after the one before; and all
 * balances together sum to 0. Rows come back in sections: one `summary`, one `kind` row per account
 * kind, and at most 100 `mismatch` and 100 `unbalanced` rows naming what is wrong.
 */
export function auditSql(source: string): string {
  return `WITH items AS (${source}),
postings AS (
  SELECT i.pk.S AS transfer, p.M.accountId.S AS account_id, CAST(p.M.amountFen.N AS BIGINT) AS amount_fen
  FROM items CROSS JOIN UNNEST(i.postings.L) AS t(p)
  WHERE starts_with(i.pk.S, 'XFER#') AND i.postings IS NOT NULL
),
transfer_sums AS (SELECT transfer, SUM(amount_fen) AS sum_fen FROM postings GROUP BY transfer),
replayed AS (SELECT account_id, SUM(amount_fen) AS replayed_fen FROM postings GROUP BY account_id),
shards AS (
  SELECT i.accountId.S AS account_id, SUM(CAST(i.balanceFen.N AS BIGINT)) AS balance_fen
  FROM items
  WHERE starts_with(i.pk.S, 'ACCT#') AND i.balanceFen IS NOT NULL AND i.accountId IS NOT NULL
    AND NOT starts_with(i.pk.S, 'ACCT#card_') AND (i.sk.S = 'A' OR starts_with(i.sk.S, 'M'))
  GROUP BY i.accountId.S
),
entries AS (
  SELECT substr(i.pk.S, 6) AS account_id, i.sk.S AS sk,
    CAST(i.amountFen.N AS BIGINT) AS amount_fen, CAST(i.balanceAfterFen.N AS BIGINT) AS after_fen
  FROM items WHERE starts_with(i.pk.S, 'ACCT#card_') AND starts_with(i.sk.S, 'E#')
),
chained AS (
  SELECT account_id, sk, amount_fen, after_fen,
    LAG(after_fen, 1, 0) OVER (PARTITION BY account_id ORDER BY sk DESC) AS before_fen
  FROM entries
),
wallets AS (
  SELECT account_id, min_by(after_fen, sk) AS balance_fen, SUM(amount_fen) AS entries_fen,
    SUM(CASE WHEN after_fen <> before_fen + amount_fen THEN 1 ELSE 0 END) AS broken
  FROM chained GROUP BY account_id
),
stored AS (
  SELECT account_id, balance_fen, CAST(NULL AS BIGINT) AS entries_fen, CAST(0 AS BIGINT) AS broken FROM shards
  UNION ALL SELECT account_id, balance_fen, entries_fen, broken FROM wallets
),
checked AS (
  SELECT COALESCE(s.account_id, r.account_id) AS account_id, COALESCE(s.balance_fen, 0) AS balance_fen,
    COALESCE(r.replayed_fen, 0) AS replayed_fen, s.entries_fen, COALESCE(s.broken, 0) AS broken
  FROM stored s FULL OUTER JOIN replayed r ON s.account_id = r.account_id
),
kinded AS (SELECT checked.*, ${kindCase('account_id')} AS kind FROM checked)
SELECT 'summary' AS section, CAST(NULL AS VARCHAR) AS name, CAST(NULL AS VARCHAR) AS kind,
  COUNT(*) AS a, SUM(balance_fen) AS b,
  (SELECT COUNT(*) FROM transfer_sums) AS c, (SELECT COUNT(*) FROM transfer_sums WHERE sum_fen <> 0) AS d,
  CAST(NULL AS BIGINT) AS e
FROM kinded
UNION ALL
SELECT 'kind', CAST(NULL AS VARCHAR), kind, COUNT(*), SUM(balance_fen), CAST(NULL AS BIGINT), CAST(NULL AS BIGINT),
  CAST(NULL AS BIGINT)
FROM kinded GROUP BY kind
UNION ALL
SELECT * FROM (
  SELECT 'mismatch', account_id, kind, balance_fen, replayed_fen, entries_fen, broken, CAST(NULL AS BIGINT)
  FROM kinded
  WHERE balance_fen <> replayed_fen OR (entries_fen IS NOT NULL AND entries_fen <> balance_fen) OR broken > 0
  ORDER BY account_id LIMIT ${MAX_NAMED}
)
UNION ALL
SELECT * FROM (
  SELECT 'unbalanced', transfer, CAST(NULL AS VARCHAR), sum_fen, CAST(NULL AS BIGINT), CAST(NULL AS BIGINT),
    CAST(NULL AS BIGINT), CAST(NULL AS BIGINT)
  FROM transfer_sums WHERE sum_fen <> 0 ORDER BY transfer LIMIT ${MAX_NAMED}
)`;
}

/** Accounts (and transfers) an audit names at most: enough to start from, never the whole ledger. */
export const MAX_NAMED = 100;

/** What the export's lines hold that the audit reads, as DuckDB's read_json is told to take them. */
export const EXPORT_ITEM_STRUCT =
  'STRUCT(pk STRUCT(S VARCHAR), sk STRUCT(S VARCHAR), accountId STRUCT(S VARCHAR), balanceFen STRUCT(N VARCHAR), amountFen STRUCT(N VARCHAR), balanceAfterFen STRUCT(N VARCHAR), postings STRUCT(L STRUCT(M STRUCT(accountId STRUCT(S VARCHAR), amountFen STRUCT(N VARCHAR)))[]))';

/**
 * Account ids by kind as SQL LIKE patterns: the chart of accounts (ledger/accounts.ts) said in SQL,
 * checked against it by a unit test. Most specific first.
 */
export const KIND_PATTERNS: [AccountKind, string][] = [
  ['card-points', 'card%:points'],
  ['wallet', 'card%'],
  ['operator-payable', 'operator:%:payable'],
  ['merchant-payable', 'merchant:%:payable'],
  ['biller-payable', 'biller:%:payable'],
  ['facility-payable', 'facility:%:payable'],
  ['campaign-budget', 'campaign:%:budget'],
  ['outlet-till', 'outlet:%:till'],
  ['allowance-reserve', 'allowance-run:%:reserve'],
  ['topup-clearing', SYSTEM.topupClearing],
  ['alliance-funding', SYSTEM.allianceFunding],
  ['adjustments', SYSTEM.adjustments],
  ['payouts-clearing', SYSTEM.payoutsClearing],
  ['fee-income', SYSTEM.feeIncome],
  ['treasury', SYSTEM.treasury],
  ['allowance-fund', SYSTEM.allowanceFund],
  ['points-pool', SYSTEM.pointsPool],
  ['provider-refunds', SYSTEM.providerRefunds],
];

export function kindCase(column: string): string {
  const arms = KIND_PATTERNS.map(([kind, like]) => `WHEN ${column} LIKE '${like}' THEN '${kind}'`).join(' ');
  return `CASE ${arms} ELSE 'unknown' END`;
}
