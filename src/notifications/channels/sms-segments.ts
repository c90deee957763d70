/**
 * Chinese SMS text in UCS-2 (data_coding 8): 140 octets hold 70 characters;
 * a longer text goes as concatenated segments, each starting with a user
 * data header (UDH) `05 00 03 <ref> <total> <seq>` (3GPP TS 23.040, IE 0x00:
 * 8-bit reference), which leaves 134 octets, 67 characters, per segment. The
 * phone joins the segments that share the reference.
 *
 * Characters outside the BMP (emoji) take two UCS-2 units (a surrogate
 * pair); a segment never ends between the two halves.
 */

export const UCS2_SINGLE_MAX = 70;
export const UCS2_SEGMENT_MAX = 67;
/** What a text cut to the segment limit ends with. */
export const TRUNCATION_MARK = '…';

export interface SmsSegment {
  /** The user data header, for a segment of a concatenated message. */
  udh?: Buffer;
  text: string;
}

export interface SplitText {
  segments: SmsSegment[];
  /** The text was longer than maxSegments allow and was cut (ending with TRUNCATION_MARK). */
  truncated: boolean;
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

/** Chunks of at most `size` UTF-16 units, never splitting a surrogate pair. */
function chunks(text: string, size: number): string[] {
  const out: string[] = [];
  for (let at = 0; at < text.length;) {
    let end = Math.min(at + size, text.length);
    if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end--;
    out.push(text.slice(at, end));
    at = end;
  }
  return out;
}

/**
 * Splits `text` into the segments to submit, with `reference` (0-255) as the
 * concatenation reference. At most `maxSegments`: a longer text is cut and
 * ends with TRUNCATION_MARK.
 */
export function splitUcs2(text: string, reference: number, maxSegments: number): SplitText {
  if (text.length <= UCS2_SINGLE_MAX) return { segments: [{ text }], truncated: false };
  let parts = chunks(text, UCS2_SEGMENT_MAX);
  let truncated = false;
  if (parts.length > maxSegments) {
    truncated = true;
    if (maxSegments === 1) return { segments: [{ text: cut(text, UCS2_SINGLE_MAX) }], truncated };
    parts = parts.slice(0, maxSegments);
    parts[parts.length - 1] = cut(parts[parts.length - 1], UCS2_SEGMENT_MAX);
  }
  const total = parts.length;
  return {
    segments: parts.map((part, i) => ({ udh: Buffer.from([0x05, 0x00, 0x03, reference & 0xff, total, i + 1]), text: part })),
    truncated,
  };
}

/** `text` in at most `size` units, its end replaced by the mark (never half a surrogate pair). */
function cut(text: string, size: number): string {
  let keep = Math.min(text.length, size - TRUNCATION_MARK.length);
  if (isHighSurrogate(text.charCodeAt(keep - 1))) keep--;
  return text.slice(0, keep) + TRUNCATION_MARK;
}
