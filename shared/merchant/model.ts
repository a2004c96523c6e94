import { PRESENTATION_DECLINE_CODES } from '../credentials/presented';

export interface PurchaseRequest {
  paymentId: string;
  amountFen: number;
  challenge: string;
  credential: string;
  proof: string;
  /** Alliance points to pay with (1 point = 1 fen); the proof's `pts` must cover them. */
  points?: number | undefined;
}

/** A presentation's refusals, and the card holding fewer points than the purchase would spend. */
export const PURCHASE_DECLINE_CODES = [...PRESENTATION_DECLINE_CODES, 'INSUFFICIENT_POINTS'] as const;
export type PurchaseDeclineCode = (typeof PURCHASE_DECLINE_CODES)[number];

export interface PurchaseResult {
  paymentId: string;
  status: 'accepted' | 'declined';
  amountFen: number;
  discountFen: number;
  chargedFen: number;
  campaignId: string | null;
  /** Points that paid part of it (the merchant got them as fen), and points the card earned on its money. */
  pointsSpent: number;
  pointsEarned: number;
  declineCode?: PurchaseDeclineCode;
}

export interface RefundResult {
  refundId: string;
  paymentId: string;
  amountFen: number;
  /** The discount's share given back to the campaign budget with this refund. */
  discountReturnedFen: number;
  /** All refunds of the payment so far, this one included. */
  refundedTotalFen: number;
  /** The share of the points the purchase spent, back on the card; the share it earned, taken off. */
  pointsReturned: number;
  pointsTakenBack: number;
  status: 'completed';
}
