export { api, ok } from '../common/client';

const TOKEN = 'onecard-token';
export const session = {
  token: () => localStorage.getItem(TOKEN),
  keep: (token: string) => localStorage.setItem(TOKEN, token),
  end: () => localStorage.removeItem(TOKEN),
};
export const auth = () => ({
  authorization: `Bearer ${session.token() ?? ''}`,
  // The API's own messages (errors, statement lines) in the wallet's language.
  'accept-language': localStorage.getItem('language') ?? 'zh-CN',
});
