import i18next from 'i18next';

/** The wallet's words: Simplified Chinese first, English on the switch. */
const ZH = {
  title: '一卡通',
  switchTo: 'English',
  phone: '手机号',
  sendCode: '获取验证码',
  codeSent: '验证码已发送',
  devCode: '本地环境验证码：{{code}}',
  code: '验证码',
  signIn: '登录',
  openCard: '开通一卡通',
  name: '姓名',
  idNumber: '居民身份证号码',
  birthDate: '出生日期',
  open: '开卡',
  balance: '余额',
  yuan: '{{yuan}} 元',
  held: '预扣 {{yuan}} 元',
  points: '联盟积分 {{points}}',
  rideMonth: '本月乘车已付 {{yuan}} 元，下次乘车按 {{percent}}% 计价',
  topUp: '充值',
  amountYuan: '充值金额（元）',
  pay: '去支付',
  showCode: '乘车码',
  statement: '账单',
  journeys: '行程',
  freeze: '挂失（冻结）',
  frozen: '卡已冻结',
  closed: '卡已注销',
  back: '返回',
  signOut: '退出',
  terminalId: '终端编号（扫描终端获得）',
  challenge: '终端挑战码',
  qrHint: '请将此码对准终端，每 15 秒自动刷新',
  registering: '正在登记本机……',
  nothing: '暂无记录',
  fareRules: '计价说明',
  status: { active: '正常', frozen: '已冻结', closed: '已注销' },
  error: '出错了：{{message}}',
} as const;

const EN: Record<keyof typeof ZH, unknown> = {
  title: 'OneCard',
  switchTo: '中文',
  phone: 'Phone number',
  sendCode: 'Send code',
  codeSent: 'Code sent',
  devCode: 'Local stage code: {{code}}',
  code: 'SMS code',
  signIn: 'Sign in',
  openCard: 'Open your card',
  name: 'Name',
  idNumber: 'Resident id number',
  birthDate: 'Birth date',
  open: 'Open',
  balance: 'Balance',
  yuan: '{{yuan}} yuan',
  held: '{{yuan}} yuan held',
  points: '{{points}} alliance points',
  rideMonth: 'Paid {{yuan}} yuan for rides this month; the next ride costs {{percent}}%',
  topUp: 'Top up',
  amountYuan: 'Amount (yuan)',
  pay: 'Pay',
  showCode: 'Ride code',
  statement: 'Statement',
  journeys: 'Journeys',
  freeze: 'Lost phone: freeze',
  frozen: 'The card is frozen',
  closed: 'The card is closed',
  back: 'Back',
  signOut: 'Sign out',
  terminalId: 'Terminal id (scanned from the terminal)',
  challenge: 'Terminal challenge',
  qrHint: 'Hold this code to the terminal; it refreshes every 15 seconds',
  registering: 'Registering this phone…',
  nothing: 'Nothing yet',
  fareRules: 'How the fare was set',
  status: { active: 'active', frozen: 'frozen', closed: 'closed' },
  error: 'Something went wrong: {{message}}',
};

export type Language = 'zh-CN' | 'en';
const i18n = i18next.createInstance();
void i18n.init({
  resources: { 'zh-CN': { translation: ZH }, en: { translation: EN } },
  lng: (localStorage.getItem('language') as Language | null) ?? 'zh-CN',
  fallbackLng: 'zh-CN',
  initAsync: false,
  // Text goes into the page as text (textContent), never as HTML: nothing to escape here.
  interpolation: { escapeValue: false },
});

export const t = (key: string, values?: Record<string, unknown>) => i18n.t(key, values ?? {});
export const language = (): Language => (i18n.language === 'en' ? 'en' : 'zh-CN');
export function setLanguage(next: Language) {
  localStorage.setItem('language', next);
  void i18n.changeLanguage(next);
  document.documentElement.lang = next;
}
export const yuan = (fen: number) => (fen / 100).toFixed(2);
