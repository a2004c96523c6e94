import type { EntryKind } from '../ledger/model';

/**
 * The same messages in English, where OneCard's English is generic: an error's English message is the
 * one its throw site wrote (with the figures of the case), and an entry or rule keeps its own text.
 * These are the labels a view in English shows beside the Chinese ones (and the test's proof that
 * every Chinese message has its English).
 */
export const EN = {
  entries: {
    topup: 'Top-up',
    fare: 'Fare',
    bill: 'Bill payment',
    purchase: 'Purchase',
    refund: 'Refund',
    allowance: 'Senior living allowance',
    adjustment: 'Adjustment',
    funding: 'Funding',
    settlement: 'Settlement',
    facility: 'Public facility',
    'cash-topup': 'Cash top-up at an outlet',
  } satisfies Record<EntryKind, string>,
  fareRules: {
    base: 'Base fare',
    zones: 'Zone fare',
    transfer: 'Transfer discount',
    concession: 'Concession',
    cap: 'Daily cap',
    'entry-hold': 'Maximum fare held at entry',
    'exit-refund': 'Hold given back at exit',
    incomplete: 'Incomplete journey: maximum fare',
  },
  amount: '{{label}} ({{yuan}} yuan)',
} as const;
