import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AlertsModule } from './alerts/alerts.module';
import { AuthModule } from './auth/auth.module';
import { BillingModule, BillingWorkersModule } from './billing/billing.module';
import { CalendarsModule, CalendarsWorkersModule } from './calendars/calendars.module';
import { CallbacksModule } from './callbacks/callbacks.module';
import { CasesModule } from './cases/cases.module';
import { AuditModule } from './common/audit/audit.module';
import { IdempotencyModule } from './common/idempotency/idempotency.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { ConsoleModule } from './console/console.module';
import { CustomerWarningsModule, CustomerWarningsWorkersModule } from './customer-warnings/customer-warnings.module';
import { CustomersModule } from './customers/customers.module';
import { EscalationsModule } from './escalations/escalations.module';
import { dataSourceOptions } from './database/data-source';
import { FaultsModule } from './faults/faults.module';
import { HealthModule } from './health/health.module';
import { InquiriesModule } from './inquiries/inquiries.module';
import { HousekeepingModule } from './housekeeping/housekeeping.module';
import { MetricsModule } from './metrics/metrics.module';
import { NotificationsModule } from './notifications/notifications.module';
import { OrdersModule } from './orders/orders.module';
import { OutboxModule } from './outbox/outbox.module';
import { ProductsModule } from './products/products.module';
import { QueuesModule } from './queues/queues.module';
import { RegionsModule } from './regions/regions.module';
import { ReportsModule } from './reports/reports.module';
import { RostersModule } from './rosters/rosters.module';
import { SlaModule } from './sla/sla.module';
import { SupportModule } from './support/support.module';
import { StaffModule } from './staff/staff.module';
import { TicketsModule } from './tickets/tickets.module';
import { TmfModule } from './tmf/tmf.module';
import { WebhookTargetsModule } from './webhooks/webhook-targets.service';
import { WebhooksModule } from './webhooks/webhooks.module';

export interface AppModuleOptions {
  config: AppConfig;
  /** Serve HTTP (controllers, metrics). */
  api: boolean;
  /** Run the BullMQ processors in this process. */
  worker: boolean;
}

/** One code base, two roles: `main.ts` boots it with api (and optionally worker), `worker.ts` with worker only. */
@Module({})
export class AppModule {
  static forRoot({ config, api, worker }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        TypeOrmModule.forRoot({ ...dataSourceOptions(config), autoLoadEntities: true, migrationsRun: false }),
        QueuesModule,
        AuditModule,
        IdempotencyModule,
        RegionsModule,
        StaffModule,
        RostersModule,
        AuthModule,
        ProductsModule,
        CustomersModule,
        OutboxModule,
        CalendarsModule,
        CalendarsWorkersModule.register(worker),
        WebhookTargetsModule,
        WebhooksModule.register(worker),
        NotificationsModule.register(worker),
        CasesModule,
        AlertsModule,
        EscalationsModule,
        TicketsModule,
        SlaModule.register(worker),
        FaultsModule.register(worker),
        OrdersModule.register(worker),
        SupportModule.register(worker),
        InquiriesModule.register(worker),
        BillingModule,
        BillingWorkersModule.register(worker),
        CallbacksModule.register(worker),
        CustomerWarningsModule,
        CustomerWarningsWorkersModule.register(worker),
        ConsoleModule,
        ReportsModule.register(worker),
        TmfModule.register(worker),
        HealthModule,
        ...(api ? [MetricsModule] : []),
        HousekeepingModule.register(worker),
      ],
    };
  }
}
