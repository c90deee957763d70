import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthContext } from '../common/auth/auth-context';
import { scopePatterns } from '../common/auth/region-scope';
import type { CustomerReferences } from '../customers/customer-references.port';
import { customerOfBill, visibleCaseByNumber } from './console.repository';

/**
 * The customers module's CUSTOMER_REFERENCES port: the customer behind a case,
 * work order or bill number. Here because the console is the one module that
 * reads every other (docs/ARCHITECTURE.md, "Module map").
 */
@Injectable()
export class ConsoleCustomerReferences implements CustomerReferences {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async customerOf(auth: AuthContext, reference: string): Promise<string | null> {
    if (reference.startsWith('BL-')) return customerOfBill(this.dataSource, reference);
    const found = await visibleCaseByNumber(this.dataSource, reference, scopePatterns(auth), auth.staffId);
    return found?.customerId ?? null;
  }
}
