import { PRESENTATION_DECLINE_CODES } from '../credentials/presented';
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

export const TAP_DECLINE_CODES = [...PRESENTATION_DECLINE_CODES, 'NO_OPEN_JOURNEY'] as const;
export type TapDeclineCode = (typeof TAP_DECLINE_CODES)[number];

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
