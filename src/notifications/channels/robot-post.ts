import { Injectable } from '@nestjs/common';
import { postPinnedReading } from '../../common/outbound/pinned-post';
import { AppConfig } from '../../config/app-config';
import { WebhookTargets } from '../../webhooks/webhook-targets.service';
import type { SendOutcome } from '../notifications.port';

/** A robot's answer is a small JSON object; anything beyond this is not read. */
const MAX_ANSWER_BYTES = 16 * 1024;

/** How the robot platforms say "too fast" and "busy" (both worth a later try). */
export interface RobotErrcodes {
  name: string;
  rateLimited: number[];
  busy: number[];
}

/**
 * Posts a robot message the way every outbound POST to a URL an admin typed
 * goes (docs/SECURITY.md, "Outbound calls"): the SSRF guard, then a
 * connection pinned to the approved addresses (WebhookTargets.check and
 * postPinnedReading). Then reads the platform's verdict, which both WeCom and
 * DingTalk give in a 200's JSON body: `{"errcode":0,"errmsg":"ok"}`.
 * Never throws; never puts the URL (its key or token is a credential) into
 * an error.
 */
@Injectable()
export class RobotPoster {
  constructor(
    private readonly targets: WebhookTargets,
    private readonly config: AppConfig,
  ) {}

  async post(url: string, payload: unknown, codes: RobotErrcodes): Promise<SendOutcome> {
    const timeoutMs = this.config.notifications.httpTimeoutMs;
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const check = await this.targets.check(url, signal);
      if (!check.ok) return { accepted: false, retryable: false, error: `the robot URL is refused: ${check.reason}` };
      const answer = await postPinnedReading(check.url, check.addresses, {
        headers: { 'Content-Type': 'application/json; charset=utf-8' },
        body: JSON.stringify(payload),
        signal,
        maxBytes: MAX_ANSWER_BYTES,
      });
      return verdict(answer.statusCode, answer.body, codes);
    } catch (err) {
      return { accepted: false, retryable: true, error: signal.aborted ? `no answer within ${timeoutMs} ms` : (err as Error).message };
    }
  }
}

/** The outcome a robot platform's answer means. */
export function verdict(statusCode: number, body: string, codes: RobotErrcodes): SendOutcome {
  if (statusCode < 200 || statusCode >= 300) {
    return { accepted: false, retryable: statusCode === 429 || statusCode >= 500, error: `${codes.name} answered HTTP ${statusCode}` };
  }
  let answer: { errcode?: unknown; errmsg?: unknown };
  try {
    answer = JSON.parse(body) as typeof answer;
  } catch {
    answer = {};
  }
  if (typeof answer.errcode !== 'number') {
    return { accepted: false, retryable: false, error: `${codes.name} answered HTTP ${statusCode} without an errcode` };
  }
  if (answer.errcode === 0) return { accepted: true, retryable: false };
  const errmsg = typeof answer.errmsg === 'string' ? `: ${answer.errmsg.slice(0, 200)}` : '';
  return {
    accepted: false,
    retryable: codes.rateLimited.includes(answer.errcode) || codes.busy.includes(answer.errcode),
    error: `${codes.name} errcode ${answer.errcode}${errmsg}`,
  };
}

/** `text` in at most `maxBytes` of UTF-8, cut at a character and ending with "…" when cut. */
export function limitUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const mark = '…';
  let out = '';
  let size = Buffer.byteLength(mark);
  for (const ch of text) {
    const n = Buffer.byteLength(ch);
    if (size + n > maxBytes) break;
    out += ch;
    size += n;
  }
  return out + mark;
}
