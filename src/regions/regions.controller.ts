import { Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { ApiController, ApiProblems } from '../common/http/controller';
import { CommonError, CommonErrorCode } from '../common/errors/common-errors';
import { REGION_CODE, RegionsService } from './regions.service';

class RegionDto {
  @ApiProperty({ example: '440605' }) code: string;
  @ApiProperty({ example: '南海区' }) name: string;
  @ApiProperty({ example: '广东省佛山市南海区' }) fullName: string;
  @ApiProperty({ enum: ['province', 'city', 'district'] }) level: string;
  @ApiProperty({ example: '440600', nullable: true, type: String }) parentCode: string | null;
  @ApiProperty({ example: '440605', description: 'Prefix a staff scope on this region covers' }) scopePrefix: string;
}

class RegionQuery {
  @ApiPropertyOptional({ example: '440000', description: 'Children of this region' })
  @IsOptional()
  @Matches(REGION_CODE, { message: 'must be a 6-digit region code' })
  parent?: string;

  @ApiPropertyOptional({ enum: ['province', 'city', 'district'] })
  @IsOptional()
  @IsIn(['province', 'city', 'district'])
  level?: string;
}

@ApiController('regions', 'regions')
export class RegionsController {
  constructor(private readonly regions: RegionsService) {}

  @Get()
  @ApiOperation({ summary: 'GB/T 2260 regions: provinces, or the children of one region' })
  @ApiOkResponse({ type: [RegionDto] })
  @ApiProblems(400)
  list(@Query() q: RegionQuery) {
    return this.regions.list({ parent: q.parent, level: q.level ?? (q.parent ? undefined : 'province') });
  }

  @Get(':code')
  @ApiOperation({ summary: 'One region with its parent chain (district → city → province)' })
  @ApiOkResponse({ type: [RegionDto] })
  @ApiProblems(404)
  get(@Param('code') code: string) {
    const chain = this.regions.chain(code);
    if (!chain.length) throw new CommonError(CommonErrorCode.NOT_FOUND, `No region ${code}`);
    return chain;
  }
}
