import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../common/audit/audit.service';
import type { AuthContext } from '../common/auth/auth-context';
import { CommonError, CommonErrorCode, invalidFields } from '../common/errors/common-errors';
import { AppConfig } from '../config/app-config';
import { RegionsService } from '../regions/regions.service';
import { WebhookTargets } from '../webhooks/webhook-targets.service';
import { secretHint } from '../webhooks/webhooks.service';
import { RegionDispatchDto, RegionDispatchView } from './dto/order.dto';
import { deleteDispatchEndpoint, findDispatchEndpoint, upsertDispatchEndpoint } from './region-dispatch.repository';

/** Each region's dispatch endpoint (admins): where its fulfilment system takes work orders. */
@Injectable()
export class RegionDispatchService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly regions: RegionsService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly targets: WebhookTargets,
  ) {}

  /** Set or replace; the URL passes the webhooks' SSRF guard (and again before every dispatch). */
  async put(auth: AuthContext, code: string, dto: RegionDispatchDto): Promise<RegionDispatchView> {
    this.assertRegion(code);
    const check = await this.targets.check(dto.url, AbortSignal.timeout(this.config.events.webhookTimeoutMs));
    if (!check.ok) throw invalidFields({ field: 'url', message: check.reason });
    const url = check.url.toString();
    return this.dataSource.transaction(async (em) => {
      const row = await upsertDispatchEndpoint(em, { region: code, url, secret: dto.secret, updatedBy: auth.staffId });
      await this.audit.record(em, auth, {
        action: 'region_dispatch.updated',
        entity: 'region',
        entityId: code,
        changes: { url },
        regions: [code],
      });
      return { ...row, secretHint: secretHint(dto.secret) };
    });
  }

  async get(code: string): Promise<RegionDispatchView> {
    this.assertRegion(code);
    const row = await findDispatchEndpoint(this.dataSource.manager, code);
    if (!row)
      throw new CommonError(
        CommonErrorCode.NOT_FOUND,
        `Region ${code} has no dispatch endpoint; its work orders wait in the console queue`,
      );
    const { secret, ...rest } = row;
    return { ...rest, secretHint: secretHint(secret) };
  }

  /** Its work orders go back to waiting in the console queue. */
  async remove(auth: AuthContext, code: string): Promise<void> {
    this.assertRegion(code);
    await this.dataSource.transaction(async (em) => {
      const n = await deleteDispatchEndpoint(em, code);
      if (n) await this.audit.record(em, auth, { action: 'region_dispatch.removed', entity: 'region', entityId: code, regions: [code] });
    });
  }

  private assertRegion(code: string): void {
    if (!this.regions.find(code)) throw new CommonError(CommonErrorCode.NOT_FOUND, `No region ${code}`);
  }
}
