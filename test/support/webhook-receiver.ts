import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { unique } from './test-app';

export interface Hit {
  path: string;
  headers: IncomingHttpHeaders;
  raw: Buffer;
  body: { id: string; type: string; occurredAt: string; data: Record<string, unknown> };
  signatureOk: boolean;
  status: number;
}

/**
 * A real HTTP receiver on 127.0.0.1: verifies each signature over the raw
 * body with the secret registered for the path, records everything, and
 * answers what the test's script says for the n-th request to that path.
 */
export class Receiver {
  readonly hits: Hit[] = [];
  private readonly secrets = new Map<string, string>();
  private readonly scripts = new Map<string, (n: number) => number>();
  private server?: Server;
  private port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        const raw = Buffer.concat(chunks);
        const n = this.hits.filter((h) => h.path === path).length + 1;
        const status = (this.scripts.get(path) ?? (() => 200))(n);
        const secret = this.secrets.get(path) ?? '';
        const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`);
        const given = Buffer.from(String(req.headers['x-focusone-signature'] ?? ''));
        const signatureOk = expected.length === given.length && timingSafeEqual(expected, given);
        let body: Hit['body'];
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          body = undefined as never;
        }
        this.hits.push({ path, headers: req.headers, raw, body, signatureOk, status });
        if (status >= 300 && status < 400) res.setHeader('location', `${path}/redirected`);
        res.statusCode = status;
        res.end(status < 300 ? 'ok' : 'no');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** A fresh path with its secret and (optionally) a status script. */
  endpoint(secret: string, script?: (n: number) => number): { url: string; path: string } {
    const path = `/hooks/${unique()}`;
    this.secrets.set(path, secret);
    if (script) this.scripts.set(path, script);
    return { url: `http://127.0.0.1:${this.port}${path}`, path };
  }

  at(path: string): Hit[] {
    return this.hits.filter((h) => h.path === path);
  }
}
