import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { RegionsService } from '../regions/regions.service';
import { SettlementLevel } from './dto/billing-input.dto';
import { RegionPositionView, SettlementView } from './dto/billing-views.dto';
import { fen } from './money';
import { CollectedInRegion, SettlementFlow, collectedByRegion, settlementFlows } from './settlements.repository';

/**
 * Settlement between regions: for the money received in a month (China
 * time) and not reversed, who collected it and whose bill lines it paid —
 * whenever it was applied, at payment or later as credit a new bill consumed.
 * What is not applied yet is reported per collecting region, so the matrix
 * plus the unallocated money always adds up to the payments collected.
 * With a `level`, every region is rolled up to its province or city (a region
 * coarser than the level stays as it is) before anything is summed, so money
 * moving within one province is "kept" at province level.
 */
@Injectable()
export class SettlementsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly regions: RegionsService,
  ) {}

  async report(period: string, level?: SettlementLevel): Promise<SettlementView> {
    const [recordedFlows, recordedCollected] = await Promise.all([
      settlementFlows(this.dataSource.manager, period),
      collectedByRegion(this.dataSource.manager, period),
    ]);
    const { flows, collected } = level
      ? this.rollUp(recordedFlows, recordedCollected, level)
      : { flows: recordedFlows, collected: recordedCollected };
    const name = (code: string) => this.regions.find(code)?.fullName ?? code;

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
      level: level ?? 'recorded',
      collectedFen: fen(total),
      paymentCount: collected.reduce((s, c) => s + c.payments, 0),
      matrix: flows.map((f) => ({
        collectingRegion: f.collectingRegion,
        collectingRegionName: name(f.collectingRegion),
        servingRegion: f.servingRegion,
        servingRegionName: name(f.servingRegion),
        amountFen: fen(f.amount),
      })),
      unallocatedFen: fen(collected.reduce((s, c) => s + c.unallocated, 0n)),
      positions: [...positions.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([region, p]): RegionPositionView => ({
          region,
          regionName: name(region),
          collectedFen: fen(p.collected),
          keptFen: fen(p.kept),
          receivableFen: fen(p.receivable),
          payableFen: fen(p.payable),
          netFen: fen(p.receivable - p.payable),
          unallocatedFen: fen(p.unallocated),
        })),
    };
  }

  /** Each region replaced by its ancestor at `level` (kept when it has none: a province asked at city level), and summed again. */
  private rollUp(flows: SettlementFlow[], collected: CollectedInRegion[], level: SettlementLevel) {
    const up = (code: string) => this.regions.chain(code).find((r) => r.level === level)?.code ?? code;
    const flowSums = new Map<string, SettlementFlow>();
    for (const f of flows) {
      const [from, to] = [up(f.collectingRegion), up(f.servingRegion)];
      const key = `${from}>${to}`;
      const sum = flowSums.get(key) ?? { collectingRegion: from, servingRegion: to, amount: 0n };
      sum.amount += f.amount;
      flowSums.set(key, sum);
    }
    const collectedSums = new Map<string, CollectedInRegion>();
    for (const c of collected) {
      const region = up(c.region);
      const sum = collectedSums.get(region) ?? { region, amount: 0n, unallocated: 0n, payments: 0 };
      sum.amount += c.amount;
      sum.unallocated += c.unallocated;
      sum.payments += c.payments;
      collectedSums.set(region, sum);
    }
    const byCodes = (a: SettlementFlow, b: SettlementFlow) =>
      a.collectingRegion.localeCompare(b.collectingRegion) || a.servingRegion.localeCompare(b.servingRegion);
    return { flows: [...flowSums.values()].sort(byCodes), collected: [...collectedSums.values()] };
  }
}
