import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/*
 * The TMF629 shapes for the OpenAPI document only: the facade reads bodies
 * itself (src/tmf/common/tmf-body.ts) and answers what customer-mapping.ts
 * builds.
 */

export class TmfCharacteristicDto {
  @ApiProperty({
    example: 'creditCode',
    description: 'creditCode, tier, industry, homeRegion, greenChannel, contract24x7 (read-only: customerNo, homeRegionName, version)',
  })
  name: string;
  @ApiProperty({ example: '914403001922038216', oneOf: [{ type: 'string' }, { type: 'boolean' }, { type: 'integer' }] }) value: unknown;
  @ApiPropertyOptional({ enum: ['string', 'boolean', 'integer'] }) valueType?: string;
}

export class TmfPartyRefDto {
  @ApiProperty({ example: '914403001922038216' }) id: string;
  @ApiPropertyOptional({ example: '佛山市南海区人民政府' }) name?: string;
  @ApiPropertyOptional({ example: 'Organization' }) '@referredType'?: string;
  @ApiPropertyOptional({ example: 'accountManager' }) role?: string;
}

export class TmfContactMediumDto {
  @ApiPropertyOptional({ format: 'uuid' }) id?: string;
  @ApiProperty({ enum: ['mobile', 'postalAddress'], description: 'Create takes mobiles only' }) mediumType: string;
  @ApiPropertyOptional() preferred?: boolean;
  @ApiProperty({
    example: { contactType: 'primary', contactName: '李娜', phoneNumber: '138****5678' },
    description:
      'mobile: contactType (primary, technical, billing, executive, other), contactName, phoneNumber (masked unless the caller may see it); ' +
      'postalAddress (a site): siteName, street1, stateOrProvince, region, country',
  })
  characteristic: Record<string, unknown>;
}

export class TmfCustomerInputDto {
  @ApiProperty({ example: '佛山市南海区人民政府' }) name: string;
  @ApiProperty({
    type: [TmfCharacteristicDto],
    description: 'creditCode (or engagedParty.id), tier, industry, homeRegion, greenChannel required, as POST /api/v1/customers',
  })
  characteristic: TmfCharacteristicDto[];
  @ApiPropertyOptional({ type: TmfPartyRefDto, description: 'id: the unified social credit code' }) engagedParty?: TmfPartyRefDto;
  @ApiPropertyOptional({ type: [TmfContactMediumDto] }) contactMedium?: TmfContactMediumDto[];
  @ApiPropertyOptional({ type: [TmfPartyRefDto], description: 'The account manager: {id: staff id, role: accountManager}' })
  relatedParty?: TmfPartyRefDto[];
}

export class TmfCustomerPatchDto {
  @ApiPropertyOptional({ example: '佛山市南海区人民政府办公室' }) name?: string;
  @ApiPropertyOptional({
    type: [TmfCharacteristicDto],
    description: 'The characteristics named change: tier, industry, homeRegion, greenChannel, contract24x7',
  })
  characteristic?: TmfCharacteristicDto[];
}

export class TmfCustomerDto extends TmfCustomerInputDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'https://focus-one.example.cn/tmf-api/customerManagement/v4/customer/3f6b2c1e-8d7a-4c55-9e0f-2d9c4b1a7e66' })
  href: string;
  @ApiProperty({ example: 'Customer' }) '@type': string;
  @ApiProperty({ enum: ['active', 'archived'] }) status: string;
  @ApiPropertyOptional() statusReason?: string;
  @ApiProperty({ example: { startDateTime: '2026-11-30T08:00:00.000Z' } }) validFor: Record<string, string>;
  @ApiProperty({ type: [Object], description: 'The billing account: {id, name, @referredType: BillingAccount, href}' }) account: Record<
    string,
    unknown
  >[];
}
