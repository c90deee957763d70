import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EscalationPoliciesController } from './escalation-policies.controller';
import { EscalationPoliciesService } from './escalation-policies.service';
import { EscalationPolicy } from './escalation-policy.entity';
import { EscalationService } from './escalation.service';

/** Escalation policies and whom an alert reaches; global like the other engines, for the notification pipeline. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([EscalationPolicy])],
  controllers: [EscalationPoliciesController],
  providers: [EscalationPoliciesService, EscalationService],
  exports: [EscalationPoliciesService, EscalationService],
})
export class EscalationsModule {}
