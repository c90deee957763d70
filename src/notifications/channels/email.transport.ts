import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { Transporter } from 'nodemailer';
import { createTransport } from 'nodemailer';
import { AppConfig } from '../../config/app-config';
import type { ChannelTransport, EmailMessage, KeyedRateLimit, SendOutcome } from '../notifications.port';

interface SmtpFailure {
  code?: string;
  responseCode?: number;
  response?: string;
  permanent?: boolean;
  message: string;
}

/**
 * E-mail through the SMTP relay (SMTP_HOST…), with nodemailer: a small pool
 * of connections kept open between messages, STARTTLS required unless
 * SMTP_REQUIRE_TLS=false. A 5xx answer is final (not retryable); a 4xx, a
 * timeout or a lost connection is worth another try.
 *
 * One recipient per message is what the pipeline sends. Given several, the
 * message counts as accepted when the relay took it for at least one of them;
 * `error` then names how many it refused.
 */
@Injectable()
export class EmailTransport implements ChannelTransport<EmailMessage>, OnApplicationShutdown {
  readonly channel = 'email' as const;
  private readonly mailer?: Transporter;

  constructor(config: AppConfig) {
    const smtp = config.notifications.smtp;
    if (smtp) {
      this.mailer = createTransport(
        {
          pool: true,
          maxConnections: 2,
          host: smtp.host,
          port: smtp.port,
          secure: smtp.secure,
          requireTLS: !smtp.secure && smtp.requireTls,
          auth: smtp.auth,
          connectionTimeout: smtp.timeoutMs,
          greetingTimeout: smtp.timeoutMs,
          socketTimeout: smtp.timeoutMs,
        },
        { from: smtp.from },
      );
    }
  }

  get configured(): boolean {
    return this.mailer !== undefined;
  }

  onApplicationShutdown(): void {
    this.mailer?.close();
  }

  /** A relay has no documented limit of its own: the caller's limits apply. */
  rateLimitOf(): KeyedRateLimit | null {
    return null;
  }

  async send(message: EmailMessage): Promise<SendOutcome> {
    if (!this.mailer) return { accepted: false, retryable: false, error: 'e-mail is not configured (SMTP_HOST)' };
    if (!message.to.length) return { accepted: false, retryable: false, error: 'no recipient' };
    try {
      const info = (await this.mailer.sendMail({
        to: message.to,
        // A header: a line break in a rendered subject must not start another header.
        subject: message.subject.replace(/[\r\n]+/g, ' '),
        text: message.text,
        ...(message.html ? { html: message.html } : {}),
      })) as { messageId?: string; accepted?: unknown[]; rejected?: unknown[] };
      const refused = info.rejected?.length ?? 0;
      return {
        accepted: true,
        providerMessageId: info.messageId,
        retryable: false,
        ...(refused ? { error: `the relay refused ${refused} of ${message.to.length} recipients` } : {}),
      };
    } catch (err) {
      const failure = err as SmtpFailure;
      const answer = failure.response ? `: ${failure.response.slice(0, 200)}` : '';
      return {
        accepted: false,
        // No SMTP answer at all (connection, timeout): transient. An answer: as its class says.
        retryable:
          failure.responseCode === undefined
            ? failure.code !== 'EENVELOPE' && failure.code !== 'EMESSAGE'
            : !(failure.permanent ?? failure.responseCode >= 500),
        error: failure.responseCode ? `SMTP ${failure.responseCode}${answer}` : `${failure.code ?? 'error'}: ${failure.message}`,
      };
    }
  }
}
