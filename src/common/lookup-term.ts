/**
 * What a caller says, read into one key for the hotline's search box
 * (GET /customers?q= and GET /console/lookup; docs/ARCHITECTURE.md, "Console").
 * Written once, here, so that both routes read a term the same way.
 *
 * Everything starts from the NFKC form: full-width digits and letters
 * (１３３…, ｋａ０００…) become ASCII, and an ideographic space a space.
 * Then, by shape:
 *   - a mobile however it is typed: separators (spaces, dashes, dots,
 *     brackets) dropped, then a leading +86, 0086 or 86 when 11 digits
 *     starting 1[3-9] are left;
 *   - a document number (a case FLT-20261130-000001, a work order
 *     WO-20261130-000101, a bill BL-202610-KA00000001): upper case, spaces
 *     dropped, the dashes put back if they were left out;
 *   - a customer number (KA00000042) or a unified social credit code:
 *     upper case, spaces dropped;
 *   - anything else: an access number (exact, as typed after NFKC) or a
 *     name fragment, which keeps the text as typed (names hold full-width
 *     brackets that NFKC would change).
 */
export type LookupTerm =
  | { by: 'mobile'; value: string }
  | { by: 'reference'; value: string }
  | { by: 'customer_no'; value: string }
  | { by: 'credit_code'; value: string }
  | { by: 'text'; value: string; name: string };

const SEPARATORS = /[\s\-–—_.()（）/]+/g;
const MOBILE = /^(?:\+?86|0086)?(1[3-9][0-9]{9})$/;
/** A case or work order number: prefix, China date, serial. */
const CASE_NO = /^([A-Z]{2,3})-?([0-9]{8})-?([0-9]{6})$/;
/** A bill number: BL, period, customer number. */
const BILL_NO = /^BL-?([0-9]{6})-?(KA[0-9]{8})$/;
const CUSTOMER_NO = /^KA[0-9]{8}$/;
const CREDIT_CODE = /^[0-9A-HJ-NPQRTUWXY]{18}$/;

export function lookupTerm(raw: string): LookupTerm {
  const typed = raw.trim();
  const nfkc = typed.normalize('NFKC').trim();
  const digits = nfkc.replace(SEPARATORS, '');
  const mobile = MOBILE.exec(digits);
  if (mobile) return { by: 'mobile', value: mobile[1] };
  const compact = nfkc.replace(/\s+/g, '').toUpperCase();
  const caseNo = CASE_NO.exec(compact);
  if (caseNo) return { by: 'reference', value: `${caseNo[1]}-${caseNo[2]}-${caseNo[3]}` };
  const billNo = BILL_NO.exec(compact);
  if (billNo) return { by: 'reference', value: `BL-${billNo[1]}-${billNo[2]}` };
  if (CUSTOMER_NO.test(compact)) return { by: 'customer_no', value: compact };
  if (CREDIT_CODE.test(compact)) return { by: 'credit_code', value: compact };
  return { by: 'text', value: nfkc, name: typed };
}
