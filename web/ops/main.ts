import { field, h, show } from '../common/dom';
import { allowanceView } from './allowance';
import { auditView } from './audit';
import { cardView } from './cards';
import { clientsView } from './clients';
import { dayView } from './day';
import { failure, signedIn, signIn } from './session';
import { settlementView } from './settlement';

/** The operations console: a section per hash, the day at a glance by default. */
const VIEWS: Record<string, () => Promise<void> | void> = {
  '#/settlement': settlementView,
  '#/allowance': allowanceView,
  '#/card': cardView,
  '#/clients': clientsView,
  '#/audit': auditView,
};

function tokenView() {
  const token = field('token', '运营令牌 · Operator token', { type: 'password', autocomplete: 'off' });
  const enter = () => {
    signIn(token.input.value.trim());
    void route();
  };
  show(h('h2', {}, '登录 · Sign in'), ...token.nodes, h('button', { type: 'button', onclick: enter }, '进入 · Enter'));
}

async function route() {
  if (!signedIn()) return tokenView();
  try {
    await (VIEWS[location.hash] ?? dayView)();
  } catch (err) {
    show(failure(err));
  }
}

window.addEventListener('hashchange', () => void route());
void route();
