import { DynamicModule, Module } from '@nestjs/common';
import { FaultsModule } from '../../faults/faults.module';
import { TmfCommonModule } from '../common/tmf-common.module';
import { TmfHub } from '../hub/tmf-hub';
import { TmfHubModule } from '../hub/tmf-hub.module';
import { TroubleTicketController } from './trouble-ticket.controller';
import { TroubleTicketEvents } from './trouble-ticket-events';
import { TroubleTicketService } from './trouble-ticket.service';

/** TMF621 Trouble Ticket over faults and complaints, and its hub events (src/tmf/hub/tmf-hub.port.ts). */
@Module({})
export class TroubleTicketModule {
  static register(worker: boolean): DynamicModule {
    return {
      module: TroubleTicketModule,
      imports: [TmfCommonModule, TmfHubModule, FaultsModule.register(worker)],
      controllers: [TroubleTicketController],
      providers: [TroubleTicketService, TroubleTicketEvents],
    };
  }

  constructor(hub: TmfHub, events: TroubleTicketEvents) {
    hub.register(events);
  }
}
