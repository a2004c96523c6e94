import type { PayeeKind } from '../ledger/accounts';
import { attributes } from '../store/attributes';
import { ownerIndexPage } from '../store/index-page';
import { payeeLinesIndex, settlementLineKey } from '../store/keys';
import type { Store } from '../store/store';
import { toLine } from './run';

export const PAYEE_LINES_MAX_PAGE = 100;
const LINE_SK = /^\d{4}-\d{2}-\d{2}T[\d:.]+Z#[\w-]+$/;

/** A payee's own settlement lines, newest first: what each run owed it, paid it and carried. */
export async function payeeLines(store: Store, payeeKind: PayeeKind, payeeId: string, limit: number, cursor?: string) {
  const page = await ownerIndexPage(store, {
    list: 'settlements',
    indexPk: payeeLinesIndex(payeeKind, payeeId),
    limit,
    maxPage: PAYEE_LINES_MAX_PAGE,
    cursor,
    skShape: LINE_SK,
    tableKeyOf: (sk) => settlementLineKey(sk.slice(sk.indexOf('#') + 1), payeeKind, payeeId),
  });
  const items = page.items.map((i) => {
    const { payeeKind: _k, payeeId: _p, ...line } = toLine(i);
    const run = attributes(i, 'settlement line');
    return { runId: run.str('runId'), cutoff: run.str('cutoff'), ...line };
  });
  return { items, nextCursor: page.nextCursor };
}
