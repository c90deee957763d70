import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Product } from './product.entity';

/** The catalogue changes only by migration; order intake reads it from memory, refreshed this often. */
const CATALOGUE_TTL_MS = 60_000;

@Injectable()
export class ProductsService {
  private catalogue?: { at: number; byCode: Promise<Map<string, Product>> };

  constructor(@InjectRepository(Product) private readonly products: Repository<Product>) {}

  list(includeInactive = false): Promise<Product[]> {
    return this.products.find({ where: includeInactive ? {} : { active: true }, order: { code: 'ASC' } });
  }

  find(code: string): Promise<Product | null> {
    return this.products.findOneBy({ code });
  }

  /**
   * Active products by code, for the order intake path (no query per order).
   * An order asks inside its transaction, so a refill reads through that
   * transaction's connection: on a connection of its own, a burst of orders
   * holding the whole pool would wait for it for ever.
   */
  async activeByCode(em?: EntityManager): Promise<Map<string, Product>> {
    if (!this.catalogue || Date.now() - this.catalogue.at > CATALOGUE_TTL_MS) {
      const repo = em ? em.getRepository(Product) : this.products;
      const byCode = repo.find({ where: { active: true }, order: { code: 'ASC' } }).then((all) => new Map(all.map((p) => [p.code, p])));
      this.catalogue = { at: Date.now(), byCode };
      byCode.catch(() => (this.catalogue = undefined));
    }
    return this.catalogue.byCode;
  }
}
