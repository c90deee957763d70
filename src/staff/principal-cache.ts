import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Principal, PrincipalLoader } from '../common/auth/principal-loader';
import { AppConfig } from '../config/app-config';
import { RedisChannel } from '../queues/redis-channel';
import { principalOf } from './staff.repository';

interface Entry {
  principal: Principal | null;
  loadedAt: number;
}

/**
 * The staff row every authenticated request checks (active, token version,
 * roles, scopes), kept in this process so a request needs no database round
 * trip (issue 15). The promise that a deactivation revokes tokens at once
 * holds across processes: every change that revokes or narrows (deactivation,
 * role or scope change, password change) is published on a Redis channel of
 * this deployment's prefix, and every process drops its copy on it. Where
 * that cannot be trusted the database answers: while the subscription is not
 * up (and everything cached is dropped when it goes down or comes back, since
 * messages may have been missed), and for an entry older than
 * AUTH_CACHE_TTL_MS, which also bounds a change made outside the API.
 */
@Injectable()
export class PrincipalCache extends PrincipalLoader implements OnModuleDestroy {
  private readonly logger = new Logger(PrincipalCache.name);
  private readonly entries = new Map<string, Entry>();
  private readonly channel: RedisChannel;
  private readonly ttlMs: number;
  private subscribed = false;
  /** Bumped by every invalidation: a read that raced one is not cached (it may predate the change). */
  private generation = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {
    super();
    this.channel = new RedisChannel(
      config.redis.url,
      `${config.redis.queuePrefix}:principal-changed`,
      this.logger,
      `other processes see the change within AUTH_CACHE_TTL_MS (${config.auth.cacheTtlMs} ms)`,
    );
    this.ttlMs = config.auth.cacheTtlMs;
  }

  async loadPrincipal(staffId: string): Promise<Principal | null> {
    if (this.ttlMs === 0) return principalOf(this.dataSource, staffId);
    // The subscription starts with the first authenticated request: a worker-only process never opens it.
    if (!this.channel.listening) this.subscribe();
    const entry = this.entries.get(staffId);
    if (entry && this.subscribed && Date.now() - entry.loadedAt < this.ttlMs) return entry.principal;
    const generation = this.generation;
    const loadedAt = Date.now();
    const principal = await principalOf(this.dataSource, staffId);
    if (this.subscribed && generation === this.generation) {
      // Bounded: only staff who made requests in the last TTL are worth keeping.
      if (this.entries.size >= 10_000) this.evictStale();
      this.entries.set(staffId, { principal, loadedAt });
    }
    return principal;
  }

  /**
   * After a change to a staff member's active flag, token version, roles or
   * scopes has committed: every process (this one at once) reads them again.
   * A failed publish leaves other processes on their copy for at most the TTL.
   */
  async changed(staffId: string): Promise<void> {
    this.forget(staffId);
    if (this.ttlMs > 0) await this.channel.publish(staffId);
  }

  /** True while invalidations are being received (tests and health can see the fallback). */
  get listening(): boolean {
    return this.subscribed;
  }

  onModuleDestroy(): void {
    this.channel.close();
  }

  private forget(staffId: string): void {
    this.generation++;
    this.entries.delete(staffId);
  }

  private dropAll(): void {
    this.generation++;
    this.entries.clear();
  }

  private evictStale(): void {
    const now = Date.now();
    for (const [id, entry] of this.entries) if (now - entry.loadedAt >= this.ttlMs) this.entries.delete(id);
    if (this.entries.size >= 10_000) this.entries.clear();
  }

  private subscribe(): void {
    this.channel.listen({
      message: (staffId) => this.forget(staffId),
      // Changes published while it was down were missed: start from nothing.
      up: () => {
        this.dropAll();
        this.subscribed = true;
      },
      down: () => {
        if (this.subscribed) this.logger.warn('staff-change subscription lost: authenticating from the database until it is back');
        this.subscribed = false;
        this.dropAll();
      },
    });
  }
}
