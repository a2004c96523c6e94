import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

/** Where finished reports go for people to pick up: S3 in the cloud, a folder under the data dir locally. */
export interface ReportSink {
  /** Writes (or overwrites) one report; `name` is a relative path such as `settlement/run_x.csv`. */
  put(name: string, body: string, contentType: string): Promise<void>;
  /**
   * A short-lived link to download a report written before (the cloud: a presigned S3 URL, so a report
   * of any size never passes through a function's 6 MB answer); none where reports are served otherwise.
   */
  link(name: string): Promise<string | undefined>;
}

const SAFE_NAME = /^[\w.-]+(\/[\w.-]+)*$/;

/** Reports as files under `dir`; an in-memory stack keeps none. */
export function folderSink(dir: string | undefined): ReportSink {
  return {
    async put(name, body) {
      if (!SAFE_NAME.test(name) || name.split('/').some((part) => part === '.' || part === '..')) {
        throw new Error(`not a report name: ${name}`);
      }
      if (!dir) return;
      const path = join(resolve(dir), name);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, body);
    },
    // Locally the route serves the report itself.
    link: async () => undefined,
  };
}
