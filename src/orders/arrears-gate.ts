import { Injectable } from '@nestjs/common';
import type { ReadBatch } from '../common/read-batch';
import type { BatchPart } from '../common/write-batch';
import { BillingService } from '../billing/billing.service';

export interface ArrearsStanding {
  blocked: boolean;
  /** Why, for the 409 (e.g. "2 bills more than 90 days overdue, 12,345.00 CNY"). */
  detail?: string;
  /** Outstanding on every bill past its due date, in fen (the 409's overdueFen). */
  overdueFen?: number;
  /** Due date of the oldest overdue bill, 'YYYY-MM-DD' (the 409's oldestOverdueDate). */
  oldestOverdueDate?: string | null;
}

/**
 * Whether a customer is refused new orders for arrears (bills more than 90
 * days overdue), asked in the same statement as the order's customer context
 * (a ReadBatch). Billing owns the answer;
 * orders only ask, through the service billing exports
 * (docs/ARCHITECTURE.md, "Dependency rules").
 */
export interface ArrearsGate {
  /** The standing as a part of the order's batch of reads (one round trip with the customer's context). */
  standingIn(batch: ReadBatch, customerId: string): BatchPart<ArrearsStanding>;
}

/** Injection token of the ArrearsGate. */
export const ARREARS_GATE = Symbol('ARREARS_GATE');

/** Billing's answer: BillingService.arrearsStandingIn, in the order's batch of reads. */
@Injectable()
export class BillingArrearsGate implements ArrearsGate {
  constructor(private readonly billing: BillingService) {}

  standingIn(batch: ReadBatch, customerId: string): BatchPart<ArrearsStanding> {
    return this.billing.arrearsStandingIn(batch, customerId);
  }
}
