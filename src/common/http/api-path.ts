/** The global prefix of every route but health and metrics (set in configureApp). */
export const API_PREFIX = 'api/v1';

/** The URL path of a resource of this API, e.g. apiPath('faults', id) → /api/v1/faults/<id>. */
export const apiPath = (...segments: string[]) => `/${[API_PREFIX, ...segments.map(encodeURIComponent)].join('/')}`;

/**
 * The root of the TM Forum Open API facades (`/tmf-api/<api>/v4/...`): outside the global prefix, with
 * their own error format, trailing-slash rule and OpenAPI document (src/tmf/common).
 */
export const TMF_API_ROOT = 'tmf-api';
const TMF_PATH_PREFIX = `/${TMF_API_ROOT}/`;

/**
 * `/tmf-api/x/v4/customer/` → `/tmf-api/x/v4/customer`: under the TM Forum root a trailing slash on a
 * path reaches the route without it (TMF630; clients and conformance kits build collection URLs both
 * ways). Elsewhere paths are matched exactly, as before.
 */
export function withoutTmfTrailingSlash(url: string): string {
  // Fastify calls this on every request: anything else leaves at one prefix test against a constant.
  if (!url.startsWith(TMF_PATH_PREFIX)) return url;
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  if (path.length <= TMF_API_ROOT.length + 2 || !path.endsWith('/')) return url;
  return path.replace(/\/+$/, '') + (q < 0 ? '' : url.slice(q));
}
