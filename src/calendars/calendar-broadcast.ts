import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { RedisChannel } from '../queues/redis-channel';

/**
 * Tells the other processes (API and workers, src/worker.ts) that the
 * calendars changed, through the deployment's Redis channel
 * `<prefix>:calendars:changed` (RedisChannel). A message only says "read
 * PostgreSQL again": the receiver compares the generation there with its
 * own, so a duplicate or late message costs one cheap read and a lost one is
 * caught by the periodic poll (CALENDAR_REFRESH_SECONDS;
 * docs/ARCHITECTURE.md, "Calendars").
 */
@Injectable()
export class CalendarBroadcast implements OnModuleDestroy {
  private readonly channel: RedisChannel;

  constructor(config: AppConfig) {
    this.channel = new RedisChannel(
      config.redis.url,
      `${config.redis.queuePrefix}:calendars:changed`,
      new Logger(CalendarBroadcast.name),
      'other processes see calendar changes within CALENDAR_REFRESH_SECONDS',
    );
  }

  /**
   * Subscribes: `onMessage` for every announcement, `onReconnect` when the
   * subscription comes back after Redis was away (messages sent meanwhile
   * were lost). Does not wait for Redis: a process starts without it.
   */
  start(onMessage: (generation: number) => void, onReconnect: () => void): void {
    this.channel.listen({
      message: (message) => {
        const generation = Number((JSON.parse(message) as { generation?: unknown }).generation);
        if (Number.isFinite(generation)) onMessage(generation);
      },
      up: (again) => {
        if (again) onReconnect();
      },
      down: () => undefined,
    });
  }

  /** Announces a generation; never throws and never waits long (the poll covers a lost message). */
  publish(generation: number): Promise<void> {
    return this.channel.publish(JSON.stringify({ generation }));
  }

  onModuleDestroy(): void {
    this.channel.close();
  }
}
