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
  /** Engineers: dispatch assigns work only to those on duty (set by PUT /staff/:id/on-duty). */
  @Column('boolean', { default: true }) onDuty: boolean;
  /** Normalised: 13812345678 or 0757-86338888 (src/staff/staff-contact.ts). */
  @Column({ type: 'text', nullable: true }) workPhone: string | null;
  @Column({ type: 'text', nullable: true }) email: string | null;
  @Column({ type: 'text', nullable: true }) wecomUserId: string | null;
  @Column({ type: 'text', nullable: true }) dingtalkUserId: string | null;
  @Column('integer') tokenVersion: number;
  @Column('integer') version: number;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) deactivatedAt: Date | null;
}
