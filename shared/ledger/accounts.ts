/**
 * The chart of accounts. Balances are signed integer fen and the balances of all accounts sum to 0:
 * money that enters from outside (a top-up) leaves a negative balance on a clearing account.
 *
 * Two storage layouts:
 * - wallet: a citizen's card. Its balance lives on its newest statement entry: every change reads
 *   the card with that entry and puts the next entry only if its sequence number is free, so each
 *   entry carries the exact balance after it (statements need that; wallet-head.ts).
 * - system accounts: sharded. Every tap in the city credits transit revenue, and one DynamoDB item
 *   sustains about 1000 write units a second (about 500 transactional updates). With N shards, each
 *   posting goes to one random shard through a blind `ADD`, so the account takes N times the load;
 *   its balance is the sum of its shards.
 */
export const ACCOUNT_KINDS = [
  'wallet',
  'card-points',
  'points-pool',
  'provider-refunds',
  'topup-clearing',
  'operator-payable',
  'merchant-payable',
  'biller-payable',
  'campaign-budget',
  'alliance-funding',
  'adjustments',
  'facility-payable',
  'outlet-till',
  'payouts-clearing',
  'fee-income',
  'treasury',
  'allowance-fund',
  'allowance-reserve',
] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

export const SYSTEM = {
  topupClearing: 'sys:topup-clearing',
  allianceFunding: 'sys:alliance-funding',
  adjustments: 'sys:adjustments',
  /** What settlement paid out to payees: the bank transfers happen outside, against this account. */
  payoutsClearing: 'sys:payouts-clearing',
  /** The merchants' fees the city earns at settlement. */
  feeIncome: 'sys:fee-income',
  /** Where the city's money for benefits comes from (outside the ledger, like top-up clearing). */
  treasury: 'sys:treasury',
  /** The allowance fund: funded from the treasury, pays the monthly allowance; never below 0. */
  allowanceFund: 'sys:allowance-fund',
  /**
   * The alliance's pool of points: what lapses off cards (after 12 months, or at a closure) comes
   * here, the value the earning merchants funded and no citizen spent, the alliance's to use.
   */
  pointsPool: 'sys:points-pool',
  /**
   * A closed card's balance on its way back to the top-up provider: in at the closure, out to top-up
   * clearing when the provider confirms each refund, or back to the card when it refuses one.
   */
  providerRefunds: 'sys:provider-refunds',
} as const;

/**
 * A card's alliance points, as their own versioned account beside its money: a point is worth 1 fen
 * of purchases at alliance merchants (never cash), so the account counts fen of that value and
 * balances with money. Its entries are the points' history; its head carries the lots by month
 * earned, the oldest spent first and each lapsing 12 months on (points/lots.ts).
 */
export const cardPoints = (cardId: string) => `${cardId}:points`;

/** A card's id as the ledger names its wallet (a caller's claimed id of another shape names no account). */
export const CARD_ID = /^card_[\w-]{1,100}$/;
export const isCardId = (id: string) => CARD_ID.test(id);

/**
 * Accounts kept as a versioned head of statement entries (wallet-head.ts): a card's money and its
 * points. False for any other id, an unknown one included (a forged credential's claim).
 */
export const isVersioned = (accountId: string) => isCardId(accountId) || isCardPoints(accountId);
const isCardPoints = (accountId: string) =>
  accountId.endsWith(':points') && isCardId(accountId.slice(0, -':points'.length));

/** A transit operator's earnings: the fares of its routes (the fare table names each route's operator). */
export const operatorPayable = (operatorId: string) => `operator:${operatorId}:payable`;

export const merchantPayable = (merchantId: string) => `merchant:${merchantId}:payable`;
export const billerPayable = (billerId: string) => `biller:${billerId}:payable`;
export const campaignBudget = (campaignId: string) => `campaign:${campaignId}:budget`;
export const facilityPayable = (facilityId: string) => `facility:${facilityId}:payable`;
/**
 * One allowance run's share of the fund, set aside before it pays anyone: its payments come out of
 * it (a floor of 0: a run pays no more than it reserved) and what it did not pay goes back.
 */
export const allowanceReserve = (runId: string) => `allowance-run:${runId}:reserve`;
/** The cash an outlet took for the city: negative, like top-up clearing, until it is handed over. */
export const outletTill = (outletId: string) => `outlet:${outletId}:till`;

export interface AccountLayout {
  kind: AccountKind;
  /** 1 for a versioned wallet; otherwise how many shards carry the balance. */
  shards: number;
  /** The lowest balance a shard may reach, or null for no floor (clearing accounts go negative by design). */
  shardFloorFen: number | null;
}

/**
 * Shard counts, sized to the peak write rate each account sees:
 * a transit operator's payable takes every tap on its routes (peak ~5000 taps/s in a city of millions -> 16 shards at ~500/s each);
 * top-up clearing takes every top-up and credit (8); merchant and biller payables take one merchant's
 * or biller's traffic (4). A campaign budget is one item with a floor of 0: splitting it would refuse
 * a discount that one shard cannot cover though the budget can, and ~500 discounted purchases a
 * second per campaign is far above an alliance's rate.
 */
export function accountLayout(accountId: string): AccountLayout {
  if (isCardPoints(accountId)) return { kind: 'card-points', shards: 1, shardFloorFen: 0 };
  if (accountId.startsWith('card_')) return { kind: 'wallet', shards: 1, shardFloorFen: 0 };
  if (/^operator:[\w-]+:payable$/.test(accountId)) return { kind: 'operator-payable', shards: 16, shardFloorFen: null };
  if (accountId === SYSTEM.topupClearing) return { kind: 'topup-clearing', shards: 8, shardFloorFen: null };
  if (accountId === SYSTEM.allianceFunding) return { kind: 'alliance-funding', shards: 1, shardFloorFen: null };
  if (accountId === SYSTEM.adjustments) return { kind: 'adjustments', shards: 1, shardFloorFen: null };
  if (accountId === SYSTEM.payoutsClearing) return { kind: 'payouts-clearing', shards: 1, shardFloorFen: null };
  if (accountId === SYSTEM.feeIncome) return { kind: 'fee-income', shards: 1, shardFloorFen: null };
  // Only lapses come in, a card's points once a month at most: one item.
  // Closures online are a few a minute: one item, never below 0 (it pays out only what came in).
  if (accountId === SYSTEM.providerRefunds) return { kind: 'provider-refunds', shards: 1, shardFloorFen: 0 };
  if (accountId === SYSTEM.pointsPool) return { kind: 'points-pool', shards: 1, shardFloorFen: null };
  if (accountId === SYSTEM.treasury) return { kind: 'treasury', shards: 1, shardFloorFen: null };
  // One item with a floor: a run's payments are checked against the whole fund, not a shard of it.
  if (accountId === SYSTEM.allowanceFund) return { kind: 'allowance-fund', shards: 1, shardFloorFen: 0 };
  if (/^allowance-run:[\w-]+:reserve$/.test(accountId)) {
    return { kind: 'allowance-reserve', shards: 1, shardFloorFen: 0 };
  }
  if (/^merchant:[\w-]+:payable$/.test(accountId)) return { kind: 'merchant-payable', shards: 4, shardFloorFen: null };
  if (/^biller:[\w-]+:payable$/.test(accountId)) return { kind: 'biller-payable', shards: 4, shardFloorFen: null };
  if (/^campaign:[\w-]+:budget$/.test(accountId)) return { kind: 'campaign-budget', shards: 1, shardFloorFen: 0 };
  if (/^facility:[\w-]+:payable$/.test(accountId)) return { kind: 'facility-payable', shards: 4, shardFloorFen: null };
  // One outlet's counter takes a customer a minute at most: one item.
  if (/^outlet:[\w-]+:till$/.test(accountId)) return { kind: 'outlet-till', shards: 1, shardFloorFen: null };
  throw new Error(`unknown account ${accountId}`);
}

/** The accounts settlement pays out of: what each payee earned, and of which kind of payee. */
export const PAYEE_KINDS = {
  'merchant-payable': 'merchant',
  'biller-payable': 'biller',
  'facility-payable': 'facility',
  'operator-payable': 'transit-operator',
} as const;
export type PayeeKind = (typeof PAYEE_KINDS)[keyof typeof PAYEE_KINDS];

export function payeeOf(accountId: string): { payeeKind: PayeeKind; payeeId: string } | null {
  const kind = accountLayout(accountId).kind;
  if (!(kind in PAYEE_KINDS)) return null;
  return { payeeKind: PAYEE_KINDS[kind as keyof typeof PAYEE_KINDS], payeeId: accountId.split(':')[1]! };
}

export function payeeAccount(payeeKind: PayeeKind, payeeId: string): string {
  switch (payeeKind) {
    case 'merchant':
      return merchantPayable(payeeId);
    case 'biller':
      return billerPayable(payeeId);
    case 'facility':
      return facilityPayable(payeeId);
    case 'transit-operator':
      return operatorPayable(payeeId);
  }
}
