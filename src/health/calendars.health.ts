import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { CalendarsService } from '../calendars/calendars.service';

/**
 * Whether next year's statutory holidays are known, from 1 December (China
 * date): reported, never failing readiness (working time can still be
 * counted; it would count New Year's days as working days).
 */
@Injectable()
export class CalendarsHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly calendars: CalendarsService,
  ) {}

  check(key: string) {
    return this.indicators.check(key).up({ nextYearMissing: this.calendars.nextYearMissing() });
  }
}
