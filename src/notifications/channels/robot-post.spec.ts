import { createHmac } from 'node:crypto';
import { dingtalkSign, signedDingtalkUrl } from './dingtalk-sign';
import { limitUtf8, verdict } from './robot-post';

const codes = { name: 'WeCom', rateLimited: [45009], busy: [-1] };

describe('robot answers', () => {
  it('accepts errcode 0 only', () => {
    expect(verdict(200, '{"errcode":0,"errmsg":"ok"}', codes)).toEqual({ accepted: true, retryable: false });
  });

  it('reads a rate limit or a busy platform as worth a later try, anything else as final', () => {
    expect(verdict(200, '{"errcode":45009,"errmsg":"api freq out of limit"}', codes)).toEqual({
      accepted: false,
      retryable: true,
      error: 'WeCom errcode 45009: api freq out of limit',
    });
    expect(verdict(200, '{"errcode":-1,"errmsg":"system busy"}', codes).retryable).toBe(true);
    expect(verdict(200, '{"errcode":93000,"errmsg":"invalid webhook url"}', codes)).toMatchObject({ accepted: false, retryable: false });
    expect(verdict(200, 'not json', codes)).toMatchObject({ accepted: false, retryable: false });
    expect(verdict(502, '', codes)).toMatchObject({ accepted: false, retryable: true, error: 'WeCom answered HTTP 502' });
    expect(verdict(404, '', codes)).toMatchObject({ accepted: false, retryable: false });
  });

  it('cuts text to a byte limit at a character boundary', () => {
    expect(limitUtf8('告警', 100)).toBe('告警');
    const cut = limitUtf8('告警'.repeat(10), 10);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(10);
    expect(cut).toBe('告警…');
  });
});

describe('DingTalk signing', () => {
  it('signs timestamp + "\\n" + secret with the secret, base64, URL-encoded in the query', () => {
    const secret = 'SEC000000000000000000000000000000000000000000000000000000000000000';
    const ts = 1_795_870_000_000;
    const expected = createHmac('sha256', secret).update(`${ts}\n${secret}`).digest('base64');
    expect(dingtalkSign(secret, ts)).toBe(expected);
    const url = new URL(signedDingtalkUrl('https://oapi.dingtalk.com/robot/send?access_token=abc', secret, ts));
    expect(url.searchParams.get('access_token')).toBe('abc');
    expect(url.searchParams.get('timestamp')).toBe(String(ts));
    expect(url.searchParams.get('sign')).toBe(expected);
    // + / = never travel raw
    expect(url.search).toContain(`sign=${encodeURIComponent(expected)}`);
  });
});
