// The dashboard's page, script and stylesheet, imported as text so `bun build --compile` embeds them
// in the binary: the dashboard works air-gapped, with nothing fetched from a CDN.
import pageText from "./dashboard/index.html" with { type: "text" };
import script from "./dashboard/app.js" with { type: "text" };
import styles from "./dashboard/app.css" with { type: "text" };

// a text import yields the file's text; bun-types declares every *.html import as an HTMLBundle
const page = pageText as unknown as string;

export interface DashboardAsset {
  body: string;
  contentType: string;
}

export const DASHBOARD_ASSETS: Record<string, DashboardAsset> = {
  "index.html": { body: page, contentType: "text/html; charset=utf-8" },
  "app.js": { body: script, contentType: "text/javascript; charset=utf-8" },
  "app.css": { body: styles, contentType: "text/css; charset=utf-8" },
};
