import { Body, Delete, Get, Param, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiController, ApiErrors, ApiProblems, Auth, Idempotent, Roles, type AuthContext } from '../common/http/controller';
import { CalendarEditorService } from './calendar-editor.service';
import {
  CalendarDetailDto,
  CalendarDto,
  CalendarWindowQuery,
  CreateCalendarDto,
  RemoveCalendarDayQuery,
  SetCalendarDayDto,
  UpdateCalendarDto,
} from './dto/calendar.dto';

const CHANGES =
  'Version-checked (expectedVersion; 409 STALE_VERSION), audited, published as calendar.changed; every process computes with the change ' +
  'within CALENDAR_REFRESH_SECONDS at worst (this one at once). Faults in the hours are 400 naming the field (weekly.1[0].end).';

@ApiErrors('CalendarError')
@ApiController('calendars', 'calendars')
export class CalendarsController {
  constructor(private readonly editor: CalendarEditorService) {}

  @Get()
  @ApiOperation({
    summary: 'Every working-time calendar (any role)',
    description: 'Built in: 24x7 (every instant) and workday (09:00–18:00 on China’s working days).',
  })
  @ApiOkResponse({ type: [CalendarDto] })
  list() {
    return this.editor.list();
  }

  @Post()
  @Roles('admin')
  @Idempotent()
  @ApiOperation({
    summary: 'Create a calendar (admins)',
    description:
      'Weekly hours in a time zone (Asia/Shanghai by default), several intervals a day for a lunch break; followsChinaHolidays (true by default) ' +
      'merges China’s statutory holidays and make-up working days under the calendar’s own days. Faults in the hours are 400 naming the field.',
  })
  @ApiCreatedResponse({ type: CalendarDetailDto })
  @ApiProblems(400, 409)
  create(@Auth() auth: AuthContext, @Body() dto: CreateCalendarDto) {
    return this.editor.create(auth, dto);
  }

  @Get(':key')
  @ApiOperation({
    summary: 'One calendar with its own days (any role)',
    description: 'With from and to (China dates, at most 3 years apart): effectiveDays lists every dated day in effect in that window.',
  })
  @ApiOkResponse({ type: CalendarDetailDto })
  @ApiProblems(400, 404)
  get(@Param('key') key: string, @Query() q: CalendarWindowQuery) {
    return this.editor.get(key, q);
  }

  @Put(':key')
  @Roles('admin')
  @ApiOperation({
    summary: 'Change a calendar’s name, time zone, weekly hours or followsChinaHolidays (admins)',
    description: `Absent fields keep their value; weekly replaces the whole week. 24x7 cannot be changed (409 CALENDAR_READ_ONLY). ${CHANGES}`,
  })
  @ApiOkResponse({ type: CalendarDetailDto })
  @ApiProblems(400, 404, 409)
  update(@Auth() auth: AuthContext, @Param('key') key: string, @Body() dto: UpdateCalendarDto) {
    return this.editor.update(auth, key, dto);
  }

  @Put(':key/days/:date')
  @Roles('admin')
  @ApiOperation({
    summary: 'Set one dated day of a calendar: a holiday, or a working day (with its own hours if they differ) (admins)',
    description: `The calendar’s own day wins over China’s table on the same date. ${CHANGES}`,
  })
  @ApiOkResponse({ type: CalendarDetailDto })
  @ApiProblems(400, 404, 409)
  setDay(@Auth() auth: AuthContext, @Param('key') key: string, @Param('date') date: string, @Body() dto: SetCalendarDayDto) {
    return this.editor.setDay(auth, key, date, dto);
  }

  @Delete(':key/days/:date')
  @Roles('admin')
  @ApiOperation({
    summary: 'Remove one dated day of a calendar (admins)',
    description: `expectedVersion is a query parameter (a DELETE carries no body). 404 CALENDAR_DAY_NOT_FOUND when the calendar has no day of its own that date. Answers the calendar. ${CHANGES}`,
  })
  @ApiOkResponse({ type: CalendarDetailDto })
  @ApiProblems(400, 404, 409)
  removeDay(@Auth() auth: AuthContext, @Param('key') key: string, @Param('date') date: string, @Query() q: RemoveCalendarDayQuery) {
    return this.editor.removeDay(auth, key, date, q.expectedVersion);
  }
}
