import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** POST /hub: where to send the events and which (documentation only: the body is read by the hub service). */
export class EventSubscriptionInputDto {
  @ApiProperty({ example: 'https://oss.example.com/listener/customer', description: 'http(s); the SSRF guard of webhooks applies' })
  callback: string;

  @ApiPropertyOptional({
    example: 'eventType=CustomerCreateEvent,CustomerAttributeValueChangeEvent',
    description: 'Which event types: `eventType=A` or `eventType=A,B`; absent: all of the API',
  })
  query?: string;

  @ApiPropertyOptional({
    minLength: 16,
    maxLength: 256,
    writeOnly: true,
    description: 'Focus One extension: the HMAC key of the X-FocusOne-Signature headers. Absent: drawn, and returned once in the 201',
  })
  secret?: string;
}

export class EventSubscriptionDto {
  @ApiProperty({ format: 'uuid', description: 'Also a webhook subscription id (/api/v1/webhooks/{id}: deliveries, rotate-secret)' })
  id: string;
  @ApiProperty({ example: 'https://oss.example.com/listener/customer' }) callback: string;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'eventType=CustomerCreateEvent' }) query: string | null;
  @ApiPropertyOptional({ description: 'Only in the 201 of a POST without `secret`: the signing key drawn for it, shown once' })
  secret?: string;
}
