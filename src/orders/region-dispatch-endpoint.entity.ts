import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Where a region's fulfilment system takes work orders (a signed webhook); without one they wait in the console queue. */
@Entity('region_dispatch_endpoints')
export class RegionDispatchEndpoint {
  @PrimaryColumn('text') region: string;
  @Column('text') url: string;
  @Column({ type: 'text', select: false }) secret: string;
  @Column({ type: 'uuid', nullable: true }) updatedBy: string | null;
  @Column('timestamptz') updatedAt: Date;
}
