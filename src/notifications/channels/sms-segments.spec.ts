import { TRUNCATION_MARK, UCS2_SEGMENT_MAX, UCS2_SINGLE_MAX, splitUcs2 } from './sms-segments';

const chinese = (n: number) => Array.from({ length: n }, (_, i) => String.fromCharCode(0x4e00 + (i % 500))).join('');

describe('splitUcs2', () => {
  it('sends up to 70 characters as one message without a header', () => {
    const { segments, truncated } = splitUcs2(chinese(UCS2_SINGLE_MAX), 7, 10);
    expect(segments).toEqual([{ text: chinese(UCS2_SINGLE_MAX) }]);
    expect(truncated).toBe(false);
  });

  it('splits 300 characters into 5 segments of 67 with the concatenation header 05 00 03 ref total seq', () => {
    const text = chinese(300);
    const { segments } = splitUcs2(text, 0x1a, 10);
    expect(segments).toHaveLength(5);
    expect(segments.map((s) => s.text.length)).toEqual([67, 67, 67, 67, 32]);
    expect(segments.map((s) => s.text).join('')).toBe(text);
    segments.forEach((s, i) => expect([...s.udh!]).toEqual([0x05, 0x00, 0x03, 0x1a, 5, i + 1]));
    // 6 octets of header + 67 × 2 octets of UCS-2 = 140, the most an SMS holds
    expect(6 + UCS2_SEGMENT_MAX * 2).toBe(140);
  });

  it('never ends a segment between the two halves of a surrogate pair', () => {
    const text = chinese(66) + '😀' + chinese(10);
    const { segments } = splitUcs2(text, 1, 10);
    expect(segments[0].text).toBe(chinese(66));
    expect(segments[1].text.startsWith('😀')).toBe(true);
    expect(segments.map((s) => s.text).join('')).toBe(text);
  });

  it('cuts a text longer than maxSegments allow and marks the cut', () => {
    const { segments, truncated } = splitUcs2(chinese(500), 3, 2);
    expect(truncated).toBe(true);
    expect(segments).toHaveLength(2);
    expect(segments[1].text.endsWith(TRUNCATION_MARK)).toBe(true);
    expect(segments[1].text).toHaveLength(UCS2_SEGMENT_MAX);
    expect([...segments[1].udh!]).toEqual([5, 0, 3, 3, 2, 2]);
    const single = splitUcs2(chinese(100), 3, 1);
    expect(single.segments).toEqual([{ text: chinese(69) + TRUNCATION_MARK }]);
  });
});
