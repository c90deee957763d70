import { StaffRefDto, staffRef } from './dto/staff-ref.dto';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { guardedUpdate } from '../common/guarded-update';
import { sql } from '../common/sql';
import { AuthContext } from '../common/auth/auth-context';
import { NATIONWIDE } from '../common/auth/region-scope';
import { AuditService, changedFields } from '../common/audit/audit.service';
import { CommonError, CommonErrorCode, invalidFields } from '../common/errors/common-errors';
import { Page } from '../common/pagination/page';
import { RegionsService } from '../regions/regions.service';
import { ChangePasswordDto, CreateStaffDto, StaffCardDto, StaffDto, StaffQuery, UpdateStaffDto } from './dto/staff.dto';
import { maskEmail, maskHandle, mayReadContacts } from './staff-contact';
import { generatePassword, hashPassword, verifyPassword } from '../common/auth/passwords';
import { PrincipalCache } from './principal-cache';
import { Staff } from './staff.entity';
import { StaffError, StaffErrorCode } from './staff.errors';
import type { StaffContactRow } from './staff.repository';
import {
  activeScopedTo,
  activeStaffWithRole,
  countStaff,
  insertStaff,
  lockAdminBootstrap,
  lockStaff,
  lockStaffWithHash,
  staffCards,
  staffById,
  staffContacts,
  staffForLogin,
  staffPage,
  usernameTaken,
} from './staff.repository';
import { recordOutcome } from '../common/idempotency/idempotent-outcome';
import { apiPath } from '../common/http/api-path';

/** The record as this caller may read it: e-mail and messenger IDs masked unless `full` (staff-contact.ts). */
export const toStaffDto = (s: Staff, full: boolean): StaffDto => ({
  id: s.id,
  username: s.username,
  displayName: s.displayName,
  roles: s.roles,
  regions: s.regions,
  active: s.active,
  onDuty: s.onDuty,
  workPhone: s.workPhone,
  email: s.email && (full ? s.email : maskEmail(s.email)),
  wecomUserId: s.wecomUserId && (full ? s.wecomUserId : maskHandle(s.wecomUserId)),
  dingtalkUserId: s.dingtalkUserId && (full ? s.dingtalkUserId : maskHandle(s.dingtalkUserId)),
  contactsMasked: !full,
  version: s.version,
  createdAt: s.createdAt,
  deactivatedAt: s.deactivatedAt,
});

/**
 * How to reach a staff member and whether they may act now (roles, scope,
 * active, on duty), in full: for the modules that choose people to roster or
 * to notify (rosters, escalations). An API answer never carries it as is;
 * the API masks contacts (toStaffDto, staff-contact.ts).
 */
export type StaffContact = StaffContactRow;

const forCaller = (auth: AuthContext, s: Staff) => toStaffDto(s, mayReadContacts(auth, s));

const notFound = (id: string) => new StaffError(StaffErrorCode.STAFF_NOT_FOUND, `No staff member ${id}`);

/** The contact fields a create or an edit sets, for its audit row (the phone is masked there: src/common/masking.ts). */
const contactChanges = (dto: Partial<Pick<Staff, 'workPhone' | 'email' | 'wecomUserId' | 'dingtalkUserId'>>) =>
  Object.fromEntries(
    Object.entries({ workPhone: dto.workPhone, email: dto.email, wecomUserId: dto.wecomUserId, dingtalkUserId: dto.dingtalkUserId }).filter(
      ([, v]) => v != null,
    ),
  );

/** The regions a staff member's audit rows concern: their scopes (a nationwide one concerns no single region). */
const staffRegions = (regions: string[]) => regions.filter((r) => r !== NATIONWIDE);

@Injectable()
export class StaffService implements OnApplicationBootstrap {
  private readonly logger = new Logger(StaffService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly regions: RegionsService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly principals: PrincipalCache,
  ) {}

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

  async findForLogin(username: string): Promise<Staff | null> {
    return staffForLogin(this.dataSource.manager, username);
  }

  async create(auth: AuthContext, dto: CreateStaffDto): Promise<StaffDto> {
    this.assertScope(dto.roles, dto.regions);
    const staff = await this.dataSource.transaction(async (em) => {
      const inserted = await this.insert(em, auth, dto);
      await recordOutcome(em, { resource: apiPath('staff', inserted.id) });
      return inserted;
    });
    return toStaffDto(staff, true);
  }

  /** Non-admin staff work somewhere; every region must exist (a province, city or district) or be CN. */
  private assertScope(roles: readonly string[], regions: string[]): void {
    if (!roles.includes('admin') && regions.length === 0) {
      throw invalidFields({ field: 'regions', message: 'at least one region (or CN) is required for non-admin staff' });
    }
    this.regions.assertScopes('regions', regions);
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
      workPhone: dto.workPhone ?? null,
      email: dto.email ?? null,
      wecomUserId: dto.wecomUserId ?? null,
      dingtalkUserId: dto.dingtalkUserId ?? null,
    }).catch((err: { driverError?: { code?: string } }) => {
      if (err.driverError?.code === '23505') throw new StaffError(StaffErrorCode.STAFF_USERNAME_TAKEN, `Username ${dto.username} is taken`);
      throw err;
    });
    await this.audit.record(em, auth, {
      action: 'staff.created',
      entity: 'staff',
      entityId: saved.id,
      changes: {
        username: dto.username,
        displayName: dto.displayName,
        roles: dto.roles,
        regions: dto.regions,
        ...contactChanges(dto),
      },
      regions: staffRegions(dto.regions),
    });
    return saved;
  }

  /** Admins read anyone; a director reads the staff their scope covers (404 for the rest); anyone reads themself. */
  async get(auth: AuthContext, id: string): Promise<StaffDto> {
    const staff = await staffById(this.dataSource.manager, id);
    if (!staff || !mayReadContacts(auth, staff)) throw notFound(id);
    return forCaller(auth, staff);
  }

  /** Name and work phone, for any staff member (an agent calling the engineer of a case back). */
  async card(id: string): Promise<StaffCardDto> {
    const [card] = await staffCards(this.dataSource.manager, [id]);
    if (!card) throw notFound(id);
    return card;
  }

  /** Names and work phones by id, for the services that show who holds a case (unknown ids are left out). */
  async cards(ids: string[]): Promise<Map<string, StaffCardDto>> {
    const unique = [...new Set(ids)];
    if (!unique.length) return new Map();
    return new Map((await staffCards(this.dataSource.manager, unique)).map((c) => [c.id, c]));
  }

  /** Name and work phone of each id, in order (null for a null or unknown id), in one query: who holds a case, who manages its customer. */
  async refs(ids: (string | null | undefined)[]): Promise<(StaffRefDto | null)[]> {
    const cards = await this.cards(ids.filter((id): id is string => !!id));
    return ids.map((id) => staffRef(cards, id));
  }

  /**
   * Admin edit of name, roles, regions and contact fields, checked against
   * `expectedVersion`. Tokens are not revoked: every API process reads roles
   * and regions again once it is told (principal-cache.ts), so a change applies
   * on the caller's next request.
   */
  async update(auth: AuthContext, id: string, dto: UpdateStaffDto): Promise<StaffDto> {
    const { expectedVersion, ...changes } = dto;
    const updated = await this.dataSource.transaction(async (em) => {
      const before = await staffById(em, id);
      if (!before) throw notFound(id);
      if (id === auth.staffId && changes.roles && !changes.roles.includes('admin')) {
        throw new StaffError(StaffErrorCode.STAFF_CANNOT_DEMOTE_SELF, 'You cannot remove your own admin role');
      }
      if (changes.roles || changes.regions) this.assertScope(changes.roles ?? before.roles, changes.regions ?? before.regions);
      const after = await guardedUpdate(em, Staff, { id }, expectedVersion, changes, 'staff member');
      await this.audit.record(em, auth, {
        action: 'staff.updated',
        entity: 'staff',
        entityId: id,
        changes: changedFields(before, changes),
        regions: staffRegions([...new Set([...before.regions, ...after.regions])]),
      });
      return toStaffDto(after, true);
    });
    if (changes.roles || changes.regions) await this.principals.changed(id);
    return updated;
  }

  /**
   * The caller's own password: the old one must match, the new one follows
   * the rules of creation. Every token issued before stops working (the
   * token version is bumped): the caller signs in again.
   */
  async changePassword(auth: AuthContext, dto: ChangePasswordDto): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      const staff = await lockStaffWithHash(em, auth.staffId);
      if (!staff) throw notFound(auth.staffId);
      if (!(await verifyPassword(staff.passwordHash, dto.oldPassword))) {
        throw invalidFields({ field: 'oldPassword', message: 'is not your current password' });
      }
      if (dto.newPassword === dto.oldPassword)
        throw invalidFields({ field: 'newPassword', message: 'must differ from the current password' });
      await guardedUpdate(
        em,
        Staff,
        { id: staff.id },
        staff.version,
        { passwordHash: await hashPassword(dto.newPassword), tokenVersion: sql`token_version + 1` },
        'staff member',
      );
      await this.audit.record(em, auth, {
        action: 'staff.password_changed',
        entity: 'staff',
        entityId: staff.id,
        regions: staffRegions(staff.regions),
      });
    });
    await this.principals.changed(auth.staffId);
  }

  /**
   * An engineer's on-duty state, set by the engineer, a director whose
   * scope covers them or an admin. Dispatch reads it on every assignment,
   * so it applies to the next case dispatched.
   */
  async setOnDuty(auth: AuthContext, id: string, onDuty: boolean): Promise<StaffDto> {
    return this.dataSource.transaction(async (em) => {
      const staff = await lockStaff(em, id);
      const isDirector = auth.roles.includes('director') || auth.roles.includes('admin');
      // A director outside their scope cannot tell the staff member exists; an engineer may only set their own state.
      if (!staff || (isDirector && !mayReadContacts(auth, staff))) throw notFound(id);
      if (!isDirector && auth.staffId !== id) {
        throw new CommonError(CommonErrorCode.FORBIDDEN, 'An engineer sets only their own on-duty state');
      }
      if (!staff.roles.includes('engineer')) {
        throw new StaffError(StaffErrorCode.STAFF_NOT_ENGINEER, `Staff member ${id} is not an engineer: on-duty applies to engineers`);
      }
      if (staff.onDuty === onDuty) return forCaller(auth, staff);
      const after = await guardedUpdate(em, Staff, { id }, staff.version, { onDuty }, 'staff member');
      await this.audit.record(em, auth, {
        action: 'staff.on_duty_changed',
        entity: 'staff',
        entityId: id,
        changes: { onDuty: { from: staff.onDuty, to: onDuty } },
        regions: staffRegions(staff.regions),
      });
      return forCaller(auth, after);
    });
  }

  /** The contacts of the staff members found among `ids` (unknown ids left out, inactive ones kept: the caller decides). */
  async contacts(ids: string[], em: EntityManager = this.dataSource.manager): Promise<StaffContact[]> {
    const unique = [...new Set(ids)];
    return unique.length ? staffContacts(em, unique) : [];
  }

  /**
   * Active staff holding `role` whose scope names one of `codes` itself: the
   * directors of a city are those scoped to the city's code, not a
   * province's directors, whose scope covers it too.
   */
  async activeScopedTo(
    role: Staff['roles'][number],
    codes: string[],
    em: EntityManager = this.dataSource.manager,
  ): Promise<StaffContact[]> {
    return codes.length ? activeScopedTo(em, role, codes) : [];
  }

  /** Active staff holding a role, for the services that assign work (account managers, engineers). */
  /** Pass the caller's `em` when inside a transaction: a second connection per request can starve the pool under load. */
  async findActiveWithRole(id: string, role: Staff['roles'][number], em: EntityManager = this.dataSource.manager): Promise<Staff | null> {
    return activeStaffWithRole(em, id, role);
  }

  async list(auth: AuthContext, q: StaffQuery): Promise<Page<StaffDto>> {
    // Staff whose scope covers the region: CN, or a scope code whose prefix starts the region code.
    const coveringCodes = q.region ? [...this.regions.chain(q.region).map((r) => r.code), NATIONWIDE] : undefined;
    const { items: rows, total } = await staffPage(this.dataSource.manager, {
      role: q.role,
      active: q.active,
      coveringCodes,
      limit: q.limit,
      offset: q.offset,
    });
    return { items: rows.map((r) => forCaller(auth, r)), total, limit: q.limit, offset: q.offset };
  }

  /** Deactivation bumps the token version: every token issued before stops working at once. */
  async setActive(auth: AuthContext, id: string, active: boolean): Promise<StaffDto> {
    if (!active && id === auth.staffId) {
      throw new StaffError(StaffErrorCode.STAFF_CANNOT_DEACTIVATE_SELF, 'You cannot deactivate yourself');
    }
    const result = await this.dataSource.transaction(async (em) => {
      const staff = await lockStaff(em, id);
      if (!staff) throw notFound(id);
      if (staff.active === active) return toStaffDto(staff, true);
      const after = await guardedUpdate(
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
      return toStaffDto(after, true);
    });
    // After the commit: every API process drops its copy (principal-cache.ts).
    await this.principals.changed(id);
    return result;
  }
}
