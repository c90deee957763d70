import { DynamicModule, Module } from '@nestjs/common';
import { ReportsController } from './reports.controller';
import { ReportsProcessor } from './reports.processor';
import { ReportsService } from './reports.service';

/**
 * Reports and KPIs (issue 14, docs/REPORTS.md): the daily rollups, the
 * nightly build and rebuilds (the `reports` queue), the daily and monthly
 * reports and the account managers' scorecard. A reader: it reads the case,
 * order and billing tables only to build the rollups.
 */
@Module({})
export class ReportsModule {
  static register(worker: boolean): DynamicModule {
    return {
      module: ReportsModule,
      controllers: [ReportsController],
      providers: [ReportsService, ...(worker ? [ReportsProcessor] : [])],
      exports: [ReportsService],
    };
  }
}
