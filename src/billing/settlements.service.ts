import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { RegionPositionView, SettlementView } from './dto/billing-views.dto';
import { fen } from './money';
import { collectedByRegion, settlementFlows } from './settlements.repository';

/**
 * Settlement between regions: for the money received in a month (China
 * time) and not reversed, who collected it and whose bill lines it paid —
 * whenever it was applied, at payment or later as credit a new bill consumed.
 * What is not applied yet is reported per collecting region, so the matrix
 * plus the unallocated money always adds up to the payments collected.
 */
@Injectable()
export class SettlementsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async report(period: string): Promise<SettlementView> {
    const [flows, collected] = await Promise.all([
      settlementFlows(this.dataSource.manager, period),
      collectedByRegion(this.dataSource.manager, period),
    ]);

    const positions = new Map<string, { collected: bigint; kept: bigint; receivable: bigint; payable: bigint; unallocated: bigint }>();
    const at = (region: string) => {
      let p = positions.get(region);
      if (!p) positions.set(region, (p = { collected: 0n, kept: 0n, receivable: 0n, payable: 0n, unallocated: 0n }));
      return p;
    };
    for (const c of collected) {
      at(c.region).collected += c.amount;
      at(c.region).unallocated += c.unallocated;
    }
    for (const f of flows) {
      if (f.collectingRegion === f.servingRegion) at(f.collectingRegion).kept += f.amount;
      else {
        at(f.collectingRegion).payable += f.amount;
        at(f.servingRegion).receivable += f.amount;
      }
    }
    const total = collected.reduce((s, c) => s + c.amount, 0n);
    return {
      period,
      collectedFen: fen(total),
      paymentCount: collected.reduce((s, c) => s + c.payments, 0),
      matrix: flows.map((f) => ({ collectingRegion: f.collectingRegion, servingRegion: f.servingRegion, amountFen: fen(f.amount) })),
      unallocatedFen: fen(collected.reduce((s, c) => s + c.unallocated, 0n)),
      positions: [...positions.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([region, p]): RegionPositionView => ({
          region,
          collectedFen: fen(p.collected),
          keptFen: fen(p.kept),
          receivableFen: fen(p.receivable),
          payableFen: fen(p.payable),
          netFen: fen(p.receivable - p.payable),
          unallocatedFen: fen(p.unallocated),
        })),
    };
  }
}
