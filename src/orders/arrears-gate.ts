import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { BillingService } from '../billing/billing.service';

export interface ArrearsStanding {
  blocked: boolean;
  /** Why, for the 409 (e.g. "2 bills more than 90 days overdue, 12,345.00 CNY"). */
  detail?: string;
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

/** Billing's answer: BillingService.isBlockedForArrears, read through the order's transaction. */
@Injectable()
export class BillingArrearsGate implements ArrearsGate {
  constructor(private readonly billing: BillingService) {}

  async standing(em: EntityManager, customerId: string): Promise<ArrearsStanding> {
    return { blocked: await this.billing.isBlockedForArrears(customerId, undefined, em) };
  }
}
