import { Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ApiController, ApiProblems } from '../common/http/controller';
import { CommonError, CommonErrorCode } from '../common/errors/common-errors';
import { ProductsService } from './products.service';

class ProductAttributeDto {
  @ApiProperty({ example: 'bandwidthMbps' }) name: string;
  @ApiProperty({ enum: ['integer', 'string', 'enum'] }) type: string;
  @ApiProperty() required: boolean;
  @ApiProperty({ example: '带宽' }) labelZh: string;
  @ApiProperty({ example: 'Bandwidth' }) labelEn: string;
  @ApiPropertyOptional({ example: 'Mbit/s' }) unit?: string;
  @ApiPropertyOptional({ example: 2 }) min?: number;
  @ApiPropertyOptional({ example: 100000 }) max?: number;
  @ApiPropertyOptional({ example: ['gold', 'silver', 'bronze'] }) values?: string[];
}

class ProductDto {
  @ApiProperty({ example: 'DIA' }) code: string;
  @ApiProperty({ example: '互联网专线' }) nameZh: string;
  @ApiProperty({ example: 'Dedicated Internet Access' }) nameEn: string;
  @ApiProperty({ example: 'connectivity' }) category: string;
  @ApiProperty() description: string;
  @ApiProperty({ type: [ProductAttributeDto] }) attributes: ProductAttributeDto[];
  @ApiProperty() active: boolean;
  @ApiProperty({ enum: ['add', 'modify', 'terminate'], isArray: true, description: 'What an order item may do with this product' })
  allowedActions: string[];
  @ApiProperty({ example: 10, description: 'Lead time in days; an order’s committed completion is never earlier' }) leadTimeDays: number;
}

@ApiController('products', 'products')
export class ProductsController {
  constructor(private readonly products: ProductsService) {}

  @Get()
  @ApiOperation({
    summary: 'The key-account product catalogue with the attributes each order item must carry, its allowed actions and lead time',
  })
  @ApiOkResponse({ type: [ProductDto] })
  list() {
    return this.products.list();
  }

  @Get(':code')
  @ApiOperation({ summary: 'One product' })
  @ApiOkResponse({ type: ProductDto })
  @ApiProblems(404)
  async get(@Param('code') code: string) {
    const product = await this.products.find(code);
    if (!product) throw new CommonError(CommonErrorCode.NOT_FOUND, `No product ${code}`);
    return product;
  }
}
