import { TMF_API_ROOT } from '../../common/http/api-path';
import type { AppConfig } from '../../config/app-config';

/** One TM Forum Open API the service speaks: `/tmf-api/<name>/<version>`. */
export interface TmfApi {
  /** Path segment and hub key: `troubleTicket`, `productOrderingManagement`, `customerManagement`. */
  readonly name: string;
  readonly version: 'v4';
  /** For the OpenAPI document's tags: `TMF629 Customer Management`. */
  readonly title: string;
}

/** `/tmf-api/<name>/v4`: the API's root path. */
export const tmfRoot = (api: TmfApi) => `/${TMF_API_ROOT}/${api.name}/${api.version}`;

/** The route path of one of its resources, for `@TmfController` (no leading slash, as Nest wants it). */
export const tmfRoutePath = (api: TmfApi, resource: string) => `${TMF_API_ROOT}/${api.name}/${api.version}/${resource}`;

/**
 * The absolute URL every `href` starts with: PUBLIC_BASE_URL when set (behind
 * a proxy the request's own host may be an internal one), else the request's
 * origin, else (the worker rendering an event, no request) this process's
 * own listening address.
 */
export function tmfBaseUrl(config: AppConfig, origin?: string): string {
  if (config.http.publicBaseUrl !== '/') return config.http.publicBaseUrl;
  if (origin) return origin;
  const host = config.http.host === '0.0.0.0' || config.http.host === '::' ? 'localhost' : config.http.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.http.port}`;
}

/** The absolute `href` of a resource: `<base>/tmf-api/<api>/v4/<resource>/<id>`. */
export const tmfHref = (base: string, api: TmfApi, resource: string, id: string) =>
  `${base}${tmfRoot(api)}/${resource}/${encodeURIComponent(id)}`;

/** Dates on the wire: ISO 8601 UTC with `Z` (null stays null). */
export const tmfDate = (d: Date | string | null | undefined): string | undefined =>
  d === null || d === undefined ? undefined : new Date(d).toISOString();
