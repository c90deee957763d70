import Fastify from 'fastify';
import pino from 'pino';
import { AppLogger, installRequestLogging, loggableFields, loggableRequest, loggableUrl, requestIdFor } from './logger';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

describe('loggableUrl', () => {
  it('masks mobiles and credit codes in query values, also when percent-encoded', () => {
    expect(loggableUrl('/api/v1/customers?q=13812345678&limit=5')).toBe('/api/v1/customers?q=138****5678&limit=5');
    expect(loggableUrl('/api/v1/console/lookup?q=%31%33%38%31%32%33%34%35%36%37%38')).toBe('/api/v1/console/lookup?q=138****5678');
    expect(loggableUrl('/api/v1/customers?q=91440605MA4W2RXL16')).toBe('/api/v1/customers?q=9144**********XL16');
  });

  it('redacts a parameter named like a credential, and a JWT under any name or in the path', () => {
    expect(loggableUrl(`/queues?token=${JWT}`)).toBe('/queues?token=[redacted]');
    expect(loggableUrl(`/api/v1/staff?access_token=abc&x=1`)).toBe('/api/v1/staff?access_token=[redacted]&x=1');
    expect(loggableUrl(`/api/v1/staff?q=${JWT}`)).toBe('/api/v1/staff?q=[redacted]');
    expect(loggableUrl(`/api/v1/${JWT}`)).toBe('/api/v1/[redacted]');
  });

  it('leaves other URLs as they came, broken percent-encoding included', () => {
    for (const url of [
      '/api/v1/customers?q=%E5%8D%97%E6%B5%B7&tier=key',
      '/api/v1/faults/0b7f2c1e-8d7a-4c55-9e0f-2d9c4b1a7e66',
      '/x?%zz=1&flag',
    ]) {
      expect(loggableUrl(url)).toBe(url);
    }
  });
});

describe('loggableFields', () => {
  it('masks query values and redacts credential headers, keeping the rest', () => {
    expect(loggableFields({ q: '13812345678', token: JWT, tags: ['13912345678'] })).toEqual({
      q: '138****5678',
      token: '[redacted]',
      tags: ['139****5678'],
    });
    expect(
      loggableFields(
        {
          authorization: 'Bearer x',
          'x-access-token': 'x',
          cookie: 'a=b',
          referer: `http://h/queues?token=${JWT}`,
          'user-agent': 'curl/8',
        },
        ['referer'],
      ),
    ).toEqual({
      authorization: '[redacted]',
      'x-access-token': '[redacted]',
      cookie: '[redacted]',
      referer: 'http://h/queues?token=[redacted]',
      'user-agent': 'curl/8',
    });
  });
});

describe('request logging', () => {
  /** A Fastify instance logging to memory as configureApp installs it, with a route that logs twice through Nest's logger. */
  async function serve() {
    const lines: Record<string, unknown>[] = [];
    const root = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
    const logger = new AppLogger(root);
    const fastify = Fastify({ genReqId: requestIdFor });
    installRequestLogging(fastify, root);
    let sameForm = false;
    fastify.get('/api/v1/customers', (request) => {
      logger.log('looking up', 'CustomersController');
      logger.warn({ found: 0 }, 'CustomersController');
      sameForm = loggableRequest(request) === loggableRequest(request);
      return { items: [] };
    });
    // over a socket, as the app serves (Fastify's inject needs an ES module this test runner cannot load)
    const base = await fastify.listen({ port: 0, host: '127.0.0.1' });
    return { fastify, base, lines, sameForm: () => sameForm };
  }

  it('echoes the request id and puts the masked request on every line written while serving it', async () => {
    const { fastify, base, lines, sameForm } = await serve();
    const res = await fetch(`${base}/api/v1/customers?q=13812345678`, {
      headers: { 'x-request-id': 'req-1', authorization: `Bearer ${JWT}` },
    });
    await fastify.close();

    expect(res.headers.get('x-request-id')).toBe('req-1');
    const req = {
      id: 'req-1',
      method: 'GET',
      url: '/api/v1/customers?q=138****5678',
      query: { q: '138****5678' },
      headers: expect.objectContaining({ authorization: '[redacted]' }) as unknown,
    };
    expect(lines.map((l) => l.msg)).toEqual(['looking up', undefined, 'request completed']);
    expect(lines[0]).toMatchObject({ context: 'CustomersController', req });
    expect(lines[1]).toMatchObject({ context: 'CustomersController', found: 0, req });
    expect(lines[2]).toMatchObject({ req, res: { statusCode: 200 } });
    expect(JSON.stringify(lines)).not.toContain('13812345678');
    expect(JSON.stringify(lines)).not.toContain(JWT);
    // worked out at the first line and kept for the request's others
    expect(sameForm()).toBe(true);
  });

  it('writes no line outside a request with a request on it', async () => {
    const { fastify, base, lines } = await serve();
    await fetch(`${base}/api/v1/customers`, { headers: { 'x-request-id': 'req-2' } });
    const outside: Record<string, unknown>[] = [];
    new AppLogger(pino({ level: 'info' }, { write: (line: string) => void outside.push(JSON.parse(line) as Record<string, unknown>) })).log(
      'after',
      'Bootstrap',
    );
    await fastify.close();
    expect(lines.every((l) => (l.req as { id?: string }).id === 'req-2')).toBe(true);
    expect(outside).toHaveLength(1);
    expect(outside[0].req).toBeUndefined();
  });
});
