import type { Store } from '../store/store';
import { versionedDocuments } from '../store/versioned';
import type { FareTable } from './fare-table';

/** How long an instance keeps the fare tables before reading them again. */
const CACHE_MS = 30_000;

/** Versioned fare tables, each effective from its own time; a tap is priced by the one in force at its `at`. */
export function fareTables(store: Store, clock: () => Date) {
  return versionedDocuments<FareTable>(store, clock, {
    pk: 'FARES',
    field: 'table',
    cacheMs: CACHE_MS,
    what: 'Fare table',
  });
}

export type FareTables = ReturnType<typeof fareTables>;
