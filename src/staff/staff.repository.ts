import { In } from 'typeorm';
import type { EntityManager } from 'typeorm';
import type { Principal } from '../common/auth/principal-loader';
import type { Db } from '../common/sql';
import { execute, firstRow, sql } from '../common/sql';
import { Staff } from './staff.entity';

export interface StaffFilter {
  role?: Staff['roles'][number];
  active?: boolean;
  /** Region codes (and CN) a scope must hold one of to cover the asked region; admins always do. */
  coveringCodes?: string[];
  limit: number;
  offset: number;
}

/** Serialises the first-admin check of processes starting at once (until the caller's transaction ends). */
export async function lockAdminBootstrap(db: Db): Promise<void> {
  await execute(db, sql`SELECT pg_advisory_xact_lock(hashtext('focus-one:bootstrap-admin'))`);
}

export function countStaff(em: EntityManager): Promise<number> {
  return em.count(Staff);
}

/** What the guard needs on every authenticated request: one indexed read. */
export async function principalOf(db: Db, staffId: string): Promise<Principal | null> {
  return (
    (await firstRow<Principal>(
      db,
      sql`SELECT username, roles, regions, active, token_version AS "tokenVersion" FROM staff WHERE id = ${staffId}`,
    )) ?? null
  );
}

/** The staff member with this (lower-cased) username, with the password hash. */
export function staffForLogin(em: EntityManager, username: string): Promise<Staff | null> {
  return em
    .getRepository(Staff)
    .createQueryBuilder('s')
    .addSelect('s.passwordHash')
    .where('s.username = :username', { username: username.toLowerCase() })
    .getOne();
}

export function usernameTaken(em: EntityManager, username: string): Promise<boolean> {
  return em.exists(Staff, { where: { username } });
}

export interface NewStaff {
  username: string;
  displayName: string;
  passwordHash: string;
  roles: Staff['roles'];
  regions: string[];
  workPhone: string | null;
  email: string | null;
  wecomUserId: string | null;
  dingtalkUserId: string | null;
}

/** Inserts an active staff member at version 1, token version 0. A taken username fails on the unique index (23505). */
export function insertStaff(em: EntityManager, s: NewStaff): Promise<Staff> {
  return em.save(em.create(Staff, { ...s, active: true, tokenVersion: 0, version: 1 }));
}

export function staffById(em: EntityManager, id: string): Promise<Staff | null> {
  return em.findOneBy(Staff, { id });
}

/** The staff member, locked for the caller's transaction. */
export function lockStaff(em: EntityManager, id: string): Promise<Staff | null> {
  return em.findOne(Staff, { where: { id }, lock: { mode: 'pessimistic_write' } });
}

/** The staff member with the password hash, locked for the caller's transaction (a password change). */
export function lockStaffWithHash(em: EntityManager, id: string): Promise<Staff | null> {
  return em
    .getRepository(Staff)
    .createQueryBuilder('s')
    .addSelect('s.passwordHash')
    .where('s.id = :id', { id })
    .setLock('pessimistic_write')
    .getOne();
}

/** Name and work phone of each staff member found (the directory anyone may read). */
export function staffCards(em: EntityManager, ids: string[]): Promise<Pick<Staff, 'id' | 'displayName' | 'workPhone' | 'active'>[]> {
  return em.find(Staff, { select: { id: true, displayName: true, workPhone: true, active: true }, where: { id: In(ids) } });
}

/** What the modules that pick people need of each (StaffService.contacts): roles, scope, state and every contact field. */
export type StaffContactRow = Pick<
  Staff,
  'id' | 'displayName' | 'roles' | 'regions' | 'active' | 'onDuty' | 'workPhone' | 'email' | 'wecomUserId' | 'dingtalkUserId'
>;

const CONTACT_COLUMNS = {
  id: true,
  displayName: true,
  roles: true,
  regions: true,
  active: true,
  onDuty: true,
  workPhone: true,
  email: true,
  wecomUserId: true,
  dingtalkUserId: true,
} as const;

/** The contact rows of the staff members found among `ids`. */
export function staffContacts(em: EntityManager, ids: string[]): Promise<StaffContactRow[]> {
  return em.find(Staff, { select: CONTACT_COLUMNS, where: { id: In(ids) } });
}

/** Active staff holding `role` whose scope names one of `codes` itself (not a scope above or below it). */
export function activeScopedTo(em: EntityManager, role: Staff['roles'][number], codes: string[]): Promise<StaffContactRow[]> {
  return em
    .getRepository(Staff)
    .createQueryBuilder('s')
    .select(Object.keys(CONTACT_COLUMNS).map((k) => `s.${k}`))
    .where('s.active AND :role = ANY(s.roles) AND s.regions && :codes', { role, codes })
    .orderBy('s.id')
    .getMany();
}

/** The staff member if active and holding the role. */
export function activeStaffWithRole(em: EntityManager, id: string, role: Staff['roles'][number]): Promise<Staff | null> {
  return em.getRepository(Staff).createQueryBuilder('s').where('s.id = :id AND s.active AND :role = ANY(s.roles)', { id, role }).getOne();
}

/** One page by username, with the total. */
export async function staffPage(em: EntityManager, f: StaffFilter): Promise<{ items: Staff[]; total: number }> {
  const qb = em.getRepository(Staff).createQueryBuilder('s');
  if (f.role) qb.andWhere(':role = ANY(s.roles)', { role: f.role });
  if (f.active !== undefined) qb.andWhere('s.active = :active', { active: f.active });
  if (f.coveringCodes) qb.andWhere(`(s.regions && :codes OR 'admin' = ANY(s.roles))`, { codes: f.coveringCodes });
  const [items, total] = await qb.orderBy('s.username').take(f.limit).skip(f.offset).getManyAndCount();
  return { items, total };
}

/** Every username (the seed skips those it finds). */
export async function allUsernames(em: EntityManager): Promise<string[]> {
  return (await em.find(Staff, { select: { username: true } })).map((s) => s.username);
}

/** Active staff holding the role, in no particular order. */
export function activeStaffHolding(em: EntityManager, role: Staff['roles'][number]): Promise<Staff[]> {
  return em.getRepository(Staff).createQueryBuilder('s').where(`s.active AND :role = ANY(s.roles)`, { role }).getMany();
}

/** The active staff member with this username. */
export function activeStaffNamed(em: EntityManager, username: string): Promise<Staff | null> {
  return em.findOne(Staff, { where: { username, active: true } });
}

/** The longest-serving active admin. */
export function firstActiveAdmin(em: EntityManager): Promise<Staff | null> {
  return em.getRepository(Staff).createQueryBuilder('s').where(`s.active AND 'admin' = ANY(s.roles)`).orderBy('s.created_at').getOne();
}
