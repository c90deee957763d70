import { ApiProperty } from '@nestjs/swagger';

/** What every case's SLA view adds about working time (issue 12); each module's view extends it. */
export class WorkingTimeView {
  @ApiProperty({
    example: 12_600,
    description:
      'Working time left of the response target when read, in seconds, on responseCalendar; negative once overrun, frozen while the clock stands still',
  })
  responseWorkingSecondsRemaining: number;
  @ApiProperty({ example: 25_200, description: 'Working time left of the resolution target when read, in seconds, on resolutionCalendar' })
  resolutionWorkingSecondsRemaining: number;
  @ApiProperty({
    example: 'workday',
    description: 'The calendar the response clock counts on (24x7 for a green-channel case or a 24×7 contract)',
  })
  responseCalendar: string;
  @ApiProperty({ example: 'workday', description: 'The calendar the resolution clock counts on' })
  resolutionCalendar: string;
}
