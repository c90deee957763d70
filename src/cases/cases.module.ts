import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CaseIndexEntry } from './case-index.entity';
import { CaseIntake } from './case-intake';
import { CaseTimelineEntry } from './case-timeline.entity';
import { CasesService } from './cases.service';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([CaseIndexEntry, CaseTimelineEntry])],
  providers: [CasesService, CaseIntake],
  exports: [CasesService, CaseIntake],
})
export class CasesModule {}
