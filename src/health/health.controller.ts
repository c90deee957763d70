import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { HealthCheck, HealthCheckResult, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '../common/http/controller';
import { CalendarsHealthIndicator } from './calendars.health';
import { RedisHealthIndicator } from './redis.health';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly calendars: CalendarsHealthIndicator,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @HealthCheck()
  live() {
    // What terminus answers for no checks, built here: the probe needs no promise and no indicator run.
    return { status: 'ok', info: {}, error: {}, details: {} } satisfies HealthCheckResult;
  }

  @Get('ready')
  @ApiOperation({
    summary: 'Readiness: PostgreSQL and Redis answer (503 otherwise)',
    description:
      'Also reports, without failing, calendars.nextYearMissing: from 1 December (China date), next year when its statutory holidays are ' +
      'known neither from the package nor entered by hand (PUT /api/v1/calendars/holidays/{year}); null otherwise.',
  })
  @HealthCheck()
  ready(@Res({ passthrough: true }) reply: FastifyReply) {
    return this.report(reply, () =>
      this.health.check([
        () => this.db.pingCheck('postgres', { timeout: 1000 }),
        () => this.redis.isHealthy('redis'),
        () => this.calendars.check('calendars'),
      ]),
    );
  }

  /** Terminus throws its 503 report; send it as documented (which check is down, and why), not as a bare problem. */
  private async report(reply: FastifyReply, check: () => Promise<HealthCheckResult>) {
    try {
      return await check();
    } catch (err) {
      if (!(err instanceof ServiceUnavailableException)) throw err;
      void reply.status(503);
      return err.getResponse();
    }
  }
}
