import type { Logger } from '@nestjs/common';
import IORedis from 'ioredis';
import { reconnectDelayMs } from './redis-connection';

/** How long a committed change waits for its announcement to reach Redis before answering anyway. */
const PUBLISH_WAIT_MS = 1000;

/** What a listener hears: every message, and when the subscription is up (again) or lost. */
export interface ChannelListener {
  message(message: string): void;
  /** The subscription is in place; `again` after it was lost (messages sent meanwhile are gone). */
  up(again: boolean): void;
  /** The connection dropped: messages are being missed until `up` again. */
  down(): void;
}

/**
 * One Redis pub/sub channel of this deployment (named under the queue
 * prefix), for "something changed, read PostgreSQL again" announcements
 * between processes: the calendars (CalendarBroadcast) and the staff rows the
 * guard keeps (PrincipalCache). A message is a hint, never the truth: every
 * user of it has a fallback for a lost one (a poll, a TTL). Publishing never
 * throws and never waits more than PUBLISH_WAIT_MS; neither side waits for
 * Redis to start.
 */
export class RedisChannel {
  private publisher?: IORedis;
  private subscriber?: IORedis;
  private lastErrorLoggedAt = 0;

  constructor(
    private readonly url: string,
    readonly name: string,
    private readonly logger: Logger,
    /** Said after a failure: what the other processes fall back to. */
    private readonly fallback: string,
  ) {}

  get listening(): boolean {
    return this.subscriber !== undefined;
  }

  listen(listener: ChannelListener): void {
    const subscriber = new IORedis(this.url, {
      // Commands wait for the connection to come back rather than fail: the subscription is re-issued on reconnect.
      maxRetriesPerRequest: null,
      retryStrategy: reconnectDelayMs,
      connectionName: `${this.name}:sub`,
    });
    this.subscriber = subscriber;
    let upBefore = false;
    subscriber.on('ready', () => {
      subscriber.subscribe(this.name).then(
        () => {
          listener.up(upBefore);
          upBefore = true;
        },
        (err: Error) => {
          this.warn('subscribing', err);
          listener.down();
        },
      );
    });
    subscriber.on('close', () => listener.down());
    subscriber.on('error', (err: Error) => this.warn('subscription', err)); // 'close' follows; ioredis reconnects by itself
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.name) listener.message(message);
    });
  }

  async publish(message: string): Promise<void> {
    this.publisher ??= new IORedis(this.url, {
      maxRetriesPerRequest: 1,
      retryStrategy: reconnectDelayMs,
      connectionName: `${this.name}:pub`,
    }).on('error', (err: Error) => this.warn('announcements', err));
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.publisher.publish(this.name, message),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${PUBLISH_WAIT_MS} ms`)), PUBLISH_WAIT_MS))),
      ]);
    } catch (err) {
      this.warn('announcing a change', err as Error);
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.subscriber?.disconnect();
    this.publisher?.disconnect();
  }

  /** One line per 10 s at most: a Redis that is away makes ioredis report every reconnect attempt. */
  private warn(what: string, err: Error): void {
    if (Date.now() - this.lastErrorLoggedAt < 10_000) return;
    this.lastErrorLoggedAt = Date.now();
    this.logger.warn(`${this.name} ${what}: ${err.message}; ${this.fallback}`);
  }
}
