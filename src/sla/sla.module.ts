import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CalendarsModule } from '../calendars/calendars.module';
import { SlaAlertingService } from './sla-alerting.service';
import { SlaClock } from './sla-clock.entity';
import { SlaClocksService } from './sla-clocks.service';
import { SlaPoliciesController } from './sla-policies.controller';
import { SlaPoliciesService } from './sla-policies.service';
import { SlaPolicy } from './sla-policy.entity';
import { SlaTimerProcessor } from './sla-timer.processor';

/** The generic SLA engine: policies, clocks, timers, sweep. Case modules call SlaClocksService. */
@Global()
@Module({})
export class SlaModule {
  static register(worker: boolean): DynamicModule {
    return {
      module: SlaModule,
      imports: [TypeOrmModule.forFeature([SlaPolicy, SlaClock]), CalendarsModule],
      controllers: [SlaPoliciesController],
      providers: [SlaPoliciesService, SlaClocksService, SlaAlertingService, ...(worker ? [SlaTimerProcessor] : [])],
      exports: [SlaPoliciesService, SlaClocksService, SlaAlertingService],
    };
  }
}
