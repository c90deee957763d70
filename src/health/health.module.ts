import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { CalendarsModule } from '../calendars/calendars.module';
import { CalendarsHealthIndicator } from './calendars.health';
import { HealthController } from './health.controller';
import { RedisHealthIndicator } from './redis.health';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), CalendarsModule],
  controllers: [HealthController],
  providers: [RedisHealthIndicator, CalendarsHealthIndicator],
})
export class HealthModule {}
