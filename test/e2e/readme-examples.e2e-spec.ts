import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Login } from '../../src/cli/seed';
import { seedDemo } from '../../src/cli/seed';
import { EVENT_TYPES } from '../../src/outbox/event-types.port';
import type { TestApp } from '../support/test-app';
import { startTestApp } from '../support/test-app';

const run = promisify(execFile);
const README = readFileSync(resolve(__dirname, '../../README.md'), 'utf8');
/** The marker on a line of its own, before each runnable block (a marker before anything else is a mistake). */
const MARKERS = /^<!-- readme-example -->$/gm;

/** The bash blocks README.md marks as runnable, in order. */
function examples(): string[] {
  return [...README.matchAll(/^<!-- readme-example -->\n```bash\n([\s\S]*?)\n```/gm)].map((m) => m[1]);
}

describe("README's examples run as printed on a fresh start", () => {
  let t: TestApp;
  let base: string;
  let logins: Login[];
  const adminPassword = randomBytes(12).toString('base64url');

  beforeAll(async () => {
    t = await startTestApp({ ADMIN_PASSWORD: adminPassword });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    const lines: string[] = [];
    logins = await seedDemo(t.app, t.config, (line) => lines.push(line));
    // the seed shows the README's passwords once, as a line to paste
    expect(lines.some((l) => /^export AGENT_PASSWORD='\w+' DIRECTOR_PASSWORD='\w+' BILLING_PASSWORD='\w+'$/.test(l))).toBe(true);
  });
  afterAll(async () => {
    await t?.close();
  });

  const passwordOf = (username: string) => {
    const password = logins.find((l) => l.username === username)?.password;
    if (!password || password.startsWith('(')) throw new Error(`the seed created no ${username}`);
    return password;
  };

  it('seeds a nationwide billing desk and a regional director', () => {
    expect(logins).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ username: 'billing.cn', roles: 'billing', regions: 'CN' }),
        expect.objectContaining({ username: 'director.gd', roles: 'director', regions: '440000' }),
      ]),
    );
  });

  it('runs every marked block with bash against the started server, each request answering 2xx', async () => {
    const blocks = examples();
    expect(blocks.length).toBe(README.match(MARKERS)?.length);
    expect(blocks.length).toBeGreaterThanOrEqual(7);
    // One shell session, as a reader runs them; curl fails on any answer >= 400, the shell stops at the first failure.
    const script = [
      'set -euo pipefail',
      'curl() { command curl --fail-with-body --show-error --max-time 60 "$@"; }',
      ...blocks.flatMap((b, i) => [b, `echo "::readme-example ${i + 1} ok" >&2`]),
    ].join('\n');
    const result = await run('bash', ['-c', script], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        BASE: base,
        ADMIN_PASSWORD: adminPassword,
        AGENT_PASSWORD: passwordOf('agent.gd'),
        DIRECTOR_PASSWORD: passwordOf('director.gd'),
        BILLING_PASSWORD: passwordOf('billing.cn'),
      },
      maxBuffer: 16 * 1024 * 1024,
    }).catch((err: { code: number; stdout: string; stderr: string }) => err);
    const done = [...result.stderr.matchAll(/::readme-example (\d+) ok/g)].length;
    expect({ done, stderr: done === blocks.length ? '' : result.stderr, stdout: done === blocks.length ? '' : result.stdout }).toEqual({
      done: blocks.length,
      stderr: '',
      stdout: '',
    });
    expect(result.stdout).toMatch(/"caseNo": "FLT-/);
    expect(result.stdout).toMatch(/"category": "complaint"/);
    expect(result.stdout).toMatch(/"caseNo": "ORD-/);
  }, 180_000);

  it('shows a fault and a complaint being opened and the console routes', () => {
    const runnable = examples().join('\n');
    expect(runnable).toMatch(/\/api\/v1\/faults"[\s\S]*"category": "complaint"|category: "complaint"/);
    for (const route of ['/api/v1/console/lookup', '/api/v1/console/queue', '/overview']) expect(runnable).toContain(route);
  });

  it('lists every event type the service publishes, and only those', () => {
    const section = README.split('<!-- event-types:start -->')[1]?.split('<!-- event-types:end -->')[0] ?? '';
    const listed = [...section.matchAll(/^\| `([a-z_.]+)` \|/gm)].map((m) => m[1]);
    expect(listed).toEqual([...EVENT_TYPES]);
  });
});
