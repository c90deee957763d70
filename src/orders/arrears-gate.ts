import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
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
 * days overdue), asked in the order's transaction. Billing owns the answer;
 * orders only ask, through the service billing exports
 * (docs/ARCHITECTURE.md, "Dependency rules").
 */
export interface ArrearsGate {
  standing(em: EntityManager, customerId: string): Promise<ArrearsStanding>;
}

/** Injection token of the ArrearsGate. */
export const ARREARS_GATE = Symbol('ARREARS_GATE');

/** Billing's answer: BillingService.arrearsStanding, read through the order's transaction. */
@Injectable()
export class BillingArrearsGate implements ArrearsGate {
  constructor(private readonly billing: BillingService) {}

  standing(em: EntityManager, customerId: string): Promise<ArrearsStanding> {
    return this.billing.arrearsStanding(customerId, em);
  }
}
