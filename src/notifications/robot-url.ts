import type { GroupChannelType } from './notifications.port';

/** The query parameter that carries each robot type's credential. */
const CREDENTIAL_PARAM: Record<GroupChannelType, string> = { wecom_robot: 'key', dingtalk_robot: 'access_token' };

/** Why `url` cannot be this type of robot's address, or undefined. (Reachability is the SSRF guard's part.) */
export function robotUrlProblem(type: GroupChannelType, raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute http or https URL';
  }
  const param = CREDENTIAL_PARAM[type];
  if (!url.searchParams.get(param)) return `must carry the robot's ${param} query parameter`;
  if (type === 'dingtalk_robot' && (url.searchParams.has('timestamp') || url.searchParams.has('sign'))) {
    return 'must not carry timestamp or sign: they are computed for every message';
  }
  if (url.hash) return 'must not have a #fragment';
  return undefined;
}

/**
 * The address as the API shows it: every query value masked down to its
 * last 4 characters (the robot's key or token is one of them), enough to
 * tell two robots apart and not enough to post to them.
 */
export function maskedRobotUrl(raw: string): string {
  const url = new URL(raw);
  const masked = [...url.searchParams].map(
    ([k, v]) => `${encodeURIComponent(k)}=${v.length > 8 ? `…${encodeURIComponent(v.slice(-4))}` : '…'}`,
  );
  return `${url.origin}${url.pathname}${masked.length ? `?${masked.join('&')}` : ''}`;
}
