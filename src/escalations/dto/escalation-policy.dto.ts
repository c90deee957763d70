import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsInt, IsObject, Matches, Min, ValidateNested } from 'class-validator';
import { ESCALATION_RULE, ESCALATION_RULE_TEXT } from '../escalation-rules.port';
import type { EscalationRule } from '../escalation-rules.port';

const MAX_RULES = 20;

/** One level's rules: each a rule of the grammar, no repeats, at most MAX_RULES; an empty list reaches nobody. */
const Rules = (example: EscalationRule[], when: string) =>
  applyDecorators(
    ApiProperty({
      type: [String],
      example,
      maxItems: MAX_RULES,
      description: `Whom the ${when} alert reaches, in this order: ${ESCALATION_RULE_TEXT}`,
    }),
    IsArray(),
    ArrayMaxSize(MAX_RULES),
    ArrayUnique(),
    Matches(ESCALATION_RULE, { each: true, message: `each rule must be one of ${ESCALATION_RULE_TEXT}` }),
  );

export class EscalationLevelsDto {
  @Rules(['assignee'], 'warning (75 %)') warning: EscalationRule[];
  @Rules(['assignee', 'on_duty:duty_manager', 'account_manager'], 'breached (100 %)') breached: EscalationRule[];
  @Rules(['region_director'], 'escalated_2 (150 %)') escalated_2: EscalationRule[];
  @Rules(['province_director'], 'escalated_3 (200 %)') escalated_3: EscalationRule[];
}

export class UpdateEscalationPolicyDto {
  @ApiProperty({ type: EscalationLevelsDto, description: 'Every level, replacing the whole policy' })
  @IsObject()
  @ValidateNested()
  @Type(() => EscalationLevelsDto)
  levels: EscalationLevelsDto;

  @ApiProperty({
    example: 1,
    description:
      'The version read: the region’s own policy’s, or 0 when it inherits (the PUT then gives it its own). A stale one gives 409',
  })
  @Type(() => Number)
  @IsInt()
  @Min(0)
  expectedVersion: number;
}

export class EscalationPolicyDto {
  @ApiProperty({ example: '440600' }) region: string;
  @ApiProperty({
    example: 'CN',
    nullable: true,
    type: String,
    description: 'The region whose policy applies when this one has none of its own (its parent, … CN); null when it has its own',
  })
  inheritedFrom: string | null;
  @ApiProperty({ type: EscalationLevelsDto }) levels: EscalationLevelsDto;
  @ApiProperty({ example: 1, description: 'The version of the region’s own policy; 0 while it inherits' }) version: number;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'Who last changed the policy in force' })
  updatedBy: string | null;
  @ApiProperty({ description: 'When the policy in force last changed' }) updatedAt: Date;
}
