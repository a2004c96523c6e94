import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api, ok } from '../common/client';
import { h, show } from '../common/dom';
import { auth, businessDate, yuan } from './session';

const figure = (label: string, value: string) => h('div', { class: 'figure' }, label, h('strong', {}, value));

/** The day at a glance: the daily report's figures and the hour-by-hour chart. */
export async function dayView() {
  const date = businessDate();
  const [report, hourly] = await Promise.all([
    ok(api.GET('/v1/admin/reports/daily', { params: { query: { businessDate: date } }, headers: auth() })),
    ok(api.GET('/v1/admin/reports/hourly', { params: { query: { businessDate: date } }, headers: auth() })),
  ]);
  const taps = hourly.hours.reduce((s, hour) => s + hour.movements.fares, 0);
  const declines = hourly.hours.reduce((s, hour) => s + hour.declines.total, 0);
  const chart = h('div', { class: 'chart', role: 'img', 'aria-label': `每小时 · per hour, ${date}` });
  show(
    h('h2', {}, `今日 · ${date}`),
    h(
      'div',
      { class: 'figures', 'data-testid': 'figures' },
      figure('收费乘车 · Charged taps', String(taps)),
      figure('拒绝 · Declined taps', String(declines)),
      figure('在线充值 · Top-ups (yuan)', yuan(report.topupsFen.provider)),
      figure('现金充值 · Cash (yuan)', yuan(report.topupsFen.cash)),
      figure('车费 · Fares (yuan)', yuan(report.spendingFen.fares)),
      figure('缴费 · Bills (yuan)', yuan(report.spendingFen.bills)),
      figure('消费 · Purchases (yuan)', yuan(report.spendingFen.purchases)),
      figure('设施 · Facilities (yuan)', yuan(report.spendingFen.facilities)),
      figure('结算支付 · Paid out (yuan)', yuan(report.payoutsFen)),
      figure('沉淀资金 · Float (yuan)', report.storedValue ? yuan(report.storedValue.outstandingFen) : '—'),
    ),
    chart,
    h(
      'p',
      { class: report.alarm ? 'error' : '' },
      report.alarm ? '对账不平 · The stored value does not balance' : '对账平衡 · Balanced',
    ),
  );
  const xs = hourly.hours.map((hour) => Date.parse(hour.hour) / 1000);
  const series = (pick: (hour: (typeof hourly.hours)[number]) => number) => hourly.hours.map(pick);
  new uPlot(
    {
      width: Math.min(1100, document.body.clientWidth - 40),
      height: 280,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Asia/Shanghai'),
      series: [
        {},
        { label: '乘车 · taps', stroke: '#123a5e', width: 2 },
        { label: '拒绝 · declines', stroke: '#b00020', width: 2, dash: [6, 4] },
        { label: '车费 · fares (yuan)', stroke: '#b5651d', width: 2, scale: 'yuan' },
        { label: '消费 · purchases (yuan)', stroke: '#0b5c3b', width: 2, scale: 'yuan' },
        { label: '充值 · top-ups (yuan)', stroke: '#6a1b9a', width: 2, scale: 'yuan' },
      ],
      axes: [{}, { label: 'taps' }, { side: 1, scale: 'yuan', label: 'yuan', grid: { show: false } }],
    },
    [
      xs,
      series((hour) => hour.movements.fares),
      series((hour) => hour.declines.total),
      series((hour) => hour.inFen.fares / 100),
      series((hour) => hour.inFen.purchases / 100),
      series((hour) => hour.inFen.topups / 100),
    ],
    chart,
  );
  chart.dataset.taps = String(taps);
}
