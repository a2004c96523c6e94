import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { paths } from '../../infra/client/api-types';
import { ok } from '../common/client';
import { h, show } from '../common/dom';
import { api, auth, businessDate, table, yuan } from './session';

type Daily = paths['/v1/admin/reports/daily']['get']['responses'][200]['content']['application/json'];
type Hour = paths['/v1/admin/reports/hourly']['get']['responses'][200]['content']['application/json']['hours'][number];

const figure = (label: string, value: string) => h('div', { class: 'figure' }, label, h('strong', {}, value));
const givenBack = (hour: Hour) =>
  hour.outFen.fares + hour.outFen.purchases + hour.outFen.bills + hour.outFen.facilities;

/** The day at a glance: the daily report's figures, the hour-by-hour chart, declines by route. */
export async function dayView() {
  const date = businessDate();
  const [report, hourly] = await Promise.all([
    ok(api.GET('/v1/admin/reports/daily', { params: { query: { businessDate: date } }, headers: auth() })),
    ok(api.GET('/v1/admin/reports/hourly', { params: { query: { businessDate: date } }, headers: auth() })),
  ]);
  const byRoute: Record<string, number> = {};
  for (const hour of hourly.hours)
    for (const [route, n] of Object.entries(hour.declines.byRoute)) byRoute[route] = (byRoute[route] ?? 0) + n;
  const chart = h('div', { class: 'chart', role: 'img', 'aria-label': `每小时 · per hour, ${date}` });
  show(
    h('h2', {}, `今日 · ${date}`),
    figures(report, hourly.hours),
    chart,
    Object.keys(byRoute).length > 0 && table(['线路 · route', '拒绝 · declined'], Object.entries(byRoute).sort()),
    h(
      'p',
      { class: report.alarm ? 'error' : '' },
      report.alarm ? '对账不平 · The stored value does not balance' : '对账平衡 · Balanced',
    ),
  );
  drawHours(chart, hourly.hours);
}

function figures(report: Daily, hours: Hour[]) {
  const sum = (pick: (hour: Hour) => number) => hours.reduce((s, hour) => s + pick(hour), 0);
  const outcomes = `✓ ${sum((x) => x.topupOutcomes.succeeded)} · ✗ ${sum((x) => x.topupOutcomes.failed)} · ↩ ${sum((x) => x.topupOutcomes.refunded)}`;
  return h(
    'div',
    { class: 'figures', 'data-testid': 'figures' },
    figure('收费乘车 · Charged taps', String(sum((x) => x.movements.fares))),
    figure('拒绝 · Declined taps', String(sum((x) => x.declines.total))),
    figure('在线充值 · Top-ups (yuan)', yuan(report.topupsFen.provider)),
    figure('充值结果 · Top-up outcomes', outcomes),
    figure('现金充值 · Cash (yuan)', yuan(report.topupsFen.cash)),
    figure('车费 · Fares (yuan)', yuan(report.spendingFen.fares)),
    figure('缴费 · Bills (yuan)', yuan(report.spendingFen.bills)),
    figure('消费 · Purchases (yuan)', yuan(report.spendingFen.purchases)),
    figure('设施 · Facilities (yuan)', yuan(report.spendingFen.facilities)),
    figure('退款 · Given back (yuan)', yuan(sum(givenBack))),
    figure('结算支付 · Paid out (yuan)', yuan(report.payoutsFen)),
    figure('沉淀资金 · Float (yuan)', report.storedValue ? yuan(report.storedValue.outstandingFen) : '—'),
  );
}

/** Taps (charged and declined) on the left axis, money in and given back on the right, hour by hour in Shanghai time. */
function drawHours(chart: HTMLElement, hours: Hour[]) {
  const series = (pick: (hour: Hour) => number) => hours.map(pick);
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
        { label: '退款 · given back (yuan)', stroke: '#555555', width: 2, scale: 'yuan', dash: [2, 4] },
      ],
      axes: [{}, { label: 'taps' }, { side: 1, scale: 'yuan', label: 'yuan', grid: { show: false } }],
    },
    [
      hours.map((hour) => Date.parse(hour.hour) / 1000),
      series((x) => x.movements.fares),
      series((x) => x.declines.total),
      series((x) => x.inFen.fares / 100),
      series((x) => x.inFen.purchases / 100),
      series((x) => x.inFen.topups / 100),
      series((x) => givenBack(x) / 100),
    ],
    chart,
  );
  chart.dataset.taps = String(hours.reduce((s, hour) => s + hour.movements.fares, 0));
}
