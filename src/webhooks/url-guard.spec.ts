import type { Lookup } from './url-guard';
import { checkWebhookUrl, refusedAddressReason } from './url-guard';

/** A resolver that answers from a table, so the spec needs no network. */
const table =
  (entries: Record<string, string[]>): Lookup =>
  async (hostname) => {
    const found = entries[hostname];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

const lookup = table({
  'hooks.example.com': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
  'rebind.example.com': ['93.184.215.14', '10.0.0.7'],
  'metadata.example.com': ['169.254.169.254'],
  'v6local.example.com': ['fd12:3456:789a::1'],
  localhost: ['127.0.0.1', '::1'],
});

describe('refusedAddressReason', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['100.127.255.255', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['192.0.2.1', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'uniqueLocal'],
    ['fd00:ec2::254', 'uniqueLocal'],
    ['fe80::1', 'linkLocal'],
    ['ff02::1', 'multicast'],
    ['fec0::1', 'deprecatedSiteLocal'],
    ['2001:db8::1', 'reserved'],
    ['2001::1', 'teredo'],
    ['100::1', 'discard'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:169.254.169.254', 'linkLocal'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:0:127.0.0.1', 'loopback'],
    ['64:ff9b::a00:1', 'private'],
    ['64:ff9b:1::1', 'rfc6052'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:c0a8:101::1', 'private'],
    ['::7f00:1', 'IPv4-compatible'],
  ])('refuses %s (%s)', (address, why) => {
    expect(refusedAddressReason(address)).toContain(why);
  });

  it.each([
    '8.8.8.8',
    '93.184.215.14',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '2002:808:808::1',
  ])('accepts the public address %s', (address) => {
    expect(refusedAddressReason(address)).toBeUndefined();
  });

  it('refuses something that is no address', () => {
    expect(refusedAddressReason('example.com')).toContain('not an IP address');
  });
});

describe('checkWebhookUrl', () => {
  const check = (url: string, allowPrivate = false) => checkWebhookUrl(url, { allowPrivate, lookup });

  it('accepts an https URL whose host resolves to public addresses only', async () => {
    const result = await check('https://hooks.example.com/focus-one?x=1');
    expect(result).toMatchObject({ ok: true, addresses: ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'] });
  });

  it.each([
    ['ftp://hooks.example.com/', 'http or https'],
    ['file:///etc/passwd', 'http or https'],
    ['gopher://hooks.example.com/', 'http or https'],
    ['not a url', 'absolute'],
    ['/relative/path', 'absolute'],
    ['https://user:pw@hooks.example.com/', 'credentials'],
    ['http://127.0.0.1:1/x', 'loopback'],
    ['http://169.254.169.254/latest/meta-data/', 'linkLocal'],
    ['http://10.0.0.1/', 'private'],
    ['http://[::1]:8080/', 'loopback'],
    ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://2130706433/', 'loopback'], // decimal 127.0.0.1
    ['http://0x7f.0.0.1/', 'loopback'],
    ['http://0177.0.0.1/', 'loopback'],
    ['http://0/', 'unspecified'],
    ['http://localhost:3000/', 'loopback'],
    ['http://metadata.example.com/', 'linkLocal'],
    ['http://v6local.example.com/', 'uniqueLocal'],
    // one public and one private address: refused, the connection could go to either
    ['http://rebind.example.com/', 'private'],
    ['http://nowhere.example.com/', 'cannot be resolved (ENOTFOUND)'],
  ])('refuses %s', async (url, why) => {
    const result = await check(url);
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.reason).toContain(why);
  });

  it('lets private and loopback targets through when allowed, but still only http(s)', async () => {
    expect((await check('http://127.0.0.1:1/x', true)).ok).toBe(true);
    expect((await check('http://rebind.example.com/', true)).ok).toBe(true);
    expect((await check('ftp://127.0.0.1/', true)).ok).toBe(false);
  });

  it('gives up on a resolver slower than the deadline', async () => {
    const never: Lookup = () => new Promise(() => undefined);
    const result = await checkWebhookUrl('https://slow.example.com/', {
      allowPrivate: false,
      lookup: never,
      signal: AbortSignal.timeout(20),
    });
    expect(result).toEqual({ ok: false, reason: expect.stringContaining('cannot be resolved') });
  });

  it('uses the system resolver by default (localhost is loopback)', async () => {
    const result = await checkWebhookUrl('http://localhost/', { allowPrivate: false });
    expect(result.ok).toBe(false);
  });
});
