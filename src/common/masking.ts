/** 13812345678 → 138****5678, the form the hotline is allowed to see. */
export function maskMobile(mobile: string): string {
  return mobile.length === 11 ? `${mobile.slice(0, 3)}****${mobile.slice(7)}` : '*'.repeat(mobile.length);
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
