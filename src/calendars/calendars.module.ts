import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CalendarBroadcast } from './calendar-broadcast';
import { CalendarClock } from './calendar-clock';
import { CalendarEditorService } from './calendar-editor.service';
import { CalendarRecord, ChinaStatutoryYear } from './calendar.entities';
import { CalendarsController } from './calendars.controller';
import { CalendarsProcessor } from './calendars.processor';
import { CalendarsService } from './calendars.service';
import { ChinaDaysLoader } from './china-days-loader';
import { ChinaHolidaysController } from './china-holidays.controller';
import { StatutoryDaysService } from './statutory-days.service';
import { YearCheckService } from './year-check.service';

/**
 * Working-time calendars (issue 12): the tables, the routes, China's
 * statutory days, and the in-memory snapshot every process computes working
 * time with (CalendarsService, what the SLA engine and health import).
 * Static, so any module may import it and share the one snapshot.
 */
@Module({
  imports: [TypeOrmModule.forFeature([CalendarRecord, ChinaStatutoryYear])],
  controllers: [ChinaHolidaysController, CalendarsController],
  providers: [
    CalendarsService,
    CalendarEditorService,
    StatutoryDaysService,
    YearCheckService,
    ChinaDaysLoader,
    CalendarBroadcast,
    CalendarClock,
  ],
  exports: [CalendarsService, YearCheckService],
})
export class CalendarsModule {}

/** The calendars queue's processor (the daily year check), in worker processes only. */
@Module({})
export class CalendarsWorkersModule {
  static register(worker: boolean): DynamicModule {
    return { module: CalendarsWorkersModule, imports: [CalendarsModule], providers: worker ? [CalendarsProcessor] : [] };
  }
}
