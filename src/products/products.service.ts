import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Product } from './product.entity';

@Injectable()
export class ProductsService {
  constructor(@InjectRepository(Product) private readonly products: Repository<Product>) {}

  list(includeInactive = false): Promise<Product[]> {
    return this.products.find({ where: includeInactive ? {} : { active: true }, order: { code: 'ASC' } });
  }

  find(code: string): Promise<Product | null> {
    return this.products.findOneBy({ code });
  }
}
