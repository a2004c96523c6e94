import type { PresentationDeclineCode } from '../credentials/presented';

export interface PurchaseRequest {
  paymentId: string;
  amountFen: number;
  challenge: string;
  credential: string;
  proof: string;
}

export type PurchaseDeclineCode = PresentationDeclineCode;

export interface PurchaseResult {
  paymentId: string;
  status: 'accepted' | 'declined';
  amountFen: number;
  discountFen: number;
  chargedFen: number;
  campaignId: string | null;
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
  status: 'completed';
}
