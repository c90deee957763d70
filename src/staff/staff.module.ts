import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PrincipalLoader } from '../common/auth/principal-loader';
import { StaffController } from './staff.controller';
import { Staff } from './staff.entity';
import { PrincipalCache } from './principal-cache';
import { StaffService } from './staff.service';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Staff])],
  controllers: [StaffController],
  providers: [StaffService, PrincipalCache, { provide: PrincipalLoader, useExisting: PrincipalCache }],
  exports: [StaffService, PrincipalLoader, PrincipalCache],
})
export class StaffModule {}
