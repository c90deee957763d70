import type { SchemaObject } from '@nestjs/swagger';
import { SEVERITY_TABLE, STATUS_TABLE, TICKET_TYPE_TABLE, TMF_STATUSES } from './trouble-ticket-mapping';

/*
 * The TMF621 shapes in the OpenAPI document (/tmf-api/docs-json), and the
 * mapping tables as text, read from trouble-ticket-mapping.ts.
 */

export const MAPPING_TEXT =
  'severity and ticketType are kept exactly as sent and mapped (trimmed, any case): severity ' +
  SEVERITY_TABLE.map((r) => `${r.tmf.join('/')} → ${r.severity}`).join(', ') +
  ', anything else → minor; ticketType ' +
  TICKET_TYPE_TABLE.map((r) => `${r.tmf.join('/')} → ${r.category}`).join(', ') +
  ', anything else → fault. status ↔ lifecycle: ' +
  Object.entries(STATUS_TABLE)
    .map(([state, tmf]) => `${tmf} ↔ ${state}`)
    .join(', ') +
  '. relatedParty with role customer (or @referredType Organization/Customer) is the customer; without one the ticket is an ' +
  'unlinked fault of your region (your scope must be exactly one region). relatedEntity @referredType Site or Service links a ' +
  'site or service instance of that customer. status, statusChange, dates and priority sent on create are ignored.';

const note: SchemaObject = {
  type: 'object',
  required: ['text'],
  properties: {
    id: { type: 'string' },
    author: { type: 'string' },
    date: { type: 'string', format: 'date-time' },
    text: { type: 'string' },
  },
};
const ref: SchemaObject = {
  type: 'object',
  required: ['id', '@referredType'],
  properties: { id: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' }, '@referredType': { type: 'string' } },
};

const writable: Record<string, SchemaObject> = {
  name: { type: 'string' },
  description: { type: 'string', example: 'BGP session down on PE 4406-02' },
  severity: { type: 'string', example: 'Major' },
  ticketType: { type: 'string', example: 'connectivity' },
  externalId: { type: 'string' },
  channel: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } } },
  note: { type: 'array', items: note },
  relatedParty: { type: 'array', items: ref },
  relatedEntity: { type: 'array', items: ref },
};

export const TroubleTicketCreateSchema: SchemaObject = {
  type: 'object',
  required: ['description', 'severity', 'ticketType'],
  properties: writable,
};

export const TroubleTicketUpdateSchema: SchemaObject = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: [...TMF_STATUSES] },
    statusChangeReason: { type: 'string' },
    note: writable.note,
    relatedParty: writable.relatedParty,
    relatedEntity: writable.relatedEntity,
  },
};

export const TroubleTicketSchema: SchemaObject = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    href: { type: 'string' },
    '@type': { type: 'string', example: 'TroubleTicket' },
    ...writable,
    status: { type: 'string', enum: [...TMF_STATUSES] },
    priority: { type: 'string', example: 'P2' },
    creationDate: { type: 'string', format: 'date-time' },
    lastUpdate: { type: 'string', format: 'date-time' },
    statusChangeDate: { type: 'string', format: 'date-time' },
    statusChangeReason: { type: 'string' },
    expectedResolutionDate: { type: 'string', format: 'date-time', description: 'The resolution clock’s due time' },
    resolutionDate: { type: 'string', format: 'date-time' },
    statusChange: {
      type: 'array',
      items: {
        type: 'object',
        properties: { status: { type: 'string' }, changeDate: { type: 'string' }, changeReason: { type: 'string' } },
      },
    },
    caseNo: { type: 'string', example: 'FLT-20261130-000001', description: 'Focus One’s case number' },
    region: { type: 'string', example: '440600', description: 'Focus One’s region of the ticket' },
  },
};
