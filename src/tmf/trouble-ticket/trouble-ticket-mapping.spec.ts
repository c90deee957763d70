import { TICKET_STATES } from '../../cases/ticket-lifecycle';
import {
  categoryFromTmf,
  isCustomerParty,
  severityFromTmf,
  stateFromTmf,
  TMF_STATUSES,
  tmfSeverityOf,
  tmfStatusOf,
  tmfTicketTypeOf,
} from './trouble-ticket-mapping';

describe('TMF621 mapping', () => {
  it('maps severities by the table, trimmed and in any case, anything else minor', () => {
    expect(severityFromTmf('Critical')).toBe('critical');
    expect(severityFromTmf('critical')).toBe('critical');
    expect(severityFromTmf('Major')).toBe('major');
    expect(severityFromTmf(' HIGH ')).toBe('major');
    expect(severityFromTmf('Minor')).toBe('minor');
    expect(severityFromTmf('Medium')).toBe('minor');
    expect(severityFromTmf('Low')).toBe('minor');
    expect(severityFromTmf('Warning')).toBe('minor');
  });

  it('names a console fault’s severity by the table’s first name for it', () => {
    expect(tmfSeverityOf('critical')).toBe('Critical');
    expect(tmfSeverityOf('major')).toBe('Major');
    expect(tmfSeverityOf('minor')).toBe('Minor');
    for (const s of ['critical', 'major', 'minor'] as const) expect(severityFromTmf(tmfSeverityOf(s))).toBe(s);
  });

  it('maps ticketType complaint/complain to a complaint and anything else to a fault', () => {
    expect(categoryFromTmf('complaint')).toBe('complaint');
    expect(categoryFromTmf('Complain')).toBe('complaint');
    expect(categoryFromTmf('device')).toBe('fault');
    expect(categoryFromTmf('connectivity')).toBe('fault');
    expect(categoryFromTmf('fault')).toBe('fault');
    expect(tmfTicketTypeOf('complaint')).toBe('complaint');
  });

  it('maps every lifecycle state to a TMF status and back', () => {
    expect(TMF_STATUSES).toEqual(['acknowledged', 'inProgress', 'pending', 'held', 'resolved', 'closed', 'rejected', 'cancelled']);
    for (const s of TICKET_STATES) expect(stateFromTmf(tmfStatusOf(s))).toBe(s);
    expect(tmfStatusOf('in_progress')).toBe('inProgress');
    expect(stateFromTmf('in_progress')).toBeUndefined();
    expect(stateFromTmf('nanana')).toBeUndefined();
  });

  it('recognises the customer among related parties', () => {
    expect(isCustomerParty({ role: 'Customer', '@referredType': 'Individual' })).toBe(true);
    expect(isCustomerParty({ '@referredType': 'Organization' })).toBe(true);
    expect(isCustomerParty({ '@referredType': 'Customer' })).toBe(true);
    expect(isCustomerParty({ role: 'reporter', '@referredType': 'Individual' })).toBe(false);
  });
});
