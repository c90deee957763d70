import { eventTypesOfQuery } from './hub-query';
import { tmfEventId } from './tmf-hub';

const KNOWN = ['CustomerCreateEvent', 'CustomerAttributeValueChangeEvent'];

describe('eventTypesOfQuery', () => {
  it('is every type without a query', () => {
    expect(eventTypesOfQuery(null, KNOWN)).toEqual(KNOWN);
    expect(eventTypesOfQuery('  ', KNOWN)).toEqual(KNOWN);
  });

  it('reads eventType=A, A,B and A&B, spaces tolerated', () => {
    expect(eventTypesOfQuery('eventType=CustomerCreateEvent', KNOWN)).toEqual(['CustomerCreateEvent']);
    expect(eventTypesOfQuery('eventType = CustomerAttributeValueChangeEvent, CustomerCreateEvent', KNOWN)).toEqual(KNOWN);
    expect(eventTypesOfQuery('eventType=CustomerCreateEvent&eventType=CustomerAttributeValueChangeEvent', KNOWN)).toEqual(KNOWN);
  });

  it('refuses another attribute, an unknown type, an empty value', () => {
    expect(() => eventTypesOfQuery('state=x', KNOWN)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    expect(() => eventTypesOfQuery('eventType=TroubleTicketCreateEvent', KNOWN)).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
    expect(() => eventTypesOfQuery('eventType=', KNOWN)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });
});

describe('tmfEventId', () => {
  it('is a stable UUID per (event, type), different across types', () => {
    const a = tmfEventId('c2df1950-c17c-4576-9c22-e59073a4a86a', 'TroubleTicketStatusChangeEvent');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(tmfEventId('c2df1950-c17c-4576-9c22-e59073a4a86a', 'TroubleTicketStatusChangeEvent')).toBe(a);
    expect(tmfEventId('c2df1950-c17c-4576-9c22-e59073a4a86a', 'TroubleTicketResolvedEvent')).not.toBe(a);
  });
});
