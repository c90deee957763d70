import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Min } from 'class-validator';
import { IsRegionCode, Text } from './validators';

export class SiteInput {
  @ApiProperty({ example: '佛山南海数据中心' }) @Text(200) name: string;
  @ApiProperty({ example: '440605', description: 'GB/T 2260 code of the site’s region' }) @IsRegionCode() region: string;
  @ApiProperty({ example: '广东省佛山市南海区桂城街道海八路1号' }) @Text(500) address: string;
}

export class UpdateSiteDto {
  @ApiProperty({ required: false }) @IsOptional() @Text(200) name?: string;
  @ApiProperty({ required: false, example: '440604' }) @IsOptional() @IsRegionCode() region?: string;
  @ApiProperty({ required: false }) @IsOptional() @Text(500) address?: string;
  @ApiProperty({ example: 1 }) @Type(() => Number) @IsInt() @Min(1) expectedVersion: number;
}

export class SiteDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ example: '440605' }) region: string;
  @ApiProperty({ example: '广东省佛山市南海区' }) regionName: string;
  @ApiProperty() address: string;
  @ApiProperty({ example: 1 }) version: number;
}
