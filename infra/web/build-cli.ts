/**
 * `node --import tsx infra/web/build-cli.ts <app> <outDir>`: one browser app built into outDir, as the
 * CDK asset of the web stack bundles it (synthesis is synchronous: it runs this as a process).
 */
import { buildWebApp, WEB_APPS } from './build';

const [app, outDir] = process.argv.slice(2);
const web = WEB_APPS.find((name) => name === app);
if (!web || !outDir) {
  console.error(`usage: build-cli.ts <${WEB_APPS.join('|')}> <outDir>`);
  process.exit(2);
}
await buildWebApp(web, outDir);
