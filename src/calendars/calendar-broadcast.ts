import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import IORedis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { reconnectDelayMs } from '../queues/redis-connection';

/** How long a committed change waits for its announcement to reach Redis before answering anyway. */
const PUBLISH_WAIT_MS = 1000;

/**
 * Tells the other processes (API and workers, src/worker.ts) that the
 * calendars changed, through Redis pub/sub on one channel per queue prefix.
 * A message only says "read PostgreSQL again": the receiver compares the
 * generation there with its own, so a duplicate or late message costs one
 * cheap read and a lost one is caught by the periodic poll
 * (CALENDAR_REFRESH_SECONDS; docs/ARCHITECTURE.md, "Calendars").
 */
@Injectable()
export class CalendarBroadcast implements OnModuleDestroy {
  private readonly logger = new Logger(CalendarBroadcast.name);
  private readonly channel: string;
  private publisher?: IORedis;
  private subscriber?: IORedis;
  private lastErrorLoggedAt = 0;

  constructor(private readonly config: AppConfig) {
    this.channel = `${config.redis.queuePrefix}:calendars:changed`;
  }

  /**
   * Connects, and subscribes: `onMessage` for every announcement, `onReconnect` when the
   * subscription comes back after Redis was away (messages sent meanwhile
   * were lost). Does not wait for Redis: a process starts without it.
   */
  start(onMessage: (generation: number) => void, onReconnect: () => void): void {
    this.publisher = new IORedis(this.config.redis.url, {
      maxRetriesPerRequest: 1,
      retryStrategy: reconnectDelayMs,
      connectionName: 'focus-one:calendars-publisher',
    });
    this.publisher.on('error', (err: Error) => this.warn('calendar change announcements', err));
    const subscriber = new IORedis(this.config.redis.url, {
      maxRetriesPerRequest: null,
      retryStrategy: reconnectDelayMs,
      connectionName: 'focus-one:calendars-subscriber',
    });
    this.subscriber = subscriber;
    let readyBefore = false;
    subscriber.on('ready', () => {
      if (readyBefore) onReconnect();
      readyBefore = true;
    });
    subscriber.on('error', (err: Error) => this.warn('calendar change subscription', err));
    subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      const generation = Number((JSON.parse(message) as { generation?: unknown }).generation);
      if (Number.isFinite(generation)) onMessage(generation);
    });
    subscriber.subscribe(this.channel).catch((err: Error) => this.warn('subscribing to calendar changes', err));
  }

  /** Announces a generation; never throws and never waits more than PUBLISH_WAIT_MS (the poll covers a lost message). */
  async publish(generation: number): Promise<void> {
    if (!this.publisher) return;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.publisher.publish(this.channel, JSON.stringify({ generation })),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${PUBLISH_WAIT_MS} ms`)), PUBLISH_WAIT_MS))),
      ]);
    } catch (err) {
      this.warn('announcing a calendar change', err as Error);
    } finally {
      clearTimeout(timer);
    }
  }

  onModuleDestroy(): void {
    this.subscriber?.disconnect();
    this.publisher?.disconnect();
  }

  /** One line per 10 s at most: a Redis that is away makes ioredis report every reconnect attempt. */
  private warn(what: string, err: Error): void {
    if (Date.now() - this.lastErrorLoggedAt < 10_000) return;
    this.lastErrorLoggedAt = Date.now();
    this.logger.warn(`${what}: ${err.message}; other processes see calendar changes within CALENDAR_REFRESH_SECONDS`);
  }
}
