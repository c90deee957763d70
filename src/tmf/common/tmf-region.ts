import type { AuthContext } from '../../common/auth/auth-context';
import { isNationwide } from '../../common/auth/region-scope';
import { tmfInvalid } from './tmf-error';

/**
 * The region a TMF create needs when the client does not name one (the
 * accepting region of an order, the region of an unlinked ticket): the
 * caller's own region when their scope is exactly one region (`4406` →
 * `440600`), otherwise a 400 saying what is missing. TMF clients (network
 * monitoring, an OSS) usually sign in as a service account of one region.
 */
export function callerRegion(auth: AuthContext, given: string | undefined, field: string): string {
  if (given) return given;
  if (!isNationwide(auth) && auth.scopes.length === 1) return auth.scopes[0].padEnd(6, '0');
  throw tmfInvalid(
    field,
    isNationwide(auth)
      ? 'is required: your scope is nationwide, so the region cannot be taken from it'
      : 'is required: your scope covers several regions, so the region cannot be taken from it',
  );
}
