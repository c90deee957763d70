import { Body, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiProduces } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiController, ApiErrors, ApiProblems, Auth, Idempotent, Roles, UuidPipe, type AuthContext } from '../common/http/controller';
import { DailyReportQuery, MonthlyReportQuery, RebuildDto, RebuildView, ReportView, ScorecardQuery, ScorecardView } from './dto/report.dto';
import { CONTENT_TYPES, chooseFormat, reportTables, scorecardTables, toCsv, toXlsx, type ReportTable } from './report-formats';
import { reportHtml, scorecardHtml } from './report-html';
import { ReportsService } from './reports.service';

const FORMATS =
  'Format by ?format= (json, csv, xlsx, html) or Accept (text/csv; application/vnd.openxmlformats-officedocument.spreadsheetml.sheet; text/html): ' +
  'CSV is UTF-8 with a BOM, sections one after another; XLSX has one sheet per section, the header row frozen, numbers as numbers; HTML is a ' +
  'printable page with its charts drawn on the server as SVG (SLA met % by region, daily opened/closed, backlog aging, CSAT distribution).';
const XLSX = CONTENT_TYPES.xlsx;

@ApiErrors('ReportError')
@ApiController('reports', 'reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get('daily')
  @Roles('director', 'admin')
  @ApiOperation({
    summary: 'The daily report (日报) of a China day for a region, with the change against the day before (directors, admins)',
    description:
      'Read from the rollups (docs/REPORTS.md defines every KPI). date = today builds the day so far first, at most once a minute (partial: true). ' +
      `A past day not built yet is 404 REPORT_NOT_BUILT. ${FORMATS}`,
  })
  @ApiProduces('application/json', 'text/csv', XLSX, 'text/html')
  @ApiOkResponse({ type: ReportView })
  @ApiProblems(400, 403, 404)
  async daily(
    @Auth() auth: AuthContext,
    @Query() q: DailyReportQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const view = await this.reports.daily(auth, q);
    const format = chooseFormat(q.format, accept);
    // the page's trend reaches 13 days before the day, beyond what the view was read from: drawn each time
    if (format === 'html') return page(reply, await reportHtml(view, await this.reports.trend(view, q)));
    return send(
      reply,
      format,
      view,
      (f) => this.reports.rendered(view, f, () => render(f, reportTables(view))),
      `daily-${q.date}-${view.region.code}`,
    );
  }

  @Get('monthly')
  @Roles('director', 'admin')
  @ApiOperation({
    summary: 'The monthly report (月报) of a China month for a region, with the change against the month before (directors, admins)',
    description: `Flows summed over the days built; stocks (open cases, backlog aging, arrears) at the end of the last day built. ${FORMATS}`,
  })
  @ApiProduces('application/json', 'text/csv', XLSX, 'text/html')
  @ApiOkResponse({ type: ReportView })
  @ApiProblems(400, 403, 404)
  async monthly(
    @Auth() auth: AuthContext,
    @Query() q: MonthlyReportQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const view = await this.reports.monthly(auth, q);
    const format = chooseFormat(q.format, accept);
    if (format === 'html')
      return page(reply, await this.reports.rendered(view, 'html', async () => reportHtml(view, await this.reports.trend(view, q))));
    return send(
      reply,
      format,
      view,
      (f) => this.reports.rendered(view, f, () => render(f, reportTables(view))),
      `monthly-${q.month}-${view.region.code}`,
    );
  }

  @Get('account-managers')
  @Roles('director', 'admin', 'account_manager')
  @ApiOperation({
    summary:
      'The account managers’ scorecard of a month (绩效): directors and admins everyone in the region, an account manager their own row',
    description:
      'Customers held (today), their cases, breaches, resolution met %, CSAT, money billed and collected, arrears at the month’s end. ' +
      'The printable page has a table per account manager and two charts (breaches; CSAT average and resolution met %, per manager). ' +
      FORMATS,
  })
  @ApiProduces('application/json', 'text/csv', XLSX, 'text/html')
  @ApiOkResponse({ type: ScorecardView })
  @ApiProblems(400, 403, 404)
  async accountManagers(
    @Auth() auth: AuthContext,
    @Query() q: ScorecardQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const view = await this.reports.accountManagers(auth, q);
    const format = chooseFormat(q.format, accept);
    if (format === 'html') return page(reply, await scorecardHtml(view));
    return send(reply, format, view, (f) => render(f, scorecardTables(view)), `account-managers-${q.month}-${view.region.code}`);
  }

  @Post('rebuild')
  @HttpCode(202)
  @Roles('admin')
  @Idempotent()
  @ApiOperation({
    summary: 'Rebuild the rollups of a range of China days (admins)',
    description:
      'Asynchronous: follow it at GET /reports/rebuild/{id}. Each day is replaced whole (idempotent); a finished day publishes report.daily_ready ' +
      '(rebuild: true); today is built so far. At most 400 days, to at most today. Audited.',
  })
  @ApiAcceptedResponse({ type: RebuildView })
  @ApiProblems(400)
  rebuild(@Auth() auth: AuthContext, @Body() dto: RebuildDto) {
    return this.reports.requestRebuild(auth, dto);
  }

  @Get('rebuild/:id')
  @Roles('admin')
  @ApiOperation({ summary: 'A rebuild’s progress (admins)' })
  @ApiOkResponse({ type: RebuildView })
  @ApiProblems(400, 404)
  rebuildStatus(@Param('id', UuidPipe) id: string) {
    return this.reports.rebuildStatus(id);
  }
}

function page(reply: FastifyReply, html: string | Buffer): string | Buffer {
  void reply.header('content-type', CONTENT_TYPES.html);
  return html;
}

const render = (format: 'csv' | 'xlsx', tables: ReportTable[]): Promise<Buffer> =>
  format === 'csv' ? Promise.resolve(toCsv(tables)) : toXlsx(tables);

async function send(
  reply: FastifyReply,
  format: 'json' | 'csv' | 'xlsx',
  view: object,
  file: (format: 'csv' | 'xlsx') => Promise<Buffer | string>,
  name: string,
) {
  if (format === 'json') return view;
  void reply.header('content-type', CONTENT_TYPES[format]);
  void reply.header('content-disposition', `attachment; filename="${name}.${format}"`);
  return file(format);
}
