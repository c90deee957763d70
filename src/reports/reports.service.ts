import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditService } from '../common/audit/audit.service';
import { type AuthContext, hasRole } from '../common/auth/auth-context';
import { NATIONWIDE, covers, isNationwide, scopePrefix } from '../common/auth/region-scope';
import { recordOutcome } from '../common/idempotency/idempotent-outcome';
import { apiPath } from '../common/http/api-path';
import { PostCommit } from '../common/post-commit';
import { OutboxService } from '../outbox/outbox.service';
import { QueueName } from '../queues/queue-names';
import { RegionsService } from '../regions/regions.service';
import { StaffService } from '../staff/staff.service';
import type {
  DailyReportQuery,
  MonthlyReportQuery,
  RebuildDto,
  RebuildView,
  RegionRefDto,
  ReportCutQuery,
  ReportRowDto,
  ReportView,
  ScorecardQuery,
  ScorecardView,
} from './dto/report.dto';
import { reportDailyReadyEvent, reportMonthlyReadyEvent } from './report-events';
import { RenderMemo, ReportMemo } from './report-memo';
import type { TrendPoint } from './report-html';
import { KPIS, emptyFigures, kpiValues, type Figures } from './report-kpis';
import { type ReportCut, type ReportWindow, addDays, addMonths, chinaDate, monthEnd, monthStart, windowOf } from './report-window';
import { ReportError, ReportErrorCode } from './reports.errors';
import {
  type RebuildRow,
  buildDay,
  builtDays,
  customersHeld,
  findRebuild,
  insertRebuild,
  markRebuild,
  rollupFigures,
  rollupFiguresBy,
} from './reports.repository';

export const REBUILD_JOB = 'rebuild-reports';
export const NIGHTLY_JOB = 'build-reports-nightly';
export const rebuildJobId = (id: string) => `rebuild-${id}`;
const MAX_RANGE_DAYS = 400;
/** How old today's figures may be before a daily report of today builds them again. */
const TODAY_FRESH_MS = 60_000;
/** Report views kept per process (ReportMemo): a region, cut and period each; a view is some tens of KiB. */
const VIEWS_KEPT = 200;

interface Scope {
  region: RegionRefDto;
  prefix: string;
}

/**
 * Reports (issue 14, docs/REPORTS.md): builds China days into the rollups
 * (the 00:30 job, rebuild requests, today on request) and reads reports
 * from the rollups only.
 */
@Injectable()
export class ReportsService {
  private readonly views = new ReportMemo<ReportView>(VIEWS_KEPT);
  private readonly renderings = new RenderMemo<ReportView>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QueueName.reports) private readonly queue: Queue,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly regions: RegionsService,
    private readonly staff: StaffService,
  ) {}

  /* ---- building ---- */

  /** Builds one China day (replacing it); a finished day publishes report.daily_ready. Today is built "so far" and publishes nothing. */
  async buildDay(day: string, opts: { rebuild: boolean; now?: Date; unlessBuiltWithinMs?: number } = { rebuild: false }): Promise<void> {
    const today = chinaDate(opts.now ?? new Date());
    const partial = day >= today;
    const post = new PostCommit();
    await this.dataSource.transaction(async (em) => {
      const built = await buildDay(em, windowOf(day, day), partial, opts.unlessBuiltWithinMs);
      if (built && !partial)
        await this.outbox.emit(
          em,
          post,
          'report.daily_ready',
          reportDailyReadyEvent({ date: day, builtAt: new Date(), rebuild: opts.rebuild }),
        );
    });
    await post.run();
  }

  /** What the 00:30 job does: yesterday's figures, and on the 1st the month's report.monthly_ready. */
  async nightly(now = new Date()): Promise<{ day: string; month: string | null }> {
    const today = chinaDate(now);
    const day = addDays(today, -1);
    await this.buildDay(day, { rebuild: false, now });
    if (!today.endsWith('-01')) return { day, month: null };
    const month = day.slice(0, 7);
    const built = await builtDays(this.dataSource.manager, monthStart(month), monthEnd(month));
    const post = new PostCommit();
    await this.dataSource.transaction((em) =>
      this.outbox.emit(em, post, 'report.monthly_ready', reportMonthlyReadyEvent({ month, daysBuilt: built.days, builtAt: new Date() })),
    );
    await post.run();
    return { day, month };
  }

  async requestRebuild(auth: AuthContext, dto: RebuildDto): Promise<RebuildView> {
    const today = chinaDate(new Date());
    if (dto.from > dto.to) throw new ReportError(ReportErrorCode.REPORT_RANGE_INVALID, 'from is after to');
    if (dto.to > today) throw new ReportError(ReportErrorCode.REPORT_PERIOD_IN_FUTURE, `to is after today (${today}, China time)`);
    const days = Math.round((Date.parse(dto.to) - Date.parse(dto.from)) / 86_400_000) + 1;
    if (days > MAX_RANGE_DAYS) throw new ReportError(ReportErrorCode.REPORT_RANGE_INVALID, `at most ${MAX_RANGE_DAYS} days at a time`);
    const id = randomUUID();
    const post = new PostCommit();
    const row = await this.dataSource.transaction(async (em) => {
      const r = await insertRebuild(em, { id, from: dto.from, to: dto.to, by: auth.staffId, days });
      await this.audit.record(em, auth, {
        action: 'reports.rebuild_requested',
        entity: 'report_rebuild',
        entityId: id,
        changes: { ...dto },
        regions: [],
      });
      await recordOutcome(em, { resource: apiPath('reports', 'rebuild', id) });
      return r;
    });
    post.add(() => this.queue.add(REBUILD_JOB, { id }, { jobId: rebuildJobId(id) }).then(() => undefined));
    await post.run();
    return view(row);
  }

  async rebuildStatus(id: string): Promise<RebuildView> {
    const row = await findRebuild(this.dataSource.manager, id);
    if (!row) throw new ReportError(ReportErrorCode.REPORT_REBUILD_NOT_FOUND, `No rebuild ${id}`);
    return view(row);
  }

  /** The rebuild job: every day of the range, oldest first, progress written after each. Safe to run again (a day is replaced). */
  async runRebuild(id: string): Promise<RebuildView> {
    const row = await findRebuild(this.dataSource.manager, id);
    if (!row) throw new ReportError(ReportErrorCode.REPORT_REBUILD_NOT_FOUND, `No rebuild ${id}`);
    if (row.state === 'done') return view(row);
    await markRebuild(this.dataSource.manager, id, { state: 'running', daysDone: 0 });
    let done = 0;
    try {
      for (let day = row.from; day <= row.to; day = addDays(day, 1)) {
        await this.buildDay(day, { rebuild: true });
        await markRebuild(this.dataSource.manager, id, { state: 'running', daysDone: ++done });
      }
      await markRebuild(this.dataSource.manager, id, { state: 'done', daysDone: done });
    } catch (err) {
      await markRebuild(this.dataSource.manager, id, {
        state: 'failed',
        daysDone: done,
        error: String(err instanceof Error ? err.message : err),
      });
      throw err;
    }
    return this.rebuildStatus(id);
  }

  /* ---- reading ---- */

  async daily(auth: AuthContext, q: DailyReportQuery): Promise<ReportView> {
    const scope = this.scopeOf(auth, q.region);
    const today = chinaDate(new Date());
    if (q.date > today) throw new ReportError(ReportErrorCode.REPORT_PERIOD_IN_FUTURE, `${q.date} is after today (${today}, China time)`);
    if (q.date === today) {
      // today so far: built on request, at most once a minute however many ask (each build reads the whole day;
      // requests that arrive together wait for one build under the day's lock and find it fresh)
      const last = await builtDays(this.dataSource.manager, today, today);
      if (!last.builtAt || Date.now() - last.builtAt.getTime() > TODAY_FRESH_MS)
        await this.buildDay(today, { rebuild: false, unlessBuiltWithinMs: TODAY_FRESH_MS });
    }
    const built = await builtDays(this.dataSource.manager, q.date, q.date);
    if (!built.days)
      throw new ReportError(ReportErrorCode.REPORT_NOT_BUILT, `${q.date} has not been built yet: POST /api/v1/reports/rebuild`);
    const prev = addDays(q.date, -1);
    return this.report('daily', scope, q, windowOf(q.date, q.date), windowOf(prev, prev), built);
  }

  async monthly(auth: AuthContext, q: MonthlyReportQuery): Promise<ReportView> {
    const scope = this.scopeOf(auth, q.region);
    const today = chinaDate(new Date());
    if (q.month > today.slice(0, 7)) throw new ReportError(ReportErrorCode.REPORT_PERIOD_IN_FUTURE, `${q.month} is after this month`);
    const from = monthStart(q.month);
    const to = monthEnd(q.month) < today ? monthEnd(q.month) : today;
    const prevMonth = addMonths(from, -1).slice(0, 7);
    const built = await builtDays(this.dataSource.manager, from, to);
    return this.report('monthly', scope, q, windowOf(from, to), windowOf(monthStart(prevMonth), monthEnd(prevMonth)), built);
  }

  /** The scorecard: directors and admins every account manager in the region, an account manager their own row. */
  async accountManagers(auth: AuthContext, q: ScorecardQuery): Promise<ScorecardView> {
    const scope = this.scopeOf(auth, q.region);
    const from = monthStart(q.month);
    const w = windowOf(from, monthEnd(q.month));
    const own = !hasRole(auth, 'director', 'admin');
    const cut: ReportCut = { patterns: [`${scope.prefix}%`], ...(own ? { accountManagerId: auth.staffId } : {}) };
    const db = this.dataSource.manager;
    const built = await builtDays(db, w.from, w.to);
    const groups = await rollupFigures(db, cut, w, built.last, 'account_manager_id');
    groups.delete('');
    if (own) for (const k of [...groups.keys()]) if (k !== auth.staffId) groups.delete(k);
    const held = await customersHeld(db, [`${scope.prefix}%`], own ? [auth.staffId] : null);
    const ids = [...new Set([...groups.keys(), ...held.keys()])].sort();
    const cards = await this.staff.cards(ids);
    return {
      month: q.month,
      region: scope.region,
      items: ids.map((id) => {
        const f = groups.get(id) ?? emptyFigures();
        const k = kpiValues(f);
        return {
          accountManagerId: id,
          name: cards.get(id)?.displayName ?? null,
          customersHeld: held.get(id) ?? 0,
          casesOpened: f.opened ?? 0,
          casesClosed: f.closed ?? 0,
          breaches: f.breaches ?? 0,
          resolutionMetPct: k.resolution_met_pct,
          csatAverage: k.csat_average,
          csatAnswered: f.csat_answered ?? 0,
          callbacksDone: f.callbacks_done ?? 0,
          callbacksCsatAverage: k.callbacks_csat_average,
          callbacksLowScore: f.callbacks_low_score ?? 0,
          csatOverallAverage: k.csat_overall_average,
          billedFen: f.billed_fen ?? 0,
          collectedFen: f.collected_fen ?? 0,
          arrearsFen: (f.arrears_0_30_fen ?? 0) + (f.arrears_31_60_fen ?? 0) + (f.arrears_61_90_fen ?? 0) + (f.arrears_90_plus_fen ?? 0),
        };
      }),
    };
  }

  /**
   * A view's rendering (CSV, XLSX, the printable page) made once per view and format: the same view object comes back
   * until its rollups change (report()), so a rendering never outlives what it shows. Only for renderings that read
   * nothing but the view and the view's own period.
   */
  rendered(view: ReportView, format: string, render: () => Promise<Buffer | string>): Promise<Buffer | string> {
    return this.renderings.get(view, format, render);
  }

  /** Opened and closed per day for the printable report's trend: the month's days, or the 14 days up to a daily report's date. */
  async trend(view: ReportView, q: ReportCutQuery): Promise<TrendPoint[]> {
    const from = view.report === 'daily' ? addDays(view.period.to, -13) : view.period.from;
    const cut: ReportCut = {
      patterns: [`${scopePrefix(view.region.code)}%`],
      kind: q.kind,
      priority: q.priority,
      greenChannel: q.greenChannel,
      accountManagerId: q.accountManagerId,
    };
    const byDay = await rollupFigures(this.dataSource.manager, cut, windowOf(from, view.period.to), null, 'day');
    const out: TrendPoint[] = [];
    for (let day = from; day <= view.period.to; day = addDays(day, 1)) {
      const f = byDay.get(day);
      out.push({ day, opened: f?.opened ?? 0, closed: f?.closed ?? 0 });
    }
    return out;
  }

  private async report(
    report: 'daily' | 'monthly',
    scope: Scope,
    q: ReportCutQuery,
    w: ReportWindow,
    prev: ReportWindow,
    built: { last: string | null; builtAt: Date | null; days: number; partial: boolean },
  ): Promise<ReportView> {
    const db = this.dataSource.manager;
    const cut: ReportCut = {
      patterns: [`${scope.prefix}%`],
      kind: q.kind,
      priority: q.priority,
      greenChannel: q.greenChannel,
      accountManagerId: q.accountManagerId,
    };
    const prevBuilt = await builtDays(db, prev.from, prev.to);
    // the view reads the rollups of its period and the previous one only: while neither was built again, it is the same
    const signature = [built.builtAt?.toISOString(), built.days, prevBuilt.builtAt?.toISOString(), prevBuilt.days].join('/');
    const key = JSON.stringify([report, scope.region.code, cut, w.from, w.to, prev.from, prev.to]);
    return this.views.get(key, signature, () => this.compute(report, scope, cut, w, prev, built, prevBuilt));
  }

  private async compute(
    report: 'daily' | 'monthly',
    scope: Scope,
    cut: ReportCut,
    w: ReportWindow,
    prev: ReportWindow,
    built: { last: string | null; builtAt: Date | null; days: number; partial: boolean },
    prevBuilt: { last: string | null; days: number },
  ): Promise<ReportView> {
    const db = this.dataSource.manager;
    const digits = scope.prefix.length === 0 ? 2 : scope.prefix.length === 2 ? 4 : 6;
    // the period's rollups read once for every breakdown; the previous period's for its total only
    const [totals, regions, kinds, priorities, green] = await rollupFiguresBy(db, cut, w, built.last, [
      'total',
      { childRegionDigits: digits },
      'kind',
      'priority',
      'green_channel',
    ]);
    const total = totals.get('total') ?? emptyFigures();
    const before = prevBuilt.days ? ((await rollupFigures(db, cut, prev, prevBuilt.last, 'total')).get('total') ?? emptyFigures()) : null;
    const now = kpiValues(total);
    const then = before ? kpiValues(before) : null;
    const rowsOf = (groups: Map<string, Figures>, name: (key: string) => string): ReportRowDto[] =>
      [...groups.entries()]
        .filter(([key]) => key !== '')
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, f]: [string, Figures]) => ({ key, name: name(key), kpis: kpiValues(f) }));
    return {
      report,
      period: { from: w.from, to: w.to },
      previousPeriod: { from: prev.from, to: prev.to },
      region: scope.region,
      builtAt: built.builtAt ? built.builtAt.toISOString() : null,
      daysBuilt: built.days,
      partial: built.partial,
      kpis: KPIS.map((k) => {
        const value = now[k.key];
        const previous = then ? then[k.key] : null;
        return {
          key: k.key,
          section: k.section,
          label: k.label,
          unit: k.unit,
          value,
          previous,
          change: value === null || previous === null ? null : Math.round((value - previous) * 100) / 100,
        };
      }),
      byRegion: rowsOf(regions, (code) => this.regions.find(code)?.name ?? code),
      byKind: rowsOf(kinds, (k) => k),
      byPriority: rowsOf(priorities, (p) => `P${p}`),
      byGreenChannel: rowsOf(green, (g) => (g === 'true' ? '绿色通道' : '普通')),
    };
  }

  /** The region asked, checked against the caller's scope (403 outside it). */
  private scopeOf(auth: AuthContext, region: string | undefined): Scope {
    let code = region;
    if (!code) {
      if (isNationwide(auth)) code = NATIONWIDE;
      else if (auth.scopes.length === 1) code = auth.scopes[0].padEnd(6, '0');
      else throw new ReportError(ReportErrorCode.REPORT_REGION_REQUIRED, 'You hold several regions: name one (region=)');
    }
    if (code === NATIONWIDE) {
      if (!isNationwide(auth)) throw new ReportError(ReportErrorCode.REPORT_REGION_OUT_OF_SCOPE, 'The whole country is outside your scope');
      return { region: { code, name: '全国', level: 'country' }, prefix: '' };
    }
    const r = this.regions.find(code);
    if (!r) throw new ReportError(ReportErrorCode.REPORT_REGION_NOT_FOUND, `No region ${code}`);
    if (!covers(auth, code)) throw new ReportError(ReportErrorCode.REPORT_REGION_OUT_OF_SCOPE, `Region ${code} is outside your scope`);
    return { region: { code, name: r.name, level: r.level }, prefix: scopePrefix(code) };
  }
}

const view = (r: RebuildRow): RebuildView => ({
  ...r,
  createdAt: r.createdAt.toISOString(),
  finishedAt: r.finishedAt ? r.finishedAt.toISOString() : null,
});
