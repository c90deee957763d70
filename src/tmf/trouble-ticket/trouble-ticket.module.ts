import type { DynamicModule, OnModuleInit } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { FaultsModule } from '../../faults/faults.module';
import { TmfCommonModule } from '../common/tmf-common.module';
import { TmfHub } from '../hub/tmf-hub';
import { TroubleTicketController } from './trouble-ticket.controller';
import { TroubleTicketEvents } from './trouble-ticket-events';
import { TroubleTicketService } from './trouble-ticket.service';

/**
 * TMF621 Trouble Ticket over faults and complaints, and its hub events.
 *
 * The hub's registry is the one TmfModule imports: importing
 * TmfHubModule.register here as well would build a second hub (its
 * register() returns a new module each call, so Nest mounts its routes
 * twice), so the events are registered with the app's TmfHub, found by
 * ModuleRef, before the application starts.
 */
@Module({})
export class TroubleTicketModule implements OnModuleInit {
  static register(worker: boolean): DynamicModule {
    return {
      module: TroubleTicketModule,
      imports: [TmfCommonModule, FaultsModule.register(worker)],
      controllers: [TroubleTicketController],
      providers: [TroubleTicketService, TroubleTicketEvents],
    };
  }

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly events: TroubleTicketEvents,
  ) {}

  onModuleInit(): void {
    this.moduleRef.get(TmfHub, { strict: false }).register(this.events);
  }
}
