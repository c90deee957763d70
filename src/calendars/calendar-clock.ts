import { Injectable } from '@nestjs/common';

/**
 * The time the year check reads (`/health/ready`, the daily job, the admin's
 * run). A provider of its own so that a test can stand in a date in
 * December instead of waiting for one.
 */
@Injectable()
export class CalendarClock {
  now(): Date {
    return new Date();
  }
}
