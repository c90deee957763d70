import { promises as dns } from 'node:dns';
import ipaddr from 'ipaddr.js';

/**
 * SSRF guard for webhook targets. A subscriber chooses the URL, so without
 * this check anyone with the admin role could make the worker POST to the
 * cloud metadata service, a database on the private network or the worker's
 * own loopback. Only http(s) URLs whose host resolves exclusively to public
 * unicast addresses pass (every address the resolver returns must be public,
 * else an attacker lists one public and one private address).
 *
 * The check runs when a subscription is created and again right before each
 * delivery attempt (a DNS name may be re-pointed at a private address after
 * the subscription was accepted), and the attempt then connects to exactly
 * the addresses this check approved, never resolving the name a second time
 * (DNS rebinding with a TTL of 0: see WebhookTargets and postPinned).
 */

export type UrlCheck = { ok: true; url: URL; addresses: string[] } | { ok: false; reason: string };

export type Lookup = (hostname: string) => Promise<{ address: string; family: number }[]>;

export interface UrlGuardOptions {
  /** Tests and local demos deliver to 127.0.0.1 (WEBHOOK_ALLOW_PRIVATE). */
  allowPrivate: boolean;
  /** Defaults to the system resolver (`dns.promises.lookup`, all addresses). */
  lookup?: Lookup;
  /** Aborts a slow resolution (the delivery's own deadline). */
  signal?: AbortSignal;
}

export const systemLookup: Lookup = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

/** The IPv4 address an IPv6 address stands for, when it embeds one (mapped, NAT64, 6to4, SIIT). */
function embeddedIPv4(v6: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const range = v6.range();
  const p = v6.parts;
  const fromParts = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  if (range === 'ipv4Mapped') return v6.toIPv4Address();
  if (range === 'rfc6145') return fromParts(p[6], p[7]); // ::ffff:0:a.b.c.d
  if (range === 'rfc6052' && p[2] === 0) return fromParts(p[6], p[7]); // 64:ff9b::a.b.c.d (well-known NAT64 prefix)
  if (range === '6to4') return fromParts(p[1], p[2]); // 2002:AABB:CCDD::
  return undefined;
}

/** Why an address may not be a webhook target, or undefined when it is a public unicast address. */
export function refusedAddressReason(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  const ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv4') {
    const range = ip.range();
    return range === 'unicast' ? undefined : `${address} is a ${range} address`;
  }
  const v6 = ip as ipaddr.IPv6;
  const v4 = embeddedIPv4(v6);
  if (v4) {
    const inner = refusedAddressReason(v4.toString());
    return inner ? `${address} embeds ${inner}` : undefined;
  }
  const range = v6.range();
  if (range !== 'unicast') return `${address} is a ${range} address`;
  // ::a.b.c.d (deprecated IPv4-compatible, ::/96): ipaddr.js calls it unicast, yet it is no public address.
  if (v6.parts.slice(0, 6).every((x) => x === 0)) return `${address} is an IPv4-compatible address`;
  return undefined;
}

/** Parses and checks a webhook URL; never throws (a refusal is a result). */
export async function checkWebhookUrl(raw: string, options: UrlGuardOptions): Promise<UrlCheck> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'must be an absolute http or https URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, reason: 'must use http or https' };
  if (url.username || url.password) return { ok: false, reason: 'must not contain credentials' };
  // The WHATWG parser already turned 2130706433, 0x7f.1 and the like into dotted IPv4.
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!hostname) return { ok: false, reason: 'must name a host' };

  let addresses: string[];
  try {
    if (ipaddr.isValid(hostname)) return finish(url, hostname, [hostname], options.allowPrivate);
    const lookup = (options.lookup ?? systemLookup)(hostname);
    const found = await (options.signal ? raceAbort(lookup, options.signal) : lookup);
    addresses = found.map((a) => a.address);
  } catch (err) {
    const code = (err as { code?: string }).code;
    return { ok: false, reason: `host ${hostname} cannot be resolved${code ? ` (${code})` : ''}` };
  }
  return finish(url, hostname, addresses, options.allowPrivate);
}

function finish(url: URL, hostname: string, addresses: string[], allowPrivate: boolean): UrlCheck {
  if (!addresses.length) return { ok: false, reason: `host ${hostname} has no address` };
  if (!allowPrivate) {
    for (const address of addresses) {
      const why = refusedAddressReason(address);
      if (why)
        return { ok: false, reason: `must reach a public address: ${address === hostname ? why : `${hostname} resolves to ${why}`}` };
    }
  }
  return { ok: true, url, addresses };
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(Object.assign(new Error('aborted'), { code: 'ETIMEOUT' }));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(Object.assign(new Error('aborted'), { code: 'ETIMEOUT' }));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
