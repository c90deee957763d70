/*
 * Reports count China days and months (Asia/Shanghai, UTC+8 all year) with
 * the one copy in src/common/time/china-days.ts; its helpers are exported here
 * too for the report code, tests and benchmarks that import them from here.
 */
import { addDays, chinaDayStart } from '../common/time/china-days';

export { addDays, addMonths, chinaDate, chinaDayStart, daysBetween, monthEnd, monthStart } from '../common/time/china-days';

/** A period of whole China days, from and to inclusive; start and end are its instants (end exclusive). */
export interface ReportWindow {
  from: string;
  to: string;
  start: string;
  end: string;
}

export function windowOf(from: string, to: string): ReportWindow {
  return { from, to, start: chinaDayStart(from), end: chinaDayStart(addDays(to, 1)) };
}

/** Which slice of the figures: regions (LIKE patterns of GB/T 2260 prefixes) and the optional cuts. */
export interface ReportCut {
  patterns: string[];
  kind?: string;
  priority?: number;
  greenChannel?: boolean;
  accountManagerId?: string;
}
