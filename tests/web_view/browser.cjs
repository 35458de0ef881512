// Headless Chromium for web_view's browser checks: Debian's chromium driven by playwright-core,
// a fresh profile each run, nothing from the network but the node under test.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require(path.join(process.env.WEB_VIEW_MODULES, 'playwright-core'));

async function launch(base) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'web_view_chromium.'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CENTINELA_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const page = context.pages()[0] || await context.newPage();
  const foreign = [];
  page.on('request', r => { if (!r.url().startsWith(base) && !r.url().startsWith('data:')) foreign.push(r.url()); });
  const errors = [];
  page.on('pageerror', e => errors.push(String(e)));
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  const close = async () => { await context.close(); fs.rmSync(profile, { recursive: true, force: true }); };
  return { context, page, foreign, errors, close };
}

module.exports = { launch };
