import { Global, Module } from '@nestjs/common';
import { RostersController } from './rosters.controller';
import { RostersService } from './rosters.service';

/** The duty roster; global like the other reference data, since dispatch and escalation read who is on duty. */
@Global()
@Module({
  controllers: [RostersController],
  providers: [RostersService],
  exports: [RostersService],
})
export class RostersModule {}
