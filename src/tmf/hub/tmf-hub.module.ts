import { DynamicModule, Module } from '@nestjs/common';
import { TmfCommonModule } from '../common/tmf-common.module';
import { TmfHub } from './tmf-hub';
import { TmfHubController } from './tmf-hub.controller';
import { TmfHubService } from './tmf-hub.service';

/** The hub registry (TmfHub, which API modules register with) and the hub routes. */
@Module({})
export class TmfHubModule {
  // `worker`: kept for API modules to pass on (the hub has no processor of its own; the relay delivers).
  // One module object: the app (TmfModule) and every API module import it, and Nest must build one registry, one set of routes.
  private static module?: DynamicModule;

  static register(_worker: boolean): DynamicModule {
    TmfHubModule.module ??= {
      module: TmfHubModule,
      imports: [TmfCommonModule],
      controllers: [TmfHubController],
      providers: [TmfHub, TmfHubService],
      exports: [TmfHub],
    };
    return TmfHubModule.module;
  }
}
