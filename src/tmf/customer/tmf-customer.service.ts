import { Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { AuthContext } from '../../common/auth/auth-context';
import { DomainError } from '../../common/errors/domain-error';
import { validationFailed } from '../../common/errors/validation-errors';
import { AppConfig } from '../../config/app-config';
import { CustomersService } from '../../customers/customers.service';
import type { CustomerDto } from '../../customers/dto/customer.dto';
import { CreateCustomerDto, UpdateCustomerDto } from '../../customers/dto/customer.dto';
import { tmfBaseUrl } from '../common/tmf-api';
import type { Json } from '../common/tmf-body';
import {
  bodyObject,
  isObject,
  parseMergePatch,
  readArray,
  readCharacteristics,
  readObject,
  readString,
  withoutReadOnly,
} from '../common/tmf-body';
import { isUuid, tmfInvalid, tmfNotFound } from '../common/tmf-error';
import { TmfPage } from '../common/tmf-http';
import { dateBounds, exactValues, parseListQuery } from '../common/tmf-query';
import type { TmfCustomer } from './customer-mapping';
import {
  CUSTOMER,
  PATCHABLE_CHARACTERISTICS,
  READ_ONLY_CHARACTERISTICS,
  WRITABLE_CHARACTERISTICS,
  characteristicValue,
  tmfFieldOf,
  toTmfCustomer,
} from './customer-mapping';

/** The list's filters (TMF630): exact on id, name, status; dates on the record's start. */
const LIST = { filters: { id: 'exact', name: 'exact', status: 'exact', 'validFor.startDateTime': 'date' } } as const;

/** What a create body may carry beside the read-only attributes (which are ignored). */
const CREATE_ATTRIBUTES = [
  'name',
  'characteristic',
  'engagedParty',
  'contactMedium',
  'relatedParty',
  '@type',
  '@baseType',
  '@schemaLocation',
];
/** Sent on create but owned by the server: ignored (TMF630). */
const READ_ONLY = ['status', 'statusReason', 'validFor', 'account', 'href', 'id'];

/**
 * TMF629 Customer over CustomersService: maps, and nothing else. Create goes
 * through the same CreateCustomerDto rules as POST /api/v1/customers (the
 * 400s name the TMF attribute the field came from), then the same
 * CustomersService.create; PATCH is CustomersService.updateLatest; reads are
 * get and records, masking and access as there.
 */
@Injectable()
export class TmfCustomerService {
  constructor(
    private readonly customers: CustomersService,
    private readonly config: AppConfig,
  ) {}

  async create(auth: AuthContext, body: unknown, origin: string): Promise<TmfCustomer> {
    const input = withoutReadOnly(bodyObject(body), READ_ONLY);
    for (const key of Object.keys(input)) {
      if (!CREATE_ATTRIBUTES.includes(key))
        throw tmfInvalid(key, `is not an attribute a Customer is created with (${CREATE_ATTRIBUTES.join(', ')})`);
    }
    const characteristics = readCharacteristics(input);
    for (const name of characteristics.keys()) {
      if ((READ_ONLY_CHARACTERISTICS as readonly string[]).includes(name)) characteristics.delete(name);
      else if (!(WRITABLE_CHARACTERISTICS as readonly string[]).includes(name)) {
        throw tmfInvalid(`characteristic.${name}`, `is not a characteristic of a customer (${WRITABLE_CHARACTERISTICS.join(', ')})`);
      }
    }
    const engagedParty = readObject(input, 'engagedParty');
    const partyId = engagedParty ? readString(engagedParty, 'id', { at: 'engagedParty.id' }) : undefined;
    const givenCode = characteristics.get('creditCode');
    if (partyId !== undefined && givenCode !== undefined && partyId !== givenCode) {
      throw tmfInvalid('engagedParty.id', 'is the organisation’s unified social credit code: it must equal characteristic.creditCode');
    }
    const { contacts, contactIndex } = this.contactsOf(input);
    const plain: Record<string, unknown> = {
      name: input.name,
      ...Object.fromEntries([...characteristics].map(([k, v]) => [k, characteristicValue(k, v)])),
      creditCode: givenCode ?? partyId,
      accountManagerId: this.accountManagerOf(input),
      contacts,
      sites: [],
    };
    const ctx = {
      creditCodeFrom: givenCode === undefined && partyId !== undefined ? 'engagedParty.id' : 'characteristic.creditCode',
      contactIndex,
    };
    const dto = await this.checked(plain, ctx);
    const created = await this.mapped(ctx, () => this.customers.create(auth, dto));
    return this.view(created, origin);
  }

  async list(auth: AuthContext, query: Record<string, unknown>, origin: string): Promise<TmfPage<Record<string, unknown>>> {
    const q = parseListQuery(query, LIST);
    const ids = exactValues(q, 'id');
    const statuses = exactValues(q, 'status');
    const archived = statuses ? (statuses.includes('archived') ? (statuses.includes('active') ? undefined : true) : false) : false;
    // an id that cannot name a row, or a status no record has, matches nothing
    if (statuses && !statuses.some((s) => s === 'active' || s === 'archived')) return new TmfPage([], 0, q.fields);
    const page = await this.customers.records(
      auth,
      {
        ids: ids?.filter(isUuid),
        names: exactValues(q, 'name'),
        archived: ids && !statuses ? undefined : archived,
        createdAt: dateBounds(q, 'validFor.startDateTime'),
      },
      q.limit,
      q.offset,
    );
    const managers = await this.customers.accountManagerRefs(page.items.map((c) => c.id));
    const base = tmfBaseUrl(this.config, origin);
    return new TmfPage(
      page.items.map((c) => toTmfCustomer(c, base, managers.get(c.id) ?? null) as unknown as Record<string, unknown>),
      page.total,
      q.fields,
    );
  }

  async get(auth: AuthContext, id: string, origin: string): Promise<TmfCustomer> {
    if (!isUuid(id)) throw tmfNotFound(CUSTOMER, id);
    return this.view(await this.customers.get(auth, id), origin);
  }

  /**
   * JSON merge patch of `name` and `characteristic` (only the characteristics
   * named change; read-only ones are ignored). What the record's other routes
   * own (contacts, sites, the account manager, archiving) is a 400 naming
   * them. Applied by CustomersService.updateLatest (see there why a patch
   * without a version stays safe against concurrent writers).
   */
  async patch(auth: AuthContext, id: string, body: unknown, origin: string): Promise<TmfCustomer> {
    if (!isUuid(id)) throw tmfNotFound(CUSTOMER, id);
    const refused: Record<string, string> = {
      contactMedium: 'contacts and sites change through /api/v1/customers/{id}/contacts and …/sites',
      relatedParty: 'the account manager changes through POST /api/v1/customers/{id}/transfer',
      status: 'archiving is POST /api/v1/customers/{id}/archive or …/restore',
      engagedParty: 'the organisation is the record itself: change `name` or the characteristics',
    };
    const raw = bodyObject(body);
    for (const [key, why] of Object.entries(refused)) if (key in raw) throw tmfInvalid(key, `cannot be changed by PATCH: ${why}`);
    const patch = parseMergePatch(
      raw,
      ['name', 'characteristic'],
      ['@type', '@baseType', '@schemaLocation', 'id', 'href', 'validFor', 'account', 'statusReason'],
    );
    const changes: Omit<UpdateCustomerDto, 'expectedVersion'> & Record<string, unknown> = {};
    if ('name' in patch) changes.name = patch.name as string;
    if ('characteristic' in patch) {
      for (const [name, value] of readCharacteristics(patch)) {
        if ((READ_ONLY_CHARACTERISTICS as readonly string[]).includes(name)) continue;
        if (name === 'creditCode') throw tmfInvalid('characteristic.creditCode', 'cannot be changed: it identifies the organisation');
        if (!(PATCHABLE_CHARACTERISTICS as readonly string[]).includes(name)) {
          throw tmfInvalid(`characteristic.${name}`, `is not a characteristic PATCH changes (${PATCHABLE_CHARACTERISTICS.join(', ')})`);
        }
        changes[name] = characteristicValue(name, value);
      }
    }
    const checked = await this.validated(UpdateCustomerDto, { ...changes, expectedVersion: 1 }, (f) =>
      f === 'name' ? 'name' : `characteristic.${f}`,
    );
    const { expectedVersion: _unused, ...dto } = checked;
    const ctx = { creditCodeFrom: 'characteristic.creditCode', contactIndex: [] };
    return this.view(await this.mapped(ctx, () => this.customers.updateLatest(auth, id, dto)), origin);
  }

  private async view(c: CustomerDto, origin: string): Promise<TmfCustomer> {
    const managers = await this.customers.accountManagerRefs([c.id]);
    return toTmfCustomer(c, tmfBaseUrl(this.config, origin), managers.get(c.id) ?? null);
  }

  /** contactMedium → contacts: mobiles only (the record keeps no e-mail; sites are added with their region by /api/v1). */
  private contactsOf(input: Json): { contacts: unknown[]; contactIndex: number[] } {
    const media = readArray(input, 'contactMedium', { max: 50 }) ?? [];
    const contacts: unknown[] = [];
    const contactIndex: number[] = [];
    media.forEach((m, i) => {
      if (!isObject(m)) throw tmfInvalid(`contactMedium[${i}]`, 'must be an object');
      const type = readString(m, 'mediumType', { required: true, at: `contactMedium[${i}].mediumType` });
      if (type !== 'mobile' && type !== 'phone') {
        throw tmfInvalid(
          `contactMedium[${i}].mediumType`,
          'must be mobile: the customer record keeps contact mobiles (sites, with their region, are added by POST /api/v1/customers/{id}/sites)',
        );
      }
      const c = readObject(m, 'characteristic', { required: true, at: `contactMedium[${i}].characteristic` })!;
      contacts.push({ name: c.contactName, mobile: c.phoneNumber, role: c.contactType });
      contactIndex.push(i);
    });
    return { contacts, contactIndex };
  }

  /** The `relatedParty` with role accountManager (case-insensitive), its id; others are refused. */
  private accountManagerOf(input: Json): unknown {
    const parties = readArray(input, 'relatedParty', { max: 10 }) ?? [];
    let id: unknown;
    parties.forEach((p, i) => {
      if (!isObject(p)) throw tmfInvalid(`relatedParty[${i}]`, 'must be an object');
      const role = readString(p, 'role', { at: `relatedParty[${i}].role` });
      if (role?.toLowerCase() !== 'accountmanager')
        throw tmfInvalid(`relatedParty[${i}].role`, 'must be accountManager (the one related party a customer has)');
      if (id !== undefined) throw tmfInvalid(`relatedParty[${i}]`, 'a customer has one account manager');
      id = p.id;
    });
    return id;
  }

  private checked(plain: Record<string, unknown>, ctx: { creditCodeFrom: string; contactIndex: number[] }): Promise<CreateCustomerDto> {
    return this.validated(CreateCustomerDto, plain, (f) => tmfFieldOf(f, ctx));
  }

  /** The DTO's own rules (the same class POST/PATCH /api/v1/customers validate with), field names mapped back to the TMF body. */
  private async validated<T extends object>(
    cls: new () => T,
    plain: Record<string, unknown>,
    rename: (field: string) => string,
  ): Promise<T> {
    const defined = Object.fromEntries(Object.entries(plain).filter(([, v]) => v !== undefined));
    const dto = plainToInstance(cls, defined);
    const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length) throw validationFailed(errors).withFieldsRenamed(rename);
    return dto;
  }

  /** The service's own 400s (an unknown region, an account manager who is none) named as the client sent them. */
  private async mapped<T>(ctx: { creditCodeFrom: string; contactIndex: number[] }, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      throw err instanceof DomainError ? err.withFieldsRenamed((f) => tmfFieldOf(f, ctx)) : err;
    }
  }
}
