import type { AuthContext } from '../common/auth/auth-context';

/**
 * A number a caller reads out that points at a customer without being the
 * customer's own: a case number (FLT-…, CMP-…, SUP-…, INQ-…, ORD-…, WO-…) or
 * a bill number (BL-…). The customer record knows no case and no bill
 * (docs/ARCHITECTURE.md, "Dependency rules"), so the search box asks this
 * port; the console, which reads every module, provides it.
 */
export const CUSTOMER_REFERENCES = Symbol('CUSTOMER_REFERENCES');

export interface CustomerReferences {
  /**
   * The customer the number points at, or null: no such number, a case of a
   * caller who is not a customer, or a case the caller may not see (a case
   * outside their scope is not found, as when opened by id).
   */
  customerOf(auth: AuthContext, reference: string): Promise<string | null>;
}
