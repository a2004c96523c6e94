import { type BoardRecord, EMPTY_TRANSIT_STATE, type TransitState } from '../fares/engine';

/**
 * The card's transit state as the card item keeps it. Boards are the bulk of it (up to 32, eight
 * days' worth for late offline taps) and the card is written by every tap, in a transaction that pays
 * 2 units per started KB: as `{at, routeId}` maps a week of commuting (about 48 bytes a board) takes
 * the card over 1 KB; as `<epoch ms in base 36>~<routeId>` strings (about 12 bytes) it stays under.
 */
export interface StoredTransitState {
  boards: string[];
  days: TransitState['days'];
  open: TransitState['open'];
}

const SEPARATOR = '~';

const storedBoard = (b: BoardRecord) => `${Date.parse(b.at).toString(36)}${SEPARATOR}${b.routeId}`;

function boardOf(stored: string | BoardRecord): BoardRecord {
  // Cards written before boards were packed keep the map form until their next tap.
  if (typeof stored !== 'string') return stored;
  const cut = stored.indexOf(SEPARATOR);
  return { at: new Date(Number.parseInt(stored.slice(0, cut), 36)).toISOString(), routeId: stored.slice(cut + 1) };
}

export function storedTransitState(state: TransitState): StoredTransitState {
  return { boards: state.boards.map(storedBoard), days: state.days, open: state.open };
}

/** The state the fare engine reads, from what the card item holds (nothing yet: a card that never rode). */
export function transitStateOf(stored: unknown): TransitState {
  if (!stored) return EMPTY_TRANSIT_STATE;
  const s = stored as { boards?: (string | BoardRecord)[]; days?: TransitState['days']; open?: TransitState['open'] };
  return { boards: (s.boards ?? []).map(boardOf), days: s.days ?? {}, open: s.open ?? [] };
}
