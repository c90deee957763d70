import { InjectQueue, Processor } from '@nestjs/bullmq';
import { OnApplicationBootstrap } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { dailyAtChinaTime } from '../queues/job-schedules';
import { ManagedWorkerHost } from '../queues/managed-worker-host';
import { QueueName } from '../queues/queue-names';
import type { YearCheckDto } from './dto/calendar.dto';
import { YearCheckService } from './year-check.service';

export const CALENDAR_YEAR_CHECK_JOB = 'calendar-year-check';
export type CalendarsJob = Job<Record<string, never>, YearCheckDto, typeof CALENDAR_YEAR_CHECK_JOB>;

/** The calendars queue: the daily check that next year's statutory days are known, at CALENDAR_CHECK_AT China time. */
@Processor(QueueName.calendars)
export class CalendarsProcessor extends ManagedWorkerHost implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(QueueName.calendars) private readonly queue: Queue,
    private readonly yearCheck: YearCheckService,
    private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.keepScheduledAt(this.queue, CALENDAR_YEAR_CHECK_JOB, dailyAtChinaTime(this.config.calendars.checkAt));
  }

  async process(job: CalendarsJob): Promise<YearCheckDto> {
    switch (job.name) {
      case CALENDAR_YEAR_CHECK_JOB: {
        const result = await this.yearCheck.check(new Date());
        if (result.notified) {
          this.logger.warn(
            `China's statutory days of ${result.year} are not known yet: enter them with PUT /api/v1/calendars/holidays/${result.year}`,
          );
        }
        return result;
      }
      default: {
        const unknown: never = job.name;
        throw new Error(`no handler for calendars job ${String(unknown)}`);
      }
    }
  }
}
