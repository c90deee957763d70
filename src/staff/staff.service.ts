import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { guardedUpdate } from '../common/guarded-update';
import { sql } from '../common/sql';
import { AuthContext } from '../common/auth/auth-context';
import { Principal, PrincipalLoader } from '../common/auth/principal-loader';
import { NATIONWIDE } from '../common/auth/region-scope';
import { AuditService } from '../common/audit/audit.service';
import { invalidFields } from '../common/errors/common-errors';
import { Page } from '../common/pagination/page';
import { RegionsService } from '../regions/regions.service';
import { CreateStaffDto, StaffDto, StaffQuery } from './dto/staff.dto';
import { generatePassword, hashPassword } from '../common/auth/passwords';
import { Staff } from './staff.entity';
import { StaffError, StaffErrorCode } from './staff.errors';
import {
  activeStaffWithRole,
  countStaff,
  insertStaff,
  lockAdminBootstrap,
  lockStaff,
  principalOf,
  staffById,
  staffForLogin,
  staffPage,
  usernameTaken,
} from './staff.repository';
import { recordOutcome } from '../common/idempotency/idempotent-outcome';
import { apiPath } from '../common/http/api-path';

export const toStaffDto = (s: Staff): StaffDto => ({
  id: s.id,
  username: s.username,
  displayName: s.displayName,
  roles: s.roles,
  regions: s.regions,
  active: s.active,
  version: s.version,
  createdAt: s.createdAt,
  deactivatedAt: s.deactivatedAt,
});

/** The regions a staff member's audit rows concern: their scopes (a nationwide one concerns no single region). */
const staffRegions = (regions: string[]) => regions.filter((r) => r !== NATIONWIDE);

@Injectable()
export class StaffService extends PrincipalLoader implements OnApplicationBootstrap {
  private readonly logger = new Logger(StaffService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly regions: RegionsService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {
    super();
  }

  /** On the very first start, creates the admin so the system can be reached at all. */
  async onApplicationBootstrap(): Promise<void> {
    const { username, password } = this.config.admin;
    const created = await this.dataSource.transaction(async (em) => {
      // Several processes may start at once: one of them creates the admin.
      await lockAdminBootstrap(em);
      if (await countStaff(em)) return null;
      const chosen = password ?? generatePassword();
      await this.insert(em, null, {
        username,
        password: chosen,
        displayName: 'Administrator',
        roles: ['admin'],
        regions: [NATIONWIDE],
      });
      return password ? null : chosen;
    });
    if (created) {
      // Printed once, on the start that created it; only its hash is stored.
      this.logger.warn(`No staff existed: created admin "${username}" with generated password: ${created}`);
    }
  }

  /** On every authenticated request, so one plain indexed query. */
  async loadPrincipal(staffId: string): Promise<Principal | null> {
    return principalOf(this.dataSource, staffId);
  }

  async findForLogin(username: string): Promise<Staff | null> {
    return staffForLogin(this.dataSource.manager, username);
  }

  async create(auth: AuthContext, dto: CreateStaffDto): Promise<StaffDto> {
    if (!dto.roles.includes('admin') && dto.regions.length === 0) {
      throw invalidFields({ field: 'regions', message: 'at least one region (or CN) is required for non-admin staff' });
    }
    this.regions.assertScopes('regions', dto.regions);
    const staff = await this.dataSource.transaction(async (em) => {
      const inserted = await this.insert(em, auth, dto);
      await recordOutcome(em, { resource: apiPath('staff', inserted.id) });
      return inserted;
    });
    return toStaffDto(staff);
  }

  private async insert(em: EntityManager, auth: AuthContext | null, dto: CreateStaffDto): Promise<Staff> {
    if (await usernameTaken(em, dto.username))
      throw new StaffError(StaffErrorCode.STAFF_USERNAME_TAKEN, `Username ${dto.username} is taken`);
    const saved = await insertStaff(em, {
      username: dto.username,
      displayName: dto.displayName,
      passwordHash: await hashPassword(dto.password),
      roles: dto.roles,
      regions: dto.regions,
    }).catch((err: { driverError?: { code?: string } }) => {
      if (err.driverError?.code === '23505') throw new StaffError(StaffErrorCode.STAFF_USERNAME_TAKEN, `Username ${dto.username} is taken`);
      throw err;
    });
    await this.audit.record(em, auth, {
      action: 'staff.created',
      entity: 'staff',
      entityId: saved.id,
      changes: { username: dto.username, displayName: dto.displayName, roles: dto.roles, regions: dto.regions },
      regions: staffRegions(dto.regions),
    });
    return saved;
  }

  async get(id: string): Promise<StaffDto> {
    const staff = await staffById(this.dataSource.manager, id);
    if (!staff) throw new StaffError(StaffErrorCode.STAFF_NOT_FOUND, `No staff member ${id}`);
    return toStaffDto(staff);
  }

  /** Active staff holding a role, for the services that assign work (account managers, engineers). */
  /** Pass the caller's `em` when inside a transaction: a second connection per request can starve the pool under load. */
  async findActiveWithRole(id: string, role: Staff['roles'][number], em: EntityManager = this.dataSource.manager): Promise<Staff | null> {
    return activeStaffWithRole(em, id, role);
  }

  async list(q: StaffQuery): Promise<Page<StaffDto>> {
    // Staff whose scope covers the region: CN, or a scope code whose prefix starts the region code.
    const coveringCodes = q.region ? [...this.regions.chain(q.region).map((r) => r.code), NATIONWIDE] : undefined;
    const { items: rows, total } = await staffPage(this.dataSource.manager, {
      role: q.role,
      active: q.active,
      coveringCodes,
      limit: q.limit,
      offset: q.offset,
    });
    return { items: rows.map(toStaffDto), total, limit: q.limit, offset: q.offset };
  }

  /** Deactivation bumps the token version: every token issued before stops working at once. */
  async setActive(auth: AuthContext, id: string, active: boolean): Promise<StaffDto> {
    if (!active && id === auth.staffId) {
      throw new StaffError(StaffErrorCode.STAFF_CANNOT_DEACTIVATE_SELF, 'You cannot deactivate yourself');
    }
    return this.dataSource.transaction(async (em) => {
      const staff = await lockStaff(em, id);
      if (!staff) throw new StaffError(StaffErrorCode.STAFF_NOT_FOUND, `No staff member ${id}`);
      if (staff.active === active) return toStaffDto(staff);
      await guardedUpdate(
        em,
        Staff,
        { id },
        staff.version,
        { active, deactivatedAt: active ? null : new Date(), tokenVersion: sql`token_version + 1` },
        'staff member',
      );
      await this.audit.record(em, auth, {
        action: active ? 'staff.activated' : 'staff.deactivated',
        entity: 'staff',
        entityId: id,
        changes: { active: { from: staff.active, to: active } },
        regions: staffRegions(staff.regions),
      });
      return toStaffDto((await staffById(em, id))!);
    });
  }
}
