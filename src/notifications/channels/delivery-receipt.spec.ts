import { isDeliveryReceipt, parseDeliveryReceipt } from './delivery-receipt';

describe('delivery receipts', () => {
  it('tells a receipt from a message by esm_class', () => {
    expect(isDeliveryReceipt(0x04)).toBe(true);
    expect(isDeliveryReceipt(0x44)).toBe(true); // with the UDH indicator
    expect(isDeliveryReceipt(0x00)).toBe(false);
    expect(isDeliveryReceipt(0x08)).toBe(false); // an SME delivery acknowledgement
  });

  it('reads the SMPP 3.4 appendix B text, dates in China time', () => {
    const r = parseDeliveryReceipt({
      text: 'id:0A1B2C3D sub:001 dlvrd:001 submit date:2612011730 done date:2612011731 stat:DELIVRD err:000 text:您的故障已受理',
    });
    expect(r).toEqual({ messageId: '0A1B2C3D', status: 'delivered', stat: 'DELIVRD', doneAt: new Date('2026-12-01T09:31:00Z') });
  });

  it('reports a failure with its error code', () => {
    const r = parseDeliveryReceipt({
      text: 'id:77 sub:001 dlvrd:000 submit date:2612011730 done date:261201173059 stat:UNDELIV err:012 text:',
    });
    expect(r).toEqual({ messageId: '77', status: 'failed', stat: 'UNDELIV', errorCode: '012', doneAt: new Date('2026-12-01T09:30:59Z') });
  });

  it('prefers the TLVs when the SMSC sends them', () => {
    const r = parseDeliveryReceipt({ text: 'id:old stat:DELIVRD', receiptedMessageId: 'abc-1', messageState: 5 });
    expect(r).toMatchObject({ messageId: 'abc-1', status: 'failed', stat: 'UNDELIV' });
  });

  it('reports nothing for an intermediate state or a receipt naming no message', () => {
    expect(parseDeliveryReceipt({ text: 'id:1 stat:ENROUTE' })).toBeNull();
    expect(parseDeliveryReceipt({ text: 'id:1 stat:ACCEPTD' })).toBeNull();
    expect(parseDeliveryReceipt({ text: 'stat:DELIVRD' })).toBeNull();
  });
});
