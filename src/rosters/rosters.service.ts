import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../common/audit/audit.service';
import { hasRole } from '../common/auth/auth-context';
import type { AuthContext } from '../common/auth/auth-context';
import { NATIONWIDE, covers, isNationwide, scopePatterns, scopePrefix } from '../common/auth/region-scope';
import { invalidFields } from '../common/errors/common-errors';
import { apiPath } from '../common/http/api-path';
import { recordOutcome } from '../common/idempotency/idempotent-outcome';
import type { Page } from '../common/pagination/page';
import type { Sql } from '../common/sql';
import { RegionsService } from '../regions/regions.service';
import { staffRef } from '../staff/dto/staff-ref.dto';
import { StaffService } from '../staff/staff.service';
import type { StaffContact } from '../staff/staff.service';
import type { CreateShiftDto, OnDutyDto, OnDutyQuery, ShiftDto, ShiftQuery } from './dto/roster.dto';
import { DUTY_ROLE_HOLDERS, availableForDuty, mayHoldDuty, scopeCovers } from './duty-roles.port';
import type { DutyRole } from './duty-roles.port';
import type { ShiftRow } from './rosters.repository';
import { coveringShifts, coveringShiftsStatement, deleteShift, insertShift, shiftById, shiftPage } from './rosters.repository';
import { rosterRegionForbidden, shiftNotFound } from './rosters.errors';

/** Someone on duty: their staff record (contacts, roles) and the shift that puts them there. */
export interface OnDutyPerson {
  staff: StaffContact;
  shift: ShiftRow;
}

/** Who is on duty for one duty in one region at one instant (RostersService.onDuty). */
export interface OnDuty {
  /** The region whose shifts answer (the asked one or the nearest above it with someone on duty); null when nobody is. */
  rosterRegion: string | null;
  people: OnDutyPerson[];
}

const toShiftDto = (s: ShiftRow, staff: ShiftDto['staff']): ShiftDto => ({
  id: s.id,
  region: s.region,
  dutyRole: s.dutyRole,
  staffId: s.staffId,
  staff,
  from: s.startsAt,
  to: s.endsAt,
  createdBy: s.createdBy,
  createdAt: s.createdAt,
});

/** The regions an audit row about a shift concerns: its own (a national shift concerns no single region). */
const auditRegions = (region: string) => (region === NATIONWIDE ? [] : [region]);

/**
 * The duty roster (docs/ARCHITECTURE.md, "Duty roster"): shifts per region and
 * duty role, and who is on duty at an instant, the most specific region with
 * someone on duty answering for the regions under it.
 */
@Injectable()
export class RostersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly regions: RegionsService,
    private readonly staff: StaffService,
    private readonly audit: AuditService,
  ) {}

  async create(auth: AuthContext, dto: CreateShiftDto): Promise<ShiftDto> {
    this.assertRegion('region', dto.region);
    const startsAt = new Date(dto.from);
    const endsAt = new Date(dto.to);
    if (startsAt >= endsAt) throw invalidFields({ field: 'to', message: 'must be after from' });
    if (!this.mayManage(auth, dto.region)) throw rosterRegionForbidden(dto.region);
    return this.dataSource.transaction(async (em) => {
      const [person] = await this.staff.contacts([dto.staffId], em);
      this.assertRosterable(person, dto.dutyRole, dto.region);
      const shift = await insertShift(em, {
        region: dto.region,
        dutyRole: dto.dutyRole,
        staffId: dto.staffId,
        startsAt,
        endsAt,
        createdBy: auth.staffId,
      });
      await this.audit.record(em, auth, {
        action: 'roster_shift.created',
        entity: 'roster_shift',
        entityId: shift.id,
        changes: { region: shift.region, dutyRole: shift.dutyRole, staffId: shift.staffId, from: startsAt, to: endsAt },
        regions: auditRegions(shift.region),
      });
      await recordOutcome(em, { resource: apiPath('rosters', 'shifts', shift.id) });
      return toShiftDto(shift, { id: person.id, displayName: person.displayName, workPhone: person.workPhone });
    });
  }

  /** A shift the caller may see (its region in their scope, or above it); 404 for the rest. */
  async get(auth: AuthContext, id: string): Promise<ShiftDto> {
    const shift = await shiftById(this.dataSource.manager, id);
    if (!shift || !this.maySee(auth, shift.region)) throw shiftNotFound(id);
    return toShiftDto(shift, (await this.staff.refs([shift.staffId]))[0]);
  }

  /** Shifts the caller may see, by start time; `from`/`to` select those overlapping the window. */
  async list(auth: AuthContext, q: ShiftQuery): Promise<Page<ShiftDto>> {
    if (q.region) this.assertRegion('region', q.region);
    const { items, total } = await shiftPage(this.dataSource.manager, {
      visible: this.visible(auth),
      regionPattern: q.region && q.region !== NATIONWIDE ? `${scopePrefix(q.region)}%` : undefined,
      dutyRole: q.dutyRole,
      staffId: q.staffId,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
      limit: q.limit,
      offset: q.offset,
    });
    const cards = await this.staff.cards(items.map((s) => s.staffId));
    return { items: items.map((s) => toShiftDto(s, staffRef(cards, s.staffId))), total, limit: q.limit, offset: q.offset };
  }

  /** Admins, and directors whose scope covers the shift's region; a shift the caller cannot see is 404, one they see but may not change 403. */
  async remove(auth: AuthContext, id: string): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      const shift = await shiftById(em, id);
      if (!shift || !this.maySee(auth, shift.region)) throw shiftNotFound(id);
      if (!this.mayManage(auth, shift.region)) throw rosterRegionForbidden(shift.region);
      const deleted = await deleteShift(em, id);
      if (!deleted) throw shiftNotFound(id); // deleted meanwhile
      await this.audit.record(em, auth, {
        action: 'roster_shift.deleted',
        entity: 'roster_shift',
        entityId: id,
        changes: {
          region: deleted.region,
          dutyRole: deleted.dutyRole,
          staffId: deleted.staffId,
          from: deleted.startsAt,
          to: deleted.endsAt,
        },
        regions: auditRegions(deleted.region),
      });
    });
  }

  /**
   * Who is on duty, for any staff member: like the company directory, names
   * and work phones of every region (an agent reaching the duty manager of
   * another city where the customer has a site).
   */
  async onDutyNow(q: OnDutyQuery): Promise<OnDutyDto> {
    this.assertRegion('region', q.region);
    const at = q.at ? new Date(q.at) : new Date();
    const { rosterRegion, people } = await this.onDuty(this.dataSource.manager, q.region, q.dutyRole, at);
    return {
      region: q.region,
      dutyRole: q.dutyRole,
      at,
      rosterRegion,
      people: people.map(({ staff, shift }) => ({
        staffId: staff.id,
        displayName: staff.displayName,
        workPhone: staff.workPhone,
        shiftId: shift.id,
        from: shift.startsAt,
        to: shift.endsAt,
      })),
    };
  }

  /**
   * The people on duty for `duty` in `region` at `at`: those on a shift of the
   * region itself covering `at`, else of its parent, up to the province and
   * CN; the first region with someone available answers. Available: active,
   * still holding a role fit for the duty and, for engineers, not off duty
   * (duty-roles.port.ts). Each person once, with the covering shift that
   * ends last. Read in the caller's transaction (`em`).
   */
  async onDuty(em: EntityManager, region: string, duty: DutyRole, at: Date): Promise<OnDuty> {
    const shifts = await coveringShifts(em, duty, this.chainOf(region), at);
    if (!shifts.length) return { rosterRegion: null, people: [] };
    const staff = new Map(
      (
        await this.staff.contacts(
          shifts.map((s) => s.staffId),
          em,
        )
      ).map((c) => [c.id, c]),
    );
    const available = shifts.filter((s) => {
      const person = staff.get(s.staffId);
      return person && availableForDuty(person, duty);
    });
    if (!available.length) return { rosterRegion: null, people: [] };
    const rosterRegion = available[0].region;
    const people = new Map<string, OnDutyPerson>();
    // coveringShifts orders by region (nearest first), then the shift ending last: the first of each person is theirs.
    for (const shift of available) {
      if (shift.region === rosterRegion && !people.has(shift.staffId))
        people.set(shift.staffId, { staff: staff.get(shift.staffId)!, shift });
    }
    return { rosterRegion, people: [...people.values()] };
  }

  /**
   * The shifts of `duty` covering `at` along `region`'s chain, as a statement
   * for another module's query to select from (columns `staff_id` and `rank`,
   * 1 for the region itself): dispatch picks its engineer in one statement
   * (TicketWorkflow.leastBusyEngineer). The selecting query applies the
   * availability rule (duty-roles.port.ts) and keeps the lowest rank.
   */
  coveringShiftsStatement(duty: DutyRole, region: string, at: Date): Sql {
    return coveringShiftsStatement(duty, this.chainOf(region), at);
  }

  /** The region, its city, its province, then CN: where a roster or a policy is looked for, nearest first. */
  chainOf(region: string): string[] {
    return region === NATIONWIDE ? [NATIONWIDE] : [...this.regions.chain(region).map((r) => r.code), NATIONWIDE];
  }

  private assertRegion(field: string, region: string): void {
    if (region !== NATIONWIDE) this.regions.assertKnown(field, region);
  }

  /** The person exists, is active, holds a role fit for the duty and works in the region (docs/ARCHITECTURE.md, "Duty roster"). */
  private assertRosterable(person: StaffContact | undefined, duty: DutyRole, region: string): asserts person is StaffContact {
    const refuse = (message: string) => invalidFields({ field: 'staffId', message });
    if (!person) throw refuse('is no staff member');
    if (!person.active) throw refuse('is not active');
    if (!mayHoldDuty(person.roles, duty))
      throw refuse(`holds none of the roles a ${duty} shift needs (${DUTY_ROLE_HOLDERS[duty].join(' or ')})`);
    if (!scopeCovers(person.regions, region)) throw refuse(`works in ${person.regions.join(', ')}, which does not cover ${region}`);
  }

  /**
   * What the caller may see of the roster: the regions in their scope and
   * those above them (the city, province and national shifts their own
   * region falls back to).
   */
  private visible(auth: AuthContext): { patterns: string[] | null; above: string[] } {
    const patterns = scopePatterns(auth);
    if (!patterns) return { patterns: null, above: [] };
    const above = new Set(auth.scopes.flatMap((prefix) => this.chainOf(prefix.padEnd(6, '0'))));
    return { patterns, above: [...above] };
  }

  private maySee(auth: AuthContext, region: string): boolean {
    const { patterns, above } = this.visible(auth);
    return !patterns || covers(auth, region) || above.includes(region);
  }

  /** Admins; directors whose scope covers the region (a national shift: nationwide directors). */
  private mayManage(auth: AuthContext, region: string): boolean {
    if (hasRole(auth, 'admin')) return true;
    if (!hasRole(auth, 'director')) return false;
    return region === NATIONWIDE ? isNationwide(auth) : covers(auth, region);
  }
}
