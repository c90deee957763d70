/** 13812345678 → 138****5678, the form the hotline is allowed to see. */
export function maskMobile(mobile: string): string {
  return mobile.length === 11 ? `${mobile.slice(0, 3)}****${mobile.slice(7)}` : '*'.repeat(mobile.length);
}

/** 91440605MA4W2RXL16 → 9144**********XL16: enough to tell codes apart in a log, not to look a customer up. */
export function maskCreditCode(code: string): string {
  return code.length === 18 ? `${code.slice(0, 4)}${'*'.repeat(10)}${code.slice(14)}` : '*'.repeat(code.length);
}

// A mainland mobile (perhaps after the country code: 86, +86, 0086), as people type it (133 5979 0284,
// 133-5979-0284), and a unified social credit code, standing alone in free text.
const MOBILE_IN_TEXT = /(?<![0-9])(\+?86|0086)?([\s.-]*)(1[3-9][0-9])([\s.-]?)([0-9]{4})([\s.-]?)([0-9]{4})(?![0-9])/g;
const CREDIT_CODE_IN_TEXT = /(?<![0-9A-Z])[0-9A-HJ-NPQRTUWXY]{18}(?![0-9A-Z])/gi;
/** Full-width digits and letters (１３３…, ｋａ…): the search box reads them (src/common/lookup-term.ts), so masking must too. */
const FULL_WIDTH = /[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]/;

/** Free text (a search term, a logged URL) with every mobile and credit code in it masked as above. */
export function maskIdentifiers(text: string): string {
  return (FULL_WIDTH.test(text) ? text.normalize('NFKC') : text)
    .replace(
      MOBILE_IN_TEXT,
      (_, cc: string | undefined, s0: string, a: string, s1: string, _b: string, s2: string, c: string) =>
        `${cc ?? ''}${s0}${a}${s1}****${s2}${c}`,
    )
    .replace(CREDIT_CODE_IN_TEXT, maskCreditCode);
}

const PII_KEY = /mobile|phone/i;
const SECRET_KEY = /password|secret|token/i;

/** Copies a change set for the audit log with mobiles masked and secrets dropped. */
export function redactPii(value: unknown, key = ''): unknown {
  if (SECRET_KEY.test(key)) return '[redacted]';
  if (typeof value === 'string' && PII_KEY.test(key)) return maskMobile(value);
  if (Array.isArray(value)) return value.map((v) => redactPii(v, key));
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactPii(v, PII_KEY.test(key) ? key : k)]));
  }
  return value;
}
