import { describe, expect, it } from 'vitest';
import { operatorPayable } from '../../../shared/ledger/accounts';
import type { CommandPlan } from '../../../shared/ledger/command';
import { buildTransaction } from '../../../shared/ledger/transaction';
import { receiptText } from '../../../shared/receipts/format';
import { receiptSha256 } from '../../../shared/receipts/receipt';
import { accountKey, entryKey, transferKey } from '../../../shared/store/keys';

const CARD = 'card_unit';
const wallet = { ...accountKey(CARD), accountId: CARD, balanceFen: 1000, version: 4, status: 'active' };
const reads = { wallet: accountKey(CARD) };
const items = { wallet };
const at = new Date('2026-11-28T08:00:00Z');
const header = { entryId: 'tap:t1', at: at.toISOString(), kind: 'fare' as const, description: 'B1', ref: 't1' };
const fare = {
  transferId: 'tap:t1',
  ...header,
  postings: [
    { accountId: CARD, amountFen: -200 },
    { accountId: operatorPayable('bus-co'), amountFen: 200 },
  ],
};

const build = (plan: CommandPlan<unknown>) => buildTransaction('t', plan, items, reads, at);
const puts = (built: ReturnType<typeof build>) =>
  built.items.flatMap((i) => (i.Put?.Item ? [i.Put.Item as Record<string, unknown>] : []));

describe('a transaction built from a plan', () => {
  it('keeps a request’s record on its transfer’s own item, never over the ledger’s attributes', () => {
    // Prepare / Act
    const built = build({ transfer: fare, transferAttributes: { tapId: 't1', at: header.at }, result: {} });
    // Assess
    expect(puts(built).find((i) => i.pk === transferKey('tap:t1').pk)).toMatchObject({ tapId: 't1', refundedFen: 0 });
    expect(() => build({ transfer: fare, transferAttributes: { postings: [] }, result: {} })).toThrow(
      /ledger’s own|ledger's own/,
    );
    expect(() => build({ transfer: fare, transferAttributes: { at: 'another time' }, result: {} })).toThrow();
  });

  it('writes a wallet’s entry with its record when money moves, and a 0-fen one when none does', () => {
    const journey = { journeyId: 'jny_t1' };
    const paid = puts(
      build({ transfer: fare, walletEntries: { [CARD]: { header, attributes: { journey } } }, result: {} }),
    );
    expect(paid.filter((i) => i.pk === entryKey(CARD, 5).pk && i.sk === entryKey(CARD, 5).sk)).toEqual([
      expect.objectContaining({ amountFen: -200, balanceAfterFen: 800, journey }),
    ]);

    const free = build({ walletEntries: { [CARD]: { header, attributes: { journey } } }, result: {} });
    expect(puts(free)).toEqual([
      expect.objectContaining({
        ...entryKey(CARD, 5),
        amountFen: 0,
        balanceAfterFen: 1000,
        journey,
        entryId: 'tap:t1',
      }),
    ]);
    // The entry is the card's new head, put only where none is: two commands cannot both write entry 5,
    // and the card's own item is not written at all.
    expect(free.items).toHaveLength(1);
    expect(free.items[0]!.Put?.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(() =>
      build({ walletEntries: { [CARD]: { header, attributes: { balanceAfterFen: 1 } } }, result: {} }),
    ).toThrow();
  });

  it('sets a wallet’s own item only with the wallet’s next entry, in order with its money', () => {
    // Act: an identity check's change of what the card is, no money moving.
    const built = build({ walletItemSets: { [CARD]: { identityVerified: true } }, result: {} });
    // Assess: the mark (entry 5, 0 fen) and the update of the card's own item, in one transaction.
    expect(puts(built)).toEqual([
      expect.objectContaining({ ...entryKey(CARD, 5), amountFen: 0, balanceAfterFen: 1000 }),
    ]);
    expect(built.items.map((i) => i.Update?.Key)).toContainEqual(accountKey(CARD));
    expect(() => build({ walletItemSets: { [CARD]: { accountId: 'another' } }, result: {} })).toThrow(/ledger's own/);
    expect(() => build({ walletItemSets: { [CARD]: {} }, result: {} })).toThrow();
  });
});

describe('a wallet’s head entry', () => {
  it('carries the wallet’s attributes forward, with the plan’s changes over them', () => {
    const held = { ...wallet, carried: { transit: 'boards', holds: { h1: 300 } } };
    const built = buildTransaction(
      't',
      { transfer: fare, walletAttributes: { [CARD]: { holds: {} } }, result: {} },
      { wallet: held },
      reads,
      at,
    );
    const head = puts(built).find((i) => i.sk === entryKey(CARD, 5).sk);
    expect(head).toMatchObject({ balanceAfterFen: 800 });
    // The emptied book is left out, not kept as an empty map the entry would pay for.
    expect(head?.carried).toEqual({ transit: 'boards', receiptHead: expect.stringMatching(/^1:[\w-]{43}$/) });
    expect(() => build({ walletAttributes: { [CARD]: { carried: {} } }, result: {} })).toThrow(/ledger's own/);
  });

  it('links each movement of money into the wallet’s receipt chain, and carries the chain’s end past other entries', () => {
    const first = puts(build({ transfer: fare, result: {} })).find((i) => i.sk === entryKey(CARD, 5).sk);
    const link1 = { seq: 1, prev: null };
    const firstHash = receiptSha256(
      receiptText({ ...header, accountId: CARD, amountFen: -200, balanceAfterFen: 800, ...link1 }),
    );
    expect(first?.carried).toEqual({ receiptHead: `1:${firstHash}` });

    // The next entry of the wallet: a 0-fen one carries the end on; the next money links to it.
    const after = { ...wallet, version: 5, balanceFen: 800, carried: { receiptHead: `1:${firstHash}` } };
    const next = (plan: CommandPlan<unknown>) =>
      puts(buildTransaction('t', plan, { wallet: after }, reads, at)).find((i) => i.sk === entryKey(CARD, 6).sk);
    const free = next({ walletEntries: { [CARD]: { header, attributes: {} } }, result: {} });
    expect(free?.carried).toEqual({ receiptHead: `1:${firstHash}` });
    const t2 = { ...fare, transferId: 'tap:t2', ref: 't2' };
    const fareFacts = { fareDay: '2026-11-28', dayFen: 400, capFen: 1000, monthFen: 900, explanationSha256: 'x' };
    const paid = next({
      transfer: t2,
      walletEntries: {
        [CARD]: {
          header: { ...header, entryId: 'tap:t2', ref: 't2' },
          attributes: {},
          receiptFacts: { fare: fareFacts },
        },
      },
      result: {},
    });
    const text = receiptText({
      ...header,
      entryId: 'tap:t2',
      ref: 't2',
      accountId: CARD,
      amountFen: -200,
      balanceAfterFen: 600,
      facts: { fare: fareFacts },
      seq: 2,
      prev: firstHash,
    });
    // What the entry keeps of the facts; the explanation's digest is its answer's.
    expect(paid).toMatchObject({
      receiptFare: '2026-11-28,400,1000,900',
      carried: { receiptHead: `2:${receiptSha256(text)}` },
    });
    expect(() => build({ walletAttributes: { [CARD]: { receiptHead: '' } }, result: {} })).toThrow(/ledger's own/);
  });
});

describe('a transfer that takes a request record’s place', () => {
  it('is put only over a record without postings in the state it was read, and a failure replans', () => {
    const built = build({
      transfer: fare,
      transferAttributes: { status: 'succeeded' },
      transferReplacing: {
        condition: '#status = :seen',
        names: { '#status': 'status' },
        values: { ':seen': 'pending' },
      },
      result: {},
    });
    const i = built.items.findIndex((item) => item.Put?.Item?.pk === transferKey('tap:t1').pk);
    expect(built.items[i]!.Put).toMatchObject({
      ConditionExpression: 'attribute_not_exists(postings) AND (#status = :seen)',
      ExpressionAttributeValues: { ':seen': 'pending' },
    });
    expect(built.meanings[i]).toEqual({ kind: 'replan' });
    // Without it, the transfer is put only where nothing is, and a failure means it was made before.
    const plain = build({ transfer: fare, result: {} });
    const j = plain.items.findIndex((item) => item.Put?.Item?.pk === transferKey('tap:t1').pk);
    expect(plain.items[j]!.Put?.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(plain.meanings[j]).toEqual({ kind: 'replay' });
  });
});
