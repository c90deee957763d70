import type { ClientRequest, ClientRequestArgs, IncomingMessage } from 'node:http';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { isIPv6 } from 'node:net';

/**
 * An HTTP(S) POST that connects only to addresses the SSRF guard approved
 * (the guard is src/webhooks/url-guard.ts, reached through WebhookTargets).
 * Shared: webhook deliveries and region dispatch read only the status code
 * (postPinned), the notification robots read the answer too, since WeCom and
 * DingTalk report success or refusal in the JSON body of a 200
 * (postPinnedReading).
 *
 * `fetch` resolves the host name again when it connects, so a name that
 * answered the guard with a public address can answer the connection with
 * 127.0.0.1 (DNS rebinding with a TTL of 0). Here the connection's `lookup`
 * is replaced by one that returns the approved addresses and never asks DNS:
 * what was checked is what is dialled. The URL keeps its host name, so the
 * Host header, TLS SNI and the certificate check still use the name.
 */

// Idle keep-alive connections are closed after this long (the receiver's own idle timeout is usually shorter).
const IDLE_SOCKET_MS = 15_000;

type PinnedArgs = ClientRequestArgs & { pinned?: string };

/** The pool key includes the approved addresses: a socket opened for one approved set is never reused for another. */
class PinnedHttpAgent extends HttpAgent {
  override getName(options?: PinnedArgs): string {
    return `${super.getName(options)}|${options?.pinned ?? ''}`;
  }
}
class PinnedHttpsAgent extends HttpsAgent {
  override getName(options?: PinnedArgs): string {
    return `${super.getName(options)}|${options?.pinned ?? ''}`;
  }
}

const agents = {
  'http:': new PinnedHttpAgent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
  'https:': new PinnedHttpsAgent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
};

/** A `lookup` for net/tls.connect that answers with `addresses` only (filtered by the family asked for, if any). */
export function pinnedLookup(addresses: string[]): LookupFunction {
  const all: LookupAddress[] = addresses.map((address) => ({ address, family: isIPv6(address) ? 6 : 4 }));
  return (hostname, options, callback) => {
    const family = typeof options === 'object' ? options.family : undefined;
    const wanted = family === 4 || family === 6 ? all.filter((a) => a.family === family) : all;
    if (!wanted.length) {
      const err = Object.assign(new Error(`no approved IPv${family} address for ${hostname}`), { code: 'ENOTFOUND' });
      return (callback as (e: NodeJS.ErrnoException) => void)(err);
    }
    if (typeof options === 'object' && options.all) return (callback as (e: null, a: LookupAddress[]) => void)(null, wanted);
    callback(null, wanted[0].address, wanted[0].family);
  };
}

export interface PinnedPostInit {
  headers: Record<string, string>;
  body: string | Buffer;
  /** Aborts the request, the connection included (the delivery's deadline). */
  signal: AbortSignal;
}

/**
 * POSTs `init.body` to `url`, connecting only to `addresses` (never
 * resolving the name), and resolves with the status code once the response
 * head arrives. Redirects are not followed. The response body is not read:
 * it is drained in the background so the connection can be reused, and the
 * signal still bounds it.
 */
export function postPinned(url: URL, addresses: string[], init: PinnedPostInit): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const req = openPinned(url, addresses, init, (res) => {
      res.on('error', () => undefined); // an abort after the head arrived is not this delivery's failure
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    if (!req) return reject(new Error(`unsupported protocol ${url.protocol}`));
    req.on('error', reject);
    req.end(init.body);
  });
}

export interface PinnedAnswer {
  statusCode: number;
  /** The response body as UTF-8, at most `maxBytes` of it (the rest is discarded). */
  body: string;
}

/**
 * postPinned for receivers whose answer is in the body: resolves once the
 * whole response has arrived (or `maxBytes` of it), bounded by the signal.
 */
export function postPinnedReading(url: URL, addresses: string[], init: PinnedPostInit & { maxBytes: number }): Promise<PinnedAnswer> {
  return new Promise<PinnedAnswer>((resolve, reject) => {
    const req = openPinned(url, addresses, init, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size < init.maxBytes) chunks.push(chunk.subarray(0, init.maxBytes - size));
        size += chunk.length;
      });
      res.on('error', reject);
      res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    if (!req) return reject(new Error(`unsupported protocol ${url.protocol}`));
    req.on('error', reject);
    req.end(init.body);
  });
}

/** The request, pinned to `addresses`, or undefined for a protocol other than http(s). */
function openPinned(
  url: URL,
  addresses: string[],
  init: PinnedPostInit,
  onResponse: (res: IncomingMessage) => void,
): ClientRequest | undefined {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const options: PinnedArgs = {
    method: 'POST',
    headers: { ...init.headers, 'Content-Length': String(Buffer.byteLength(init.body)) },
    agent: agents[url.protocol],
    lookup: pinnedLookup(addresses),
    pinned: addresses.join(','),
    signal: init.signal,
  };
  return send(url, options, onResponse);
}
