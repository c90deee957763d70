import type { IncomingHttpHeaders, Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pinnedLookup, postPinned, postPinnedReading } from './pinned-post';

interface Seen {
  server: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Two receivers on the same port of two loopback addresses: which one answered says where the POST connected. */
describe('postPinned', () => {
  const seen: Seen[] = [];
  const servers: Server[] = [];
  let port = 0;

  const listen = (host: string, name: string, at: number) =>
    new Promise<Server>((resolve, reject) => {
      const server = createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          seen.push({ server: name, headers: req.headers, body });
          if (req.url?.startsWith('/answer')) {
            // a robot's way: 200 with the outcome in a JSON body
            res.setHeader('content-type', 'application/json');
            return res.end(JSON.stringify({ errcode: 0, errmsg: 'ok', server: name, echo: body }));
          }
          res.statusCode = name === 'a' ? 204 : 202;
          res.end();
        });
      });
      server.once('error', reject).listen(at, host, () => resolve(server));
    });

  beforeAll(async () => {
    const a = await listen('127.0.0.1', 'a', 0);
    port = (a.address() as AddressInfo).port;
    servers.push(a, await listen('127.0.0.2', 'b', port));
  });
  afterAll(() => Promise.all(servers.map((s) => new Promise((ok) => s.close(ok)))));

  // `.invalid` never resolves (RFC 2606): an answer proves that no DNS look-up was made.
  const url = () => new URL(`http://hooks.invalid:${port}/in?x=1`);
  const post = (addresses: string[]) =>
    postPinned(url(), addresses, { headers: { 'Content-Type': 'application/json' }, body: '{"n":1}', signal: AbortSignal.timeout(5000) });

  it('connects to the approved address only, keeping the name in the Host header', async () => {
    expect(await post(['127.0.0.1'])).toBe(204);
    expect(seen.at(-1)).toMatchObject({
      server: 'a',
      body: '{"n":1}',
      headers: { host: `hooks.invalid:${port}`, 'content-length': '7', 'content-type': 'application/json' },
    });
  });

  it('never reuses a pooled connection for another approved address of the same name', async () => {
    expect(await post(['127.0.0.1'])).toBe(204);
    expect(await post(['127.0.0.2'])).toBe(202);
    expect(await post(['127.0.0.1'])).toBe(204);
    expect(seen.slice(-3).map((s) => s.server)).toEqual(['a', 'b', 'a']);
  });

  it('reads the answer of the receiver it connected to, and no more than maxBytes of it', async () => {
    const read = (addresses: string[], maxBytes: number) =>
      postPinnedReading(new URL(`http://hooks.invalid:${port}/answer`), addresses, {
        headers: { 'Content-Type': 'application/json' },
        body: '{"n":2}',
        signal: AbortSignal.timeout(5000),
        maxBytes,
      });
    const whole = await read(['127.0.0.2'], 10_000);
    expect(whole.statusCode).toBe(200);
    expect(JSON.parse(whole.body)).toEqual({ errcode: 0, errmsg: 'ok', server: 'b', echo: '{"n":2}' });
    expect((await read(['127.0.0.1'], 10)).body).toBe('{"errcode"');
  });

  it('fails, without resolving, when the connection asks for a family nothing was approved in', async () => {
    const lookup = pinnedLookup(['127.0.0.1']);
    const err = await new Promise<NodeJS.ErrnoException | null>((resolve) => lookup('hooks.invalid', { family: 6 }, (e) => resolve(e)));
    expect(err?.code).toBe('ENOTFOUND');
    const all = await new Promise<unknown>((resolve) => lookup('hooks.invalid', { all: true }, (_e, a) => resolve(a)));
    expect(all).toEqual([{ address: '127.0.0.1', family: 4 }]);
  });
});
