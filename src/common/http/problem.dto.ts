import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class FieldErrorDto {
  @ApiProperty({ example: 'contacts[0].mobile' }) field: string;
  @ApiProperty({ example: 'must be a mainland China mobile number (11 digits starting with 1)' }) message: string;
}

export class ProblemWorkOrderDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '440600' }) region: string;
  @ApiProperty({ example: 'completed' }) state: string;
}

/** RFC 9457 problem document, as served with Content-Type application/problem+json. */
export class ProblemDto {
  @ApiProperty({ example: 'urn:focus-one:problem:validation-failed' }) type: string;
  @ApiProperty({ example: 'Bad Request' }) title: string;
  @ApiProperty({ example: 400 }) status: number;
  @ApiProperty({ example: 'The request has invalid fields' }) detail: string;
  @ApiProperty({ example: 'VALIDATION_FAILED', description: 'Stable machine-readable code' }) code: string;
  @ApiPropertyOptional({ example: '/api/v1/customers' }) instance?: string;
  @ApiPropertyOptional({ example: '6f1c2a8e-4b7d-4c1e-9a55-3f0e7d2b9c11' }) requestId?: string;
  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'One entry per failed rule, at most 100' }) errors?: FieldErrorDto[];
  @ApiPropertyOptional({ example: 250, description: 'How many more field errors there were than `errors` lists' }) errorsOmitted?: number;

  // Extension members some codes add (RFC 9457 §3.2); each is named by the code that carries it.
  @ApiPropertyOptional({ example: 'in_progress', description: 'The case’s state now (illegal transition or action)' }) state?: string;
  @ApiPropertyOptional({ type: [String], example: ['resolved', 'pending_customer'], description: 'Moves allowed from `state`' })
  allowedTransitions?: string[];
  @ApiPropertyOptional({ type: [String], example: ['cancel'], description: 'Actions allowed from `state`' }) allowedActions?: string[];
  @ApiPropertyOptional({ example: 3, description: 'STALE_VERSION: the version the request expected' }) expectedVersion?: number;
  @ApiPropertyOptional({ example: 4, description: 'STALE_VERSION: the version stored now' }) currentVersion?: number;
  @ApiPropertyOptional({
    type: [String],
    example: ['crm-2026-11-0042'],
    description: 'CHARGE_SOURCE_REF_CONFLICT: the sourceRefs in conflict (at most 20)',
  })
  sourceRefs?: string[];
  @ApiPropertyOptional({ example: 'reference', description: 'The input field the error is about' }) field?: string;
  @ApiPropertyOptional({ example: 'ICBC-20261130-0001', description: 'PAYMENT_REFERENCE_DUPLICATE: the reference sent' })
  reference?: string;
  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'PAYMENT_REFERENCE_DUPLICATE: the payment already holding the reference',
  })
  existingPaymentId?: string | null;
  @ApiPropertyOptional({
    type: 'integer',
    format: 'int64',
    example: 1250000,
    nullable: true,
    description: 'Order refused for arrears: the overdue amount in fen',
  })
  overdueFen?: number | null;
  @ApiPropertyOptional({
    type: String,
    example: '2026-09-30',
    format: 'date',
    nullable: true,
    description: 'Order refused for arrears: the oldest overdue due date',
  })
  oldestOverdueDate?: string | null;
  @ApiPropertyOptional({ example: 20, description: 'The limit a body or list broke (depth, keys, items)' }) limit?: number;
  @ApiPropertyOptional({ type: [ProblemWorkOrderDto], description: 'The order’s work orders and their states (order cannot be cancelled)' })
  workOrders?: ProblemWorkOrderDto[];
}
