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
import { generatePassword, hashPassword } from './passwords';
import { Staff } from './staff.entity';
import { StaffError, StaffErrorCode } from './staff.errors';
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
      await em.query("SELECT pg_advisory_xact_lock(hashtext('focus-one:bootstrap-admin'))");
      if (await em.count(Staff)) return null;
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
    const [row] = await this.dataSource.query(
      `SELECT username, roles, regions, active, token_version AS "tokenVersion" FROM staff WHERE id = $1`,
      [staffId],
    );
    return row ?? null;
  }

  async findForLogin(username: string): Promise<Staff | null> {
    return this.dataSource
      .getRepository(Staff)
      .createQueryBuilder('s')
      .addSelect('s.passwordHash')
      .where('s.username = :username', { username: username.toLowerCase() })
      .getOne();
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
    const exists = await em.exists(Staff, { where: { username: dto.username } });
    if (exists) throw new StaffError(StaffErrorCode.STAFF_USERNAME_TAKEN, `Username ${dto.username} is taken`);
    const row = em.create(Staff, {
      username: dto.username,
      displayName: dto.displayName,
      passwordHash: await hashPassword(dto.password),
      roles: dto.roles,
      regions: dto.regions,
      active: true,
      tokenVersion: 0,
      version: 1,
    });
    const saved = await em.save(row).catch((err: { driverError?: { code?: string } }) => {
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
    const staff = await this.dataSource.getRepository(Staff).findOneBy({ id });
    if (!staff) throw new StaffError(StaffErrorCode.STAFF_NOT_FOUND, `No staff member ${id}`);
    return toStaffDto(staff);
  }

  /** Active staff holding a role, for the services that assign work (account managers, engineers). */
  /** Pass the caller's `em` when inside a transaction: a second connection per request can starve the pool under load. */
  async findActiveWithRole(id: string, role: Staff['roles'][number], em: EntityManager = this.dataSource.manager): Promise<Staff | null> {
    return em.getRepository(Staff).createQueryBuilder('s').where('s.id = :id AND s.active AND :role = ANY(s.roles)', { id, role }).getOne();
  }

  async list(q: StaffQuery): Promise<Page<StaffDto>> {
    const qb = this.dataSource.getRepository(Staff).createQueryBuilder('s');
    if (q.role) qb.andWhere(':role = ANY(s.roles)', { role: q.role });
    if (q.active !== undefined) qb.andWhere('s.active = :active', { active: q.active });
    if (q.region) {
      // Staff whose scope covers the region: CN, or a scope code whose prefix starts the region code.
      const prefixes = this.regions.chain(q.region).map((r) => r.code);
      qb.andWhere(`(s.regions && :codes OR 'admin' = ANY(s.roles))`, { codes: [...prefixes, NATIONWIDE] });
    }
    const [rows, total] = await qb.orderBy('s.username').take(q.limit).skip(q.offset).getManyAndCount();
    return { items: rows.map(toStaffDto), total, limit: q.limit, offset: q.offset };
  }

  /** Deactivation bumps the token version: every token issued before stops working at once. */
  async setActive(auth: AuthContext, id: string, active: boolean): Promise<StaffDto> {
    if (!active && id === auth.staffId) {
      throw new StaffError(StaffErrorCode.STAFF_CANNOT_DEACTIVATE_SELF, 'You cannot deactivate yourself');
    }
    return this.dataSource.transaction(async (em) => {
      const staff = await em.findOne(Staff, { where: { id }, lock: { mode: 'pessimistic_write' } });
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
      return toStaffDto((await em.findOneBy(Staff, { id }))!);
    });
  }
}
