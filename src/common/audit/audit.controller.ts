import { Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { ApiController, ApiProblems, Auth, PageOf, Roles, type AuthContext } from '../http/controller';
import { PageQuery } from '../pagination/page';
import { AuditService } from './audit.service';

class AuditQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'customer', description: 'Entity type' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  entity?: string;

  @ApiPropertyOptional({ example: '0b7f2c1e-8d7a-4c55-9e0f-2d9c4b1a7e66' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  entityId?: string;

  @ApiPropertyOptional({ description: 'Staff id of the actor' })
  @IsOptional()
  @IsUUID()
  actorId?: string;

  @ApiPropertyOptional({ example: 'customer.updated' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  action?: string;
}

class AuditEntryDto {
  @ApiProperty({ example: '1042' }) id: string;
  @ApiProperty() occurredAt: Date;
  @ApiProperty({ nullable: true, type: String }) actorId: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'zhang.wei' }) actorUsername: string | null;
  @ApiProperty({ example: 'customer.updated' }) action: string;
  @ApiProperty({ example: 'customer' }) entity: string;
  @ApiProperty() entityId: string;
  @ApiProperty({
    nullable: true,
    type: 'object',
    additionalProperties: true,
    example: { tier: { from: 'key', to: 'strategic' }, mobile: { from: '138****5678', to: '139****0001' } },
    description: 'Changed fields; mobiles masked, secrets removed',
  })
  changes: Record<string, unknown> | null;
  @ApiProperty({ nullable: true, type: String }) requestId: string | null;
  @ApiProperty({
    type: [String],
    example: ['110105', '440605'],
    description: 'Regions of what the entry concerns; empty for configuration (webhooks, SLA policies, bill runs)',
  })
  regions: string[];
}

@ApiController('audit', 'audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Roles('admin', 'director')
  @ApiOperation({
    summary: 'Audit trail of every mutation and every unmasked read, newest first',
    description:
      'Only the entries that concern a region within the caller’s scope (a case’s region, its customer’s home region, a customer’s sites…); ' +
      'admins and nationwide (CN) directors see every entry, including those of no region (configuration).',
  })
  @ApiOkResponse({ type: PageOf(AuditEntryDto) })
  @ApiProblems(400)
  list(@Auth() auth: AuthContext, @Query() q: AuditQuery) {
    return this.audit.list(auth, q, q.limit, q.offset);
  }
}
