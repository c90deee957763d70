import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Role } from '../common/auth/auth-context';

@Entity('staff')
export class Staff {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') username: string;
  @Column('text') displayName: string;
  @Column('text', { select: false }) passwordHash: string;
  @Column('text', { array: true }) roles: Role[];
  /** GB/T 2260 codes (or CN) the staff member works in; a province covers its cities and districts. */
  @Column('text', { array: true }) regions: string[];
  @Column('boolean') active: boolean;
  @Column('integer') tokenVersion: number;
  @Column('integer') version: number;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) deactivatedAt: Date | null;
}
