import { Column, CreateDateColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * The columns every case table opened through an intake shares (faults, support requests, inquiries),
 * declared once; each entity extends this and adds its own. The tables themselves come from migrations.
 */
export abstract class CaseColumns {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') caseNo: string;
  @Column('smallint') priority: number;
  @Column('boolean') greenChannel: boolean;
  @Column({ type: 'timestamptz', nullable: true }) closedAt: Date | null;
  @Column({ type: 'uuid', nullable: true }) createdBy: string | null;
  @Column('integer') version: number;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
