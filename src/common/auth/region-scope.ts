import type { AuthContext } from './auth-context';

/** The staff scope written for "the whole country". */
export const NATIONWIDE = 'CN';

/** 440000 → '44', 440600 → '4406', 440605 → '440605', CN → '' (GB/T 2260 codes pad with zeros). */
export function scopePrefix(code: string): string {
  if (code === NATIONWIDE) return '';
  if (code.endsWith('0000')) return code.slice(0, 2);
  if (code.endsWith('00')) return code.slice(0, 4);
  return code;
}

export function isNationwide(auth: AuthContext): boolean {
  return auth.roles.includes('admin') || auth.scopes.includes('');
}

export function covers(auth: AuthContext, regionCode: string): boolean {
  return isNationwide(auth) || auth.scopes.some((p) => regionCode.startsWith(p));
}

/** LIKE patterns for SQL (`region LIKE ANY(<patterns>)`), or null when the caller sees everything. */
export function scopePatterns(auth: AuthContext): string[] | null {
  return isNationwide(auth) ? null : auth.scopes.map((p) => `${p}%`);
}
