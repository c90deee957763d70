import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { WeeklyHours } from './calendar-definition';

/** A row of `calendars`: weekly hours in a zone (migration 1795850000000-calendars). */
@Entity('calendars')
export class CalendarRecord {
  @PrimaryColumn('text') key: string;
  @Column('text') name: string;
  @Column('text') timeZone: string;
  @Column('jsonb') weekly: WeeklyHours;
  /** China's shared holiday and make-up-day table applies, under the calendar's own days. */
  @Column('boolean') followsChinaHolidays: boolean;
  @Column('boolean') builtin: boolean;
  @Column('integer') version: number;
  @Column({ type: 'timestamptz' }) createdAt: Date;
  @Column({ type: 'timestamptz' }) updatedAt: Date;
  @Column({ type: 'uuid', nullable: true }) updatedBy: string | null;
}

/** Who owns a year of China's statutory days: the package, or an admin who entered it by hand. */
@Entity('china_statutory_years')
export class ChinaStatutoryYear {
  @PrimaryColumn('integer') year: number;
  @Column('text') source: 'package' | 'manual';
  @Column({ type: 'text', nullable: true }) loadedFrom: string | null;
  @Column('integer') version: number;
  @Column({ type: 'timestamptz' }) updatedAt: Date;
  @Column({ type: 'uuid', nullable: true }) updatedBy: string | null;
}
