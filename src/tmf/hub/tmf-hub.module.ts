import { Module } from '@nestjs/common';
import { TmfCommonModule } from '../common/tmf-common.module';
import { TmfHub } from './tmf-hub';
import { TmfHubController } from './tmf-hub.controller';
import { TmfHubService } from './tmf-hub.service';

/**
 * The hub registry (TmfHub, which API modules register with) and the hub
 * routes. A plain module, imported as is by every API module: Nest makes one
 * instance of it (a dynamic module imported twice would be two registries and
 * two sets of routes). It has no processor: the webhooks' relay delivers.
 */
@Module({
  imports: [TmfCommonModule],
  controllers: [TmfHubController],
  providers: [TmfHub, TmfHubService],
  exports: [TmfHub],
})
export class TmfHubModule {}
