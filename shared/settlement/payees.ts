import { catalogList } from '../catalog/catalog';
import type { FacilityCatalogs } from '../facilities/store';
import type { FareTables } from '../fares/store';
import { accountLayout, type PayeeKind, payeeAccount } from '../ledger/accounts';
import type { Store } from '../store/store';
import type { Payee } from './model';

/**
 * Every payee a run settles: each merchant (with its fee), biller, facility and transit operator
 * named in any kept version of the fare tables and facility catalogs (a route that closed still has
 * fares to pay out).
 */
export async function listPayees(store: Store, fares: FareTables, facilities: FacilityCatalogs): Promise<Payee[]> {
  const payee = (payeeKind: PayeeKind, payeeId: string, feeBasisPoints = 0): Payee => {
    const accountId = payeeAccount(payeeKind, payeeId);
    return { payeeKind, payeeId, accountId, shards: accountLayout(accountId).shards, feeBasisPoints };
  };
  const merchants = (await catalogList(store, 'merchant')).map((m) =>
    payee('merchant', m.merchantId as string, (m.feeBasisPoints as number | undefined) ?? 0),
  );
  const billers = (await catalogList(store, 'biller')).map((b) => payee('biller', b.billerId as string));
  const facilityIds = new Set((await facilities.all()).flatMap((c) => c.facilities.map((f) => f.facilityId)));
  const operatorIds = new Set((await fares.all()).flatMap((t) => t.routes.map((r) => r.operatorId)));
  return [
    ...merchants,
    ...billers,
    ...[...facilityIds].map((id) => payee('facility', id)),
    ...[...operatorIds].map((id) => payee('transit-operator', id)),
  ].sort((a, b) => a.payeeKind.localeCompare(b.payeeKind) || a.payeeId.localeCompare(b.payeeId));
}
