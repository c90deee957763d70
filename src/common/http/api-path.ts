/** The global prefix of every route but health and metrics (set in configureApp). */
export const API_PREFIX = 'api/v1';

/** The URL path of a resource of this API, e.g. apiPath('faults', id) → /api/v1/faults/<id>. */
export const apiPath = (...segments: string[]) => `/${[API_PREFIX, ...segments.map(encodeURIComponent)].join('/')}`;
