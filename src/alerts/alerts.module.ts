import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CustomersModule } from '../customers/customers.module';
import { Alert } from './alert.entity';
import { AlertsController } from './alerts.controller';
import { AlertsService } from './alerts.service';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Alert]), CustomersModule],
  controllers: [AlertsController],
  providers: [AlertsService],
  exports: [AlertsService],
})
export class AlertsModule {}
