import type { AuthContext } from '../common/auth/auth-context';
import { covers, isNationwide, NATIONWIDE } from '../common/auth/region-scope';

/*
 * How to reach a staff member, and who may read it (docs/SECURITY.md,
 * "Staff contact fields"). Names and work phones are the company directory:
 * every staff member may read them (an agent calls the engineer back). The
 * e-mail and the messenger IDs are shown to admins, to directors whose scope
 * covers the staff member and to the staff member themself; masked for the
 * rest.
 */

const MOBILE = /^1[3-9][0-9]{9}$/;
/** 0 + area code (2 digits for 10 and 20-29, 3 otherwise), the 7-8 digit number, an optional extension after - or #. */
const LANDLINE = /^0([12][0-9]|[3-9][0-9]{2})-?([2-9][0-9]{6,7})(?:[-#]([0-9]{1,6}))?$/;

/**
 * A mainland mobile (13812345678) or a landline with its area code
 * (020-83338888, 0757-86338888, 0757-86338888-123, typed with or without
 * spaces, brackets or the dash after the area code), normalised to
 * 13812345678 / 0757-86338888(-123); null when it is neither.
 */
export function normaliseWorkPhone(input: string): string | null {
  const spaced = input.trim().replace(/[\s()（）]/g, '');
  const mobile = spaced.replace(/-/g, '').replace(/^\+?86(?=1[3-9][0-9]{9}$)/, '');
  if (MOBILE.test(mobile)) return mobile;
  const m = LANDLINE.exec(spaced);
  return m ? `0${m[1]}-${m[2]}${m[3] ? `-${m[3]}` : ''}` : null;
}

/** z***@corp.example.cn: enough to tell two addresses apart. */
export const maskEmail = (email: string) => {
  const at = email.lastIndexOf('@');
  return at > 0 ? `${email[0]}***${email.slice(at)}` : '***';
};

/** zh***: the first two characters of a messenger ID. */
export const maskHandle = (id: string) => `${id.slice(0, 2)}***`;

/** A director covers a staff member when their scope covers one of the staff member's regions (CN: only a nationwide director). */
export function directorCovers(auth: AuthContext, regions: readonly string[]): boolean {
  return regions.some((r) => (r === NATIONWIDE ? isNationwide(auth) : covers(auth, r)));
}

/** Admins, the staff member themself, and directors in scope see every contact field. */
export function mayReadContacts(auth: AuthContext, staff: { id: string; regions: readonly string[] }): boolean {
  if (auth.roles.includes('admin') || auth.staffId === staff.id) return true;
  return auth.roles.includes('director') && directorCovers(auth, staff.regions);
}
