import { errorClass } from '../common/errors/domain-error';

export enum ReportErrorCode {
  /** The region asked is outside the caller's scope. */
  REPORT_REGION_OUT_OF_SCOPE = 'REPORT_REGION_OUT_OF_SCOPE',
  /** No region asked and the caller has several scopes: which one is ambiguous. */
  REPORT_REGION_REQUIRED = 'REPORT_REGION_REQUIRED',
  REPORT_REGION_NOT_FOUND = 'REPORT_REGION_NOT_FOUND',
  /** A day or month after today (China time). */
  REPORT_PERIOD_IN_FUTURE = 'REPORT_PERIOD_IN_FUTURE',
  /** The day has not been built yet (the nightly job, or POST /reports/rebuild). */
  REPORT_NOT_BUILT = 'REPORT_NOT_BUILT',
  REPORT_REBUILD_NOT_FOUND = 'REPORT_REBUILD_NOT_FOUND',
  /** from after to, or more than 400 days. */
  REPORT_RANGE_INVALID = 'REPORT_RANGE_INVALID',
}

export const ReportError = errorClass<ReportErrorCode>('ReportError', {
  REPORT_REGION_OUT_OF_SCOPE: 'forbidden',
  REPORT_REGION_REQUIRED: 'bad_request',
  REPORT_REGION_NOT_FOUND: 'not_found',
  REPORT_PERIOD_IN_FUTURE: 'bad_request',
  REPORT_NOT_BUILT: 'not_found',
  REPORT_REBUILD_NOT_FOUND: 'not_found',
  REPORT_RANGE_INVALID: 'bad_request',
});
