import { Injectable } from '@nestjs/common';
import type { ChannelTransport, DingtalkMessage, KeyedRateLimit, SendOutcome } from '../notifications.port';
import { ROBOT_RATE_LIMIT } from '../notifications.port';
import { signedDingtalkUrl } from './dingtalk-sign';
import type { RobotErrcodes } from './robot-post';
import { RobotPoster, limitUtf8 } from './robot-post';

/** How long a markdown text may be before it is cut, in bytes of UTF-8. */
export const DINGTALK_MARKDOWN_MAX_BYTES = 20_000;

/** 130101: "send too fast" (more than 20 a minute; the robot is then muted 10 minutes); -1: system busy. 310000 (bad sign) is final. */
const DINGTALK_CODES: RobotErrcodes = { name: 'DingTalk', rateLimited: [130101], busy: [-1] };

/**
 * A DingTalk (钉钉) custom robot with signing: `POST <webhook url>&timestamp=…&sign=…`
 * with `{"msgtype":"markdown","markdown":{"title","text"},"at":{"atMobiles":[…]}}`.
 * DingTalk highlights a mention only when the text also says `@<mobile>`,
 * so the missing ones are added at the end. 20 messages a minute per robot:
 * the caller keeps to rateLimitOf.
 */
@Injectable()
export class DingtalkRobotTransport implements ChannelTransport<DingtalkMessage> {
  readonly channel = 'dingtalk' as const;
  readonly configured = true;

  constructor(private readonly poster: RobotPoster) {}

  rateLimitOf(message: DingtalkMessage): KeyedRateLimit {
    return { key: `dingtalk_robot:${message.robot.channelId}`, ...ROBOT_RATE_LIMIT };
  }

  send(message: DingtalkMessage): Promise<SendOutcome> {
    if (!message.robot.secret) {
      return Promise.resolve({ accepted: false, retryable: false, error: 'the DingTalk robot has no signing secret' });
    }
    const atMobiles = message.atMobiles ?? [];
    const atUserIds = message.atUserIds ?? [];
    const missing = [...atMobiles, ...atUserIds].filter((who) => !message.markdown.includes(`@${who}`));
    const tail = missing.length ? `\n\n${missing.map((who) => `@${who}`).join(' ')}` : '';
    const body = {
      msgtype: 'markdown',
      markdown: { title: message.title, text: limitUtf8(message.markdown, DINGTALK_MARKDOWN_MAX_BYTES - Buffer.byteLength(tail)) + tail },
      at: { atMobiles, atUserIds, isAtAll: false },
    };
    const url = signedDingtalkUrl(message.robot.webhookUrl, message.robot.secret, Date.now());
    return this.poster.post(url, body, DINGTALK_CODES);
  }
}
