import { withoutTmfTrailingSlash } from '../../common/http/api-path';
import type { AppConfig } from '../../config/app-config';
import { tmfBaseUrl, tmfHref } from './tmf-api';

describe('TMF paths', () => {
  it('drops a trailing slash under /tmf-api only, keeping the query', () => {
    expect(withoutTmfTrailingSlash('/tmf-api/customerManagement/v4/customer/')).toBe('/tmf-api/customerManagement/v4/customer');
    expect(withoutTmfTrailingSlash('/tmf-api/customerManagement/v4/customer/?limit=1')).toBe(
      '/tmf-api/customerManagement/v4/customer?limit=1',
    );
    expect(withoutTmfTrailingSlash('/tmf-api/x/v4/customer?next=/a/')).toBe('/tmf-api/x/v4/customer?next=/a/');
    expect(withoutTmfTrailingSlash('/api/v1/customers/')).toBe('/api/v1/customers/');
    expect(withoutTmfTrailingSlash('/tmf-api/')).toBe('/tmf-api/');
  });

  it('builds absolute hrefs from PUBLIC_BASE_URL, else the request origin, else the listening address', () => {
    const api = { name: 'customerManagement', version: 'v4', title: 'TMF629' } as const;
    const config = (publicBaseUrl: string, host = '0.0.0.0') => ({ http: { publicBaseUrl, host, port: 3000 } }) as AppConfig;
    expect(tmfHref(tmfBaseUrl(config('https://fo.example.cn')), api, 'customer', 'c 1')).toBe(
      'https://fo.example.cn/tmf-api/customerManagement/v4/customer/c%201',
    );
    expect(tmfBaseUrl(config('/'), 'http://127.0.0.1:3101')).toBe('http://127.0.0.1:3101');
    expect(tmfBaseUrl(config('/'))).toBe('http://localhost:3000');
    expect(tmfBaseUrl(config('/', '127.0.0.1'))).toBe('http://127.0.0.1:3000');
  });
});
