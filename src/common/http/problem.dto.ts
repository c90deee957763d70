import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class FieldErrorDto {
  @ApiProperty({ example: 'contacts[0].mobile' }) field: string;
  @ApiProperty({ example: 'must be a mainland China mobile number (11 digits starting with 1)' }) message: string;
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
}
