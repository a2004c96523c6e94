import { invariant } from '../errors';
import type { Item } from '../store/items';

/** Wallets one memo holds at most: an upload's card run touches its card, at times a second wallet. */
export const MAX_MEMO_WALLETS = 8;

/**
 * What a run of commands last saw of each wallet it touched (its own item and its head entry, as read
 * or as its own transaction wrote them), so that its next command on the wallet plans on that instead
 * of reading the wallet again: an offline upload's next tap of the same card costs one transaction,
 * not a read and a transaction.
 *
 * As safe as a read: the next command's head put is conditional on the number after this head being
 * free, so a movement or a change of the card (which comes with a mark, wallet-head.ts) made by anyone
 * in between fails it, and the command reads afresh; a memo entry is taken, never read twice, so that
 * retry never sees it. What it can hold back is only what a read a moment earlier would have shown.
 */
export class WalletMemo {
  readonly #items = new Map<string, Item[]>();

  /** The wallet's items as last seen, once: the caller's next attempt reads the store. */
  take(accountId: string): Item[] | undefined {
    const items = this.#items.get(accountId);
    this.#items.delete(accountId);
    return items;
  }

  keep(accountId: string, items: Item[]): void {
    invariant(items.length <= 2, 'a wallet is its own item and its head');
    this.#items.delete(accountId);
    if (this.#items.size >= MAX_MEMO_WALLETS) this.#items.delete(this.#items.keys().next().value!);
    this.#items.set(accountId, items);
  }
}
