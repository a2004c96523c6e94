import type { FareRule } from '../fares/engine';
import type { FareClass } from '../fares/fare-table';

export interface TapRequest {
  tapId: string;
  routeId: string;
  stopId: string;
  kind: 'board' | 'entry' | 'exit';
  at: string;
  challenge: string;
  credential: string;
  proof: string;
}

export type TapDeclineCode =
  | 'PROOF_INVALID'
  | 'CREDENTIAL_EXPIRED'
  | 'TAP_TIME_INVALID'
  | 'CARD_FROZEN'
  | 'DEVICE_REVOKED'
  | 'REPLAYED'
  | 'INSUFFICIENT_FUNDS'
  | 'NO_OPEN_JOURNEY';

export interface TapResult {
  tapId: string;
  status: 'accepted' | 'declined';
  /** The tap's fare; for an exit, the whole journey's fare. 0 when declined. */
  fareFen: number;
  /** The card's balance after the tap; null when the card could not be identified. */
  balanceFen: number | null;
  fareClass: FareClass | null;
  journeyId: string | null;
  explanation: FareRule[];
  declineCode?: TapDeclineCode;
}
