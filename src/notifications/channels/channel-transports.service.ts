import { Injectable, Logger } from '@nestjs/common';
import type {
  ChannelMessage,
  ChannelTransport,
  KeyedRateLimit,
  MessageChannel,
  SendOutcome,
  SmsReceiptHandler,
} from '../notifications.port';
import { DingtalkRobotTransport } from './dingtalk-robot.transport';
import { EmailTransport } from './email.transport';
import { SmsReceipts } from './sms-receipts';
import { SmsTransport } from './sms.transport';
import { WecomRobotTransport } from './wecom-robot.transport';

/**
 * The one door to every channel: send one message, learn its outcome, learn
 * the rate limit it counts against, hear SMS delivery receipts. The delivery
 * pipeline (queue, digests, quiet hours, delivery log) sits on this and keeps
 * to the limits; nothing here queues or retries.
 */
@Injectable()
export class ChannelTransports {
  private readonly logger = new Logger(ChannelTransports.name);
  private readonly byChannel: { [C in MessageChannel]: ChannelTransport<Extract<ChannelMessage, { channel: C }>> };

  constructor(
    wecom: WecomRobotTransport,
    dingtalk: DingtalkRobotTransport,
    private readonly sms: SmsTransport,
    email: EmailTransport,
    private readonly receipts: SmsReceipts,
  ) {
    this.byChannel = { wecom, dingtalk, sms, email };
  }

  /** Sends one message. Never rejects: an unexpected failure is an outcome too (retryable, since nothing says it would recur). */
  async send(message: ChannelMessage): Promise<SendOutcome> {
    try {
      return await (this.byChannel[message.channel] as ChannelTransport).send(message);
    } catch (err) {
      this.logger.error(`sending on ${message.channel} failed unexpectedly: ${(err as Error).message}`);
      return { accepted: false, retryable: true, error: `unexpected: ${(err as Error).message}` };
    }
  }

  /** The limit a message counts against (e.g. `{key: 'wecom_robot:<id>', max: 20, perMs: 60000}`), or null. */
  rateLimitOf(message: ChannelMessage): KeyedRateLimit | null {
    return (this.byChannel[message.channel] as ChannelTransport).rateLimitOf(message);
  }

  /** Whether this process can send on the channel (SMS needs SMPP_URL, e-mail SMTP_HOST). */
  isConfigured(channel: MessageChannel): boolean {
    return this.byChannel[channel].configured;
  }

  /** Registers a handler for SMS delivery receipts; returns the function that removes it. */
  onSmsReceipt(handler: SmsReceiptHandler): () => void {
    return this.receipts.add(handler);
  }

  /** Binds the SMPP session now (workers do at start). */
  connectSms(): void {
    this.sms.connect();
  }
}
