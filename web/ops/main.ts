import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api, ok } from '../common/client';
import { field, h, show } from '../common/dom';

/**
 * The operations console. Locally it signs every request with the operator token (typed once, kept
 * for the tab's life); in the cloud the admin API is IAM-authorised and the console signs with the
 * temporary credentials of the operator's sign-in (docs/operations.md).
 */
const TOKEN = 'onecard-operator-token';
const auth = () => ({ authorization: `Bearer ${sessionStorage.getItem(TOKEN) ?? ''}` });
const yuan = (fen: number) => (fen / 100).toFixed(2);
const failure = (err: unknown) =>
  h('p', { class: 'error', role: 'alert' }, `出错 · Error: ${err instanceof Error ? err.message : String(err)}`);
/** The business day in progress (04:00 to 04:00 Asia/Shanghai). */
const businessDate = () => new Date(Date.now() + 8 * 3600_000 - 4 * 3600_000).toISOString().slice(0, 10);

function tokenView() {
  const token = field('token', '运营令牌 · Operator token', { type: 'password', autocomplete: 'off' });
  show(
    h('h2', {}, '登录 · Sign in'),
    ...token.nodes,
    h(
      'button',
      {
        type: 'button',
        onclick: () => {
          sessionStorage.setItem(TOKEN, token.input.value.trim());
          void route();
        },
      },
      '进入 · Enter',
    ),
  );
}

const figure = (label: string, value: string) => h('div', { class: 'figure' }, label, h('strong', {}, value));

async function dayView() {
  const date = businessDate();
  const [report, hourly] = await Promise.all([
    ok(api.GET('/v1/admin/reports/daily', { params: { query: { businessDate: date } }, headers: auth() })),
    ok(api.GET('/v1/admin/reports/hourly', { params: { query: { businessDate: date } }, headers: auth() })),
  ]);
  const taps = hourly.hours.reduce((s, hour) => s + hour.movements.fares, 0);
  const chart = h('div', { class: 'chart', role: 'img', 'aria-label': `每小时 · per hour, ${date}` });
  show(
    h('h2', {}, `今日 · ${date}`),
    h(
      'div',
      { class: 'figures', 'data-testid': 'figures' },
      figure('收费乘车 · Charged taps', String(taps)),
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
        { label: '车费 · fares (yuan)', stroke: '#b5651d', width: 2, scale: 'yuan' },
        { label: '消费 · purchases (yuan)', stroke: '#0b5c3b', width: 2, scale: 'yuan' },
        { label: '充值 · top-ups (yuan)', stroke: '#6a1b9a', width: 2, scale: 'yuan' },
      ],
      axes: [{}, { label: 'taps' }, { side: 1, scale: 'yuan', label: 'yuan', grid: { show: false } }],
    },
    [
      xs,
      series((hour) => hour.movements.fares),
      series((hour) => hour.inFen.fares / 100),
      series((hour) => hour.inFen.purchases / 100),
      series((hour) => hour.inFen.topups / 100),
    ],
    chart,
  );
  chart.dataset.taps = String(taps);
}

async function settlementView() {
  const cutoff = field('cutoff', '截止时间 · Cutoff (ISO)', { value: new Date().toISOString() });
  const out = h('div');
  const settle = async () => {
    try {
      const run = await ok(
        api.POST('/v1/admin/settlement-runs', {
          body: { cutoff: cutoff.input.value.trim() },
          params: { header: { 'idempotency-key': crypto.randomUUID() } },
          headers: auth(),
        }),
      );
      const rows = run.lines.map((l) =>
        h(
          'tr',
          {},
          h('td', {}, `${l.payeeKind} ${l.payeeId}`),
          h('td', {}, yuan(l.salesFen)),
          h('td', {}, yuan(l.refundsFen)),
          h('td', {}, yuan(l.feeFen)),
          h('td', {}, yuan(l.payoutFen)),
        ),
      );
      out.replaceChildren(
        h('p', { 'data-testid': 'run' }, `${run.runId}: ${run.lines.length} payees, ${yuan(run.payoutFen)} yuan`),
        h(
          'table',
          {},
          h('tr', {}, ...['payee', 'sales', 'refunds', 'fee', 'payout'].map((c) => h('th', { scope: 'col' }, c))),
          ...rows,
        ),
        h(
          'button',
          { type: 'button', onclick: () => void download(run.runId).catch((err) => out.append(failure(err))) },
          '下载 CSV · Download CSV',
        ),
      );
    } catch (err) {
      out.replaceChildren(failure(err));
    }
  };
  show(
    h('h2', {}, '结算 · Settlement'),
    ...cutoff.nodes,
    h('button', { type: 'button', onclick: () => void settle() }, '结算 · Settle'),
    out,
  );
}

/** The run's CSV: fetched with the operator's credentials (a plain link could not carry them), saved as a file. */
async function download(runId: string) {
  const answer = await fetch(`/v1/admin/settlement-runs/${encodeURIComponent(runId)}/report.csv`, { headers: auth() });
  if (!answer.ok) throw new Error(`${answer.status}`);
  const link = h('a', { href: URL.createObjectURL(await answer.blob()), download: `settlement-${runId}.csv` });
  link.click();
}

function cardView() {
  const cardId = field('cardId', '卡号 · Card id');
  const out = h('div');
  const look = async () => {
    try {
      const found = await ok(
        api.GET('/v1/admin/cards/{cardId}', {
          params: { path: { cardId: cardId.input.value.trim() } },
          headers: auth(),
        }),
      );
      out.replaceChildren(h('pre', { 'data-testid': 'card' }, JSON.stringify(found.card, null, 2)));
    } catch (err) {
      out.replaceChildren(failure(err));
    }
  };
  show(
    h('h2', {}, '卡片 · Cards'),
    ...cardId.nodes,
    h('button', { type: 'button', onclick: () => void look() }, '查询 · Look up'),
    out,
  );
}

async function route() {
  if (!sessionStorage.getItem(TOKEN)) return tokenView();
  const views: Record<string, () => Promise<void> | void> = { '#/settlement': settlementView, '#/card': cardView };
  try {
    await (views[location.hash] ?? dayView)();
  } catch (err) {
    show(failure(err));
  }
}

window.addEventListener('hashchange', () => void route());
void route();
