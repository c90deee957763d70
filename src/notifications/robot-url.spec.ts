import { maskedRobotUrl, robotUrlProblem } from './robot-url';

describe('robot URLs', () => {
  const wecom = 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa';
  const dingtalk = 'https://oapi.dingtalk.com/robot/send?access_token=8d6c0a5e1f2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d';

  it('needs the credential each platform puts in the query', () => {
    expect(robotUrlProblem('wecom_robot', wecom)).toBeUndefined();
    expect(robotUrlProblem('dingtalk_robot', dingtalk)).toBeUndefined();
    expect(robotUrlProblem('wecom_robot', dingtalk)).toMatch(/key/);
    expect(robotUrlProblem('dingtalk_robot', wecom)).toMatch(/access_token/);
    expect(robotUrlProblem('dingtalk_robot', `${dingtalk}&timestamp=1&sign=x`)).toMatch(/timestamp or sign/);
    expect(robotUrlProblem('wecom_robot', 'not a url')).toMatch(/absolute/);
  });

  it('masks every query value down to its last 4 characters', () => {
    expect(maskedRobotUrl(wecom)).toBe('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…5aaa');
    expect(maskedRobotUrl(dingtalk)).toBe('https://oapi.dingtalk.com/robot/send?access_token=…7c8d');
    expect(maskedRobotUrl('http://127.0.0.1:9/send?key=short')).toBe('http://127.0.0.1:9/send?key=…');
  });
});
