import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../common/audit/audit.service';
import type { AuthContext } from '../common/auth/auth-context';
import { PostCommit } from '../common/post-commit';
import { OutboxService } from '../outbox/outbox.service';
import { chinaDate } from '../common/time/china-days';
import { CalendarClock } from './calendar-clock';
import { calendarYearMissingEvent } from './calendar-events';
import { recordYearNotice, yearHasData } from './calendars.repository';
import type { YearCheckDto } from './dto/calendar.dto';

/**
 * The check that next year's statutory days are known. The State Council
 * publishes them around the turn of the year and the package follows later:
 * from 1 December (China date) a missing next year raises
 * `calendar.year_missing`, at most once a day (calendar_year_notices), so
 * someone enters it by hand (PUT /calendars/holidays/{year}) before working
 * time is counted across New Year on a guess.
 */
@Injectable()
export class YearCheckService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly clock: CalendarClock,
  ) {}

  /** Runs the check as of `now` (the daily job passes the real time, a test any); `by` is the admin who asked, if one did. */
  async check(now: Date = this.clock.now(), by: AuthContext | null = null): Promise<YearCheckDto> {
    const asOf = chinaDate(now);
    const year = Number(asOf.slice(0, 4)) + 1;
    const post = new PostCommit();
    const result = await this.dataSource.transaction(async (em) => {
      const missing = !(await yearHasData(em, year));
      const notified = missing && asOf.slice(5, 7) === '12' && (await recordYearNotice(em, year, asOf));
      if (notified) {
        await this.outbox.emit(em, post, 'calendar.year_missing', calendarYearMissingEvent(year, asOf));
        await this.audit.record(em, by, {
          action: 'calendar.year_missing',
          entity: 'china_statutory_year',
          entityId: String(year),
          changes: { asOf },
          regions: [],
        });
      }
      if (by) {
        await this.audit.record(em, by, {
          action: 'calendar.year_check_run',
          entity: 'china_statutory_year',
          entityId: String(year),
          changes: { asOf, missing, notified },
          regions: [],
        });
      }
      return { asOf, year, missing, notified };
    });
    await post.run();
    return result;
  }
}
