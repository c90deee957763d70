import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { RegionPositionView, SettlementView } from './dto/billing-views.dto';
import { fen } from './money';

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
    const window = `received_at >= ($1 || '-01')::timestamp AT TIME ZONE 'Asia/Shanghai'
                AND received_at < (($1 || '-01')::timestamp + interval '1 month') AT TIME ZONE 'Asia/Shanghai'`;
    const [flows, collected]: [
      { collecting: string; serving: string; amount: string }[],
      { region: string; amount: string; unallocated: string; n: number }[],
    ] = await Promise.all([
      this.dataSource.query(
        `SELECT p.collected_region AS collecting, l.serving_region AS serving, sum(a.amount_fen)::text AS amount
             FROM payments p
             JOIN payment_allocations a ON a.payment_id = p.id AND a.reversed_at IS NULL
             JOIN bill_lines l ON l.id = a.bill_line_id
            WHERE p.reversed_at IS NULL AND ${window}
            GROUP BY 1, 2 ORDER BY 1, 2`,
        [period],
      ),
      this.dataSource.query(
        `SELECT collected_region AS region, sum(amount_fen)::text AS amount, sum(amount_fen - allocated_fen)::text AS unallocated, count(*)::int AS n
             FROM payments WHERE reversed_at IS NULL AND ${window} GROUP BY 1 ORDER BY 1`,
        [period],
      ),
    ]);

    const positions = new Map<string, { collected: bigint; kept: bigint; receivable: bigint; payable: bigint; unallocated: bigint }>();
    const at = (region: string) => {
      let p = positions.get(region);
      if (!p) positions.set(region, (p = { collected: 0n, kept: 0n, receivable: 0n, payable: 0n, unallocated: 0n }));
      return p;
    };
    for (const c of collected) {
      at(c.region).collected += BigInt(c.amount);
      at(c.region).unallocated += BigInt(c.unallocated);
    }
    for (const f of flows) {
      const amount = BigInt(f.amount);
      if (f.collecting === f.serving) at(f.collecting).kept += amount;
      else {
        at(f.collecting).payable += amount;
        at(f.serving).receivable += amount;
      }
    }
    const total = collected.reduce((s, c) => s + BigInt(c.amount), 0n);
    return {
      period,
      collectedFen: fen(total),
      paymentCount: collected.reduce((s, c) => s + c.n, 0),
      matrix: flows.map((f) => ({ collectingRegion: f.collecting, servingRegion: f.serving, amountFen: fen(f.amount) })),
      unallocatedFen: fen(collected.reduce((s, c) => s + BigInt(c.unallocated), 0n)),
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
