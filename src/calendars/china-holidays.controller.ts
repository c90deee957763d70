import { Body, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiController, ApiErrors, ApiProblems, Auth, Roles, type AuthContext } from '../common/http/controller';
import { ChinaYearDto, PutChinaYearDto, ReleaseChinaYearQuery, YearCheckDto } from './dto/calendar.dto';
import { StatutoryDaysService } from './statutory-days.service';
import { YearCheckService } from './year-check.service';

/** China's shared table of statutory holidays and make-up working days (调休), by year. */
@ApiErrors('CalendarError')
@ApiController('calendars', 'calendars/holidays')
export class ChinaHolidaysController {
  constructor(
    private readonly statutoryDays: StatutoryDaysService,
    private readonly yearCheck: YearCheckService,
  ) {}

  @Post('check')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary: 'Run the daily check that next year’s statutory days are known, now (admins)',
    description:
      'What the daily job does at CALENDAR_CHECK_AT (China time): from 1 December, a next year with neither the package’s days nor days entered ' +
      'by hand raises calendar.year_missing, at most once a day (so no Idempotency-Key is needed). Audited as calendar.year_check_run.',
  })
  @ApiOkResponse({ type: YearCheckDto })
  check(@Auth() auth: AuthContext) {
    return this.yearCheck.check(undefined, auth);
  }

  @Get(':year')
  @ApiOperation({
    summary: 'China’s statutory holidays and make-up working days of a year (any role)',
    description: 'source: package (loaded from chinese-days at start), manual (entered by hand), or null (no data yet).',
  })
  @ApiOkResponse({ type: ChinaYearDto })
  @ApiProblems(400)
  get(@Param('year') year: string) {
    return this.statutoryDays.year(year);
  }

  @Put(':year')
  @Roles('admin')
  @ApiOperation({
    summary: 'Enter a year’s statutory days by hand (admins)',
    description:
      'The full list of the year’s holidays and make-up working days; every date in that year, each once (400 naming days[i].date otherwise). ' +
      'Replaces the year’s days; the year is then owned by hand: the package’s days are not loaded for it at start, until it is given back ' +
      '(DELETE). Every calendar that follows China’s table changes with it (one calendar.changed naming them). ' +
      'expectedVersion (optional): the year’s version you read, 0 for a year with no data; a stale one gives 409.',
  })
  @ApiOkResponse({ type: ChinaYearDto })
  @ApiProblems(400, 409)
  enter(@Auth() auth: AuthContext, @Param('year') year: string, @Body() dto: PutChinaYearDto) {
    return this.statutoryDays.enter(auth, year, dto);
  }

  @Delete(':year')
  @Roles('admin')
  @ApiOperation({
    summary: 'Give a year entered by hand back to the package (admins)',
    description:
      'The package’s days replace the year’s at once if the package covers it; otherwise the year has no data again. expectedVersion is a query ' +
      'parameter. 409 CALENDAR_YEAR_NOT_MANUAL for a year that comes from the package; 404 for a year without data.',
  })
  @ApiOkResponse({ type: ChinaYearDto })
  @ApiProblems(400, 404, 409)
  release(@Auth() auth: AuthContext, @Param('year') year: string, @Query() q: ReleaseChinaYearQuery) {
    return this.statutoryDays.release(auth, year, q.expectedVersion);
  }
}
