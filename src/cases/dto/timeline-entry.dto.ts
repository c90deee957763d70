import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** One line of any case's timeline, as GET …/{id}/timeline returns it. */
export class TimelineEntryDto {
  @ApiProperty({ example: '118' }) id: string;
  @ApiProperty() at: Date;
  @ApiProperty({
    example: 'state_changed',
    description: 'created, state_changed, assigned, note, feedback, retargeted, sla.warning, sla.breached, …',
  })
  type: string;
  @ApiPropertyOptional({ nullable: true, type: String }) actorId: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'system' }) actorName: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { from: 'acknowledged', to: 'in_progress' } }) data: Record<
    string,
    unknown
  >;
}
