import { DynamicModule, Module } from '@nestjs/common';
import { HousekeepingProcessor } from './housekeeping.processor';

@Module({})
export class HousekeepingModule {
  /** The processor only runs in a worker process. */
  static register(worker: boolean): DynamicModule {
    return { module: HousekeepingModule, providers: worker ? [HousekeepingProcessor] : [] };
  }
}
