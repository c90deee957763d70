import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST a fake robot received, with the errcode it answered. */
export interface RobotHit {
  token: string;
  body: any;
  errcode: number;
  at: number;
}

/**
 * A stand-in for a robot platform on 127.0.0.1: answers like WeCom and
 * DingTalk do (200 with `{"errcode":…,"errmsg":…}`), enforcing their limit
 * of 20 messages a minute per robot on the messages it accepted.
 */
abstract class RobotFake {
  readonly hits: RobotHit[] = [];
  private server?: Server;
  protected port = 0;

  /** The verdict on one request: errcode and errmsg (0 = accepted). */
  protected abstract judge(url: URL, body: any): { token: string; errcode: number; errmsg: string };

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://robot.invalid');
        let body: any;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          body = undefined;
        }
        const verdict = req.headers['content-type']?.startsWith('application/json')
          ? this.judge(url, body)
          : { token: '', errcode: 40001, errmsg: 'not json' };
        this.hits.push({ token: verdict.token, body, errcode: verdict.errcode, at: Date.now() });
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ errcode: verdict.errcode, errmsg: verdict.errmsg }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  accepted(token: string): RobotHit[] {
    return this.hits.filter((h) => h.token === token && h.errcode === 0);
  }

  /** 20 accepted in the last minute: the next one is refused. */
  protected overLimit(token: string): boolean {
    const since = Date.now() - 60_000;
    return this.accepted(token).filter((h) => h.at > since).length >= 20;
  }
}

/** WeCom group robot: `POST /cgi-bin/webhook/send?key=…`, markdown only here; 45009 past 20 a minute. */
export class WecomFake extends RobotFake {
  url(key: string): string {
    return `http://127.0.0.1:${this.port}/cgi-bin/webhook/send?key=${key}`;
  }

  protected judge(url: URL, body: any) {
    const token = url.searchParams.get('key') ?? '';
    if (url.pathname !== '/cgi-bin/webhook/send' || !token) return { token, errcode: 93000, errmsg: 'invalid webhook url' };
    const content = body?.markdown?.content;
    if (body?.msgtype !== 'markdown' || typeof content !== 'string') return { token, errcode: 40008, errmsg: 'invalid message type' };
    if (Buffer.byteLength(content) > 4096) return { token, errcode: 40058, errmsg: 'markdown.content exceed max length 4096' };
    if (this.overLimit(token)) return { token, errcode: 45009, errmsg: 'api freq out of limit' };
    return { token, errcode: 0, errmsg: 'ok' };
  }
}

/**
 * DingTalk custom robot with signing: `POST /robot/send?access_token=…&timestamp=…&sign=…`;
 * the sign is checked with the secret registered for the token (310000 when
 * it does not match), then the body's shape, then 20 a minute (130101).
 */
export class DingtalkFake extends RobotFake {
  private readonly secrets = new Map<string, string>();

  /** Registers a robot: its URL (without timestamp and sign, which the sender adds). */
  robot(token: string, secret: string): string {
    this.secrets.set(token, secret);
    return `http://127.0.0.1:${this.port}/robot/send?access_token=${token}`;
  }

  protected judge(url: URL, body: any) {
    const token = url.searchParams.get('access_token') ?? '';
    const secret = this.secrets.get(token);
    if (url.pathname !== '/robot/send' || !secret) return { token, errcode: 300001, errmsg: 'token is not exist' };
    const timestamp = Number(url.searchParams.get('timestamp'));
    if (!Number.isFinite(timestamp) || Math.abs(Date.now() - timestamp) > 3600_000) {
      return { token, errcode: 310000, errmsg: 'invalid timestamp' };
    }
    const expected = Buffer.from(createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64'));
    const given = Buffer.from(url.searchParams.get('sign') ?? '');
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { token, errcode: 310000, errmsg: 'sign not match' };
    if (body?.msgtype !== 'markdown' || typeof body.markdown?.title !== 'string' || typeof body.markdown?.text !== 'string') {
      return { token, errcode: 40035, errmsg: 'missing markdown title or text' };
    }
    if (this.overLimit(token)) return { token, errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' };
    return { token, errcode: 0, errmsg: 'ok' };
  }
}
