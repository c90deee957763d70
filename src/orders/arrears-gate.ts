import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface ArrearsStanding {
  blocked: boolean;
  /** Why, for the 409 (e.g. "2 bills more than 90 days overdue, 12,345.00 CNY"). */
  detail?: string;
}

/**
 * Whether a customer is refused new orders for arrears (bills more than 90
 * days overdue), asked in the order's transaction. Billing owns the answer;
 * orders only ask (DESIGN "Which module may use which").
 */
export interface ArrearsGate {
  standing(em: EntityManager, customerId: string): Promise<ArrearsStanding>;
}

/** Injection token of the ArrearsGate; billing replaces the provider when it lands. */
export const ARREARS_GATE = Symbol('ARREARS_GATE');

/**
 * Until billing lands there are no bills, so no customer can be in arrears:
 * this gate never blocks. Billing provides the real one under ARREARS_GATE;
 * the order path (409 ORDER_CUSTOMER_IN_ARREARS unless a director overrides)
 * is already wired to it.
 */
@Injectable()
export class NoBillingArrearsGate implements ArrearsGate {
  async standing(): Promise<ArrearsStanding> {
    return { blocked: false };
  }
}
