import { Injectable } from '@nestjs/common';
import type { ChannelTransport, KeyedRateLimit, SendOutcome, WecomMessage } from '../notifications.port';
import { ROBOT_RATE_LIMIT } from '../notifications.port';
import type { RobotErrcodes } from './robot-post';
import { RobotPoster, limitUtf8 } from './robot-post';

/** WeCom's limit on a markdown message's content, in bytes of UTF-8. */
export const WECOM_MARKDOWN_MAX_BYTES = 4096;

/** 45009: "api freq out of limit" (more than 20 a minute to this robot); -1: system busy. */
const WECOM_CODES: RobotErrcodes = { name: 'WeCom', rateLimited: [45009], busy: [-1] };

/**
 * A WeCom (企业微信) group robot: `POST <webhook url>` (the URL carries the
 * robot's key) with `{"msgtype":"markdown","markdown":{"content":…}}`.
 * People are mentioned by `<@userid>` inside the content. A robot takes 20
 * messages a minute: the caller keeps to rateLimitOf (one key per robot).
 */
@Injectable()
export class WecomRobotTransport implements ChannelTransport<WecomMessage> {
  readonly channel = 'wecom' as const;
  readonly configured = true;

  constructor(private readonly poster: RobotPoster) {}

  rateLimitOf(message: WecomMessage): KeyedRateLimit {
    return { key: `wecom_robot:${message.robot.channelId}`, ...ROBOT_RATE_LIMIT };
  }

  send(message: WecomMessage): Promise<SendOutcome> {
    const mentions = (message.mentionUserIds ?? []).map((id) => `<@${id}>`).join(' ');
    const tail = mentions ? `\n${mentions}` : '';
    const content = limitUtf8(message.markdown, WECOM_MARKDOWN_MAX_BYTES - Buffer.byteLength(tail)) + tail;
    return this.poster.post(message.robot.webhookUrl, { msgtype: 'markdown', markdown: { content } }, WECOM_CODES);
  }
}
