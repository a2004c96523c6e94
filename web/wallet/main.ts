import { show } from '../common/dom';
import { api, auth, ok, session } from './api';
import { billsView } from './bills';
import { codeView, stopCode } from './code';
import { homeView, topupView } from './home';
import { journeysView, offersView, pointsView, statementView, visitsView } from './lists';
import { language, setLanguage, t } from './messages';
import { loginView, openCardView } from './sign-in';
import { back, failure } from './ui';

/** The wallet: sign-in and a card first, then a view per hash, the card's home by default. */
async function route() {
  stopCode();
  document.getElementById('title')!.textContent = t('title');
  document.getElementById('language')!.textContent = t('switchTo');
  if (!session.token()) return loginView(route);
  const answer = await api.GET('/v1/me/card', { headers: auth() });
  if (answer.response.status === 401) {
    session.end();
    return loginView(route);
  }
  if (answer.response.status === 404) return openCardView(route);
  const card = await ok(Promise.resolve(answer));
  const views: Record<string, () => Promise<void> | void> = {
    '#/topup': topupView,
    '#/code': () => codeView(card),
    '#/statement': statementView,
    '#/journeys': journeysView,
    '#/bills': billsView,
    '#/points': pointsView,
    '#/offers': offersView,
    '#/visits': visitsView,
  };
  return (views[location.hash] ?? (() => homeView(card, route)))();
}

const showFailure = (err: unknown) => show(failure(err), back());
document.getElementById('language')!.addEventListener('click', () => {
  setLanguage(language() === 'zh-CN' ? 'en' : 'zh-CN');
  void route().catch(showFailure);
});
window.addEventListener('hashchange', () => void route().catch(showFailure));
document.documentElement.lang = language();
void route().catch(showFailure);
