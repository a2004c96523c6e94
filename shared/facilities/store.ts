import { FACILITIES_PK } from '../store/keys';
import type { Store } from '../store/store';
import { versionedDocuments } from '../store/versioned';
import type { Facility, FacilityCatalog } from './model';

const CACHE_MS = 30_000;

/** Facility products, versioned like fare tables; a visit is priced by the version in force at its `at`. */
export function facilityCatalogs(store: Store, clock: () => Date) {
  const versions = versionedDocuments<FacilityCatalog>(store, clock, {
    pk: FACILITIES_PK,
    field: 'catalog',
    cacheMs: CACHE_MS,
    what: 'Facility catalog',
  });
  return {
    ...versions,
    /** The facility as its products stood at `at`, or undefined if it did not exist then. */
    async facility(facilityId: string, at: Date): Promise<Facility | undefined> {
      return (await versions.at(at)).facilities.find((f) => f.facilityId === facilityId);
    },
  };
}
export type FacilityCatalogs = ReturnType<typeof facilityCatalogs>;
