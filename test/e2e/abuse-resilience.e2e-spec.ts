import { subscribe as subscribeChannel, unsubscribe as unsubscribeChannel } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { PostCommit } from '../../src/common/post-commit';
import { OutboxService } from '../../src/outbox/outbox.service';
import type { Lookup } from '../../src/webhooks/url-guard';
import { HOST_LOOKUP } from '../../src/webhooks/webhook-targets';
import { customerBody } from '../support/factories';
import { TestApp, bearer, startTestApp, unique } from '../support/test-app';
import { waitFor } from '../support/wait';
import { Receiver } from '../support/webhook-receiver';

/**
 * The standing abuse suite: what an attacker and a crash found, kept as
 * probes so none of it comes back. Each describe names the hole it holds
 * shut. (The kill -9 probe of idempotency keys is long and lives in
 * idempotency-crash.e2e-spec.ts.)
 */

/** An address the guard takes for public: the attacker's name server answers the guard with it. */
const PUBLIC = '93.184.215.14';

interface Dial {
  host: string;
  address: string;
}

/**
 * Watches every TCP connection this process opens by name. A connection to a
 * name that resolved to anything but the loopback is cut right after its
 * address is chosen, before the SYN: no test traffic leaves the machine,
 * and the test still learns where the app was about to connect.
 */
function watchConnections(): { dials: Dial[]; stop(): void } {
  const dials: Dial[] = [];
  const onSocket = (message: unknown) => {
    const { socket } = message as { socket: Socket };
    socket.on('lookup', (err: Error | null, address: string, _family: number, host: string) => {
      if (err) return;
      dials.push({ host, address });
      if (address !== '127.0.0.1' && address !== '::1') socket.destroy(new Error(`test: connection to ${address} stopped before it left`));
    });
  };
  subscribeChannel('net.client.socket', onSocket);
  return { dials, stop: () => void unsubscribeChannel('net.client.socket', onSocket) };
}

describe('SSRF: a delivery connects to exactly the address the guard approved (DNS rebinding)', () => {
  let t: TestApp;
  const receiver = new Receiver();
  const watch = watchConnections();
  /** What the stub name server answers for every name, and whom it answered. */
  let answer = PUBLIC;
  const asked: string[] = [];
  const stub: Lookup = async (hostname) => {
    asked.push(hostname);
    return [{ address: answer, family: 4 }];
  };

  beforeAll(async () => {
    await receiver.start();
    t = await startTestApp(
      { WEBHOOK_ALLOW_PRIVATE: 'false', OUTBOX_POLL_MS: '200', WEBHOOK_RETRY_BASE_MS: '200', WEBHOOK_TIMEOUT_MS: '2000' },
      { override: (b) => b.overrideProvider(HOST_LOOKUP).useValue(stub) },
    );
  });
  afterAll(async () => {
    await t?.close();
    await receiver.stop();
    watch.stop();
  });

  // `localhost` stands for the attacker's name: the guard hears PUBLIC from the stub, while any second
  // resolution of the name (the system's) would say 127.0.0.1, where the receiver listens.
  const onLocalhost = (url: string) => url.replace('//127.0.0.1:', '//localhost:');
  const dialsTo = (port: string) => watch.dials.filter((d) => d.host === 'localhost').map((d) => `${d.address}:${port}`);

  it('webhook deliveries: every attempt dials the approved public address, never the loopback; a re-pointed name is refused', async () => {
    answer = PUBLIC;
    const secret = `whsec-${unique()}`;
    const endpoint = receiver.endpoint(secret);
    const url = onLocalhost(endpoint.url);
    const port = new URL(url).port;
    const sub = await t
      .http()
      .post('/api/v1/webhooks')
      .set(bearer(t.admin))
      .send({ url, events: ['fault.created'], secret })
      .expect(201);
    const post = new PostCommit();
    await t.dataSource.transaction((em) => t.app.get(OutboxService).emit(em, post, 'fault.created', { probe: 'rebinding' }));
    await post.run();

    const deliveries = async () =>
      (await t.http().get(`/api/v1/webhooks/${sub.body.id}/deliveries`).set(bearer(t.admin)).expect(200)).body.items[0];
    const twoAttempts = await waitFor(async () => (await deliveries())?.attemptLog.length >= 2 && deliveries(), 15_000, 'two attempts');
    for (const a of twoAttempts.attemptLog)
      expect(a).toMatchObject({ statusCode: null, error: expect.stringContaining(`${PUBLIC} stopped`) });
    expect(receiver.at(endpoint.path)).toHaveLength(0);
    expect(dialsTo(port).length).toBeGreaterThanOrEqual(2);
    expect(new Set(dialsTo(port))).toEqual(new Set([`${PUBLIC}:${port}`]));

    // The name now answers 127.0.0.1: the guard, asked again before the next attempt, refuses it.
    answer = '127.0.0.1';
    const refused = await waitFor(
      async () => {
        const d = await deliveries();
        return d.attemptLog.some((a: { error: string | null }) => a.error?.includes('loopback')) && d;
      },
      15_000,
      'an attempt refused by the guard',
    );
    expect(refused.lastError).toContain('refused');
    expect(receiver.at(endpoint.path)).toHaveLength(0);
    expect(asked).toContain('localhost');
  });

  it('region work-order dispatch: the signed POST dials the approved public address, never the loopback', async () => {
    answer = PUBLIC;
    const secret = `whsec-${unique()}-0123456789`;
    const endpoint = receiver.endpoint(secret);
    const url = onLocalhost(endpoint.url);
    const port = new URL(url).port;
    await t.http().put('/api/v1/regions/440600/dispatch').set(bearer(t.admin)).send({ url, secret }).expect(200);
    const director = await t.staff(['director'], ['CN']);
    const c = (await t.http().post('/api/v1/customers').set(bearer(director)).send(customerBody()).expect(201)).body;
    const before = dialsTo(port).length;
    await t
      .http()
      .post('/api/v1/orders')
      .set(bearer(director))
      .send({
        customerId: c.id,
        acceptedRegion: '440600',
        items: [
          {
            action: 'add',
            productCode: 'MPLS_VPN',
            siteId: c.sites[0].id,
            quantity: 1,
            attributes: { bandwidthMbps: 100, qosClass: 'gold' },
          },
        ],
      })
      .expect(201);
    await waitFor(() => dialsTo(port).length > before, 15_000, 'the dispatch attempt');
    expect(new Set(dialsTo(port).slice(before))).toEqual(new Set([`${PUBLIC}:${port}`]));
    expect(receiver.at(endpoint.path)).toHaveLength(0);
    await t.http().delete('/api/v1/regions/440600/dispatch').set(bearer(t.admin)).expect(204);
  });
});
