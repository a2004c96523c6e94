import { field, h, show } from '../common/dom';
import { allowanceView } from './allowance';
import { auditView } from './audit';
import { cardView } from './cards';
import { clientsView } from './clients';
import { dayView } from './day';
import { fixesView } from './fixes';
import { failure, inCloud, loadMode, signedIn, signIn, signInWith } from './session';
import { settlementView } from './settlement';

/** The operations console: a section per hash, the day at a glance by default. */
const VIEWS: Record<string, () => Promise<void> | void> = {
  '#/settlement': settlementView,
  '#/allowance': allowanceView,
  '#/card': cardView,
  '#/clients': clientsView,
  '#/audit': auditView,
  '#/fixes': fixesView,
};

/** Locally the operator token; in the cloud the temporary credentials the access portal gives the operator. */
function signInView() {
  if (!inCloud()) {
    const token = field('token', '运营令牌 · Operator token', { type: 'password', autocomplete: 'off' });
    const enter = () => {
      signIn(token.input.value.trim());
      void route();
    };
    return show(
      h('h2', {}, '登录 · Sign in'),
      ...token.nodes,
      h('button', { type: 'button', onclick: enter }, '进入 · Enter'),
    );
  }
  const id = field('accessKeyId', 'AWS_ACCESS_KEY_ID', { autocomplete: 'off' });
  const secret = field('secretAccessKey', 'AWS_SECRET_ACCESS_KEY', { type: 'password', autocomplete: 'off' });
  const session = field('sessionToken', 'AWS_SESSION_TOKEN', { type: 'password', autocomplete: 'off' });
  const enter = () => {
    signInWith({
      accessKeyId: id.input.value.trim(),
      secretAccessKey: secret.input.value.trim(),
      sessionToken: session.input.value.trim(),
    });
    void route();
  };
  show(
    h('h2', {}, '登录 · Sign in'),
    h(
      'p',
      {},
      '从单点登录门户复制临时凭证 · Paste the temporary credentials of your IAM Identity Center access portal',
    ),
    ...id.nodes,
    ...secret.nodes,
    ...session.nodes,
    h('button', { type: 'button', onclick: enter }, '进入 · Enter'),
  );
}

async function route() {
  if (!signedIn()) return signInView();
  try {
    await (VIEWS[location.hash] ?? dayView)();
  } catch (err) {
    show(failure(err));
  }
}

window.addEventListener('hashchange', () => void route());
void loadMode().then(route, route);
