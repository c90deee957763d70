import { ApiProperty } from '@nestjs/swagger';
import type { StaffCardDto } from './staff.dto';

/**
 * Who holds a case or manages a customer, as anyone who may see the case
 * may read it (issue 11): the name and the work phone, nothing more of the
 * staff record. Built from StaffService.cards, one query per page.
 */
export class StaffRefDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '张伟' }) displayName: string;
  @ApiProperty({
    example: '0757-86338888',
    nullable: true,
    type: String,
    description: 'The work phone, shown in full (it is no personal number)',
  })
  workPhone: string | null;
}

/** The reference for `id` from a batch of cards; null when there is nobody (or the id is unknown). */
export function staffRef(cards: ReadonlyMap<string, StaffCardDto>, id: string | null | undefined): StaffRefDto | null {
  const card = id ? cards.get(id) : undefined;
  return card ? { id: card.id, displayName: card.displayName, workPhone: card.workPhone } : null;
}
