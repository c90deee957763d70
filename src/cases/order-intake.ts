import type { EntityManager } from 'typeorm';
import type { AuthContext } from '../common/auth/auth-context';
import type { PostCommit } from '../common/post-commit';

/**
 * The port through which an inquiry becomes an order. The orders module
 * provides it (`{ provide: ORDER_INTAKE, useExisting: OrdersService }`,
 * exported); the inquiries module knows only this port. It lives in the case
 * kernel so that neither module imports the other's files.
 */
export const ORDER_INTAKE = 'focus-one:order-intake';

export interface OrderIntake {
  /**
   * Opens an order in the caller's transaction (the inquiry is locked and
   * closed in it), recording `inquiryId` on the order as the link back, with
   * the same access checks, audit row, event and post-commit fan-out as
   * POST /orders.
   * `body` is what POST /orders takes, without customerId: the orders module
   * validates it and answers 400 naming the fields (prefixed `order.`).
   */
  openFromInquiry(
    em: EntityManager,
    post: PostCommit,
    auth: AuthContext,
    input: { customerId: string; inquiryId: string; body: Record<string, unknown> },
  ): Promise<{ id: string; caseNo: string }>;
}
