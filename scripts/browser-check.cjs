// Driven by scripts/browser-check: headless Chromium against the running worker's Hawtio.
// 1. /actuator/hawtio/ without a login must end at the login form, not the console;
// 2. the form login leads to Hawtio;
// 3. the Camel routes view shows the routes `intake` and `run-job` (screenshot kept).
const path = require('path');
const { chromium } = require('playwright-core');

const base = process.env.BASE;
const outDir = process.env.OUT_DIR;
const shot = path.join(outDir, 'hawtio-routes.png');
const failShot = path.join(outDir, 'failure.png');

function step(msg) { console.log(`browser-check: ${msg}`); }

async function main() {
  const context = await chromium.launchPersistentContext(process.env.PROFILE_DIR, {
    executablePath: process.env.CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1600, height: 1400 },
    timeout: 60000,
  });
  context.setDefaultTimeout(30000);
  context.setDefaultNavigationTimeout(30000);
  const page = context.pages()[0] || await context.newPage();
  try {
    // 1. no login: the console must not show
    const direct = await page.goto(`${base}/actuator/hawtio/`);
    const landed = new URL(page.url());
    if (landed.pathname !== '/login') {
      throw new Error(`without a login /actuator/hawtio/ ended at ${page.url()} (HTTP ${direct && direct.status()}), not at the login form`);
    }
    await page.locator('input[name="username"]').waitFor({ state: 'visible' });
    const anonymousText = await page.locator('body').innerText();
    if (/hawtio|Camel/i.test(anonymousText)) {
      throw new Error('the login page shows console content before a login');
    }
    // a separate, cookie-less request (one in the page's session would become the page the
    // login returns to)
    const jolokia = await fetch(`${base}/actuator/jolokia/version`, { redirect: 'manual' });
    if (jolokia.status === 200) {
      throw new Error('Jolokia answered 200 without a login');
    }
    step(`without login: sent to ${landed.pathname} (Jolokia answers ${jolokia.status})`);

    // 2. form login
    await page.fill('input[name="username"]', process.env.ADMIN_USER);
    await page.fill('input[name="password"]', process.env.ADMIN_PASSWORD);
    await Promise.all([
      page.waitForURL(u => u.pathname.startsWith('/actuator/hawtio'), { timeout: 30000 }),
      page.click('button[type="submit"]'),
    ]).catch(async e => {
      throw new Error(`the login did not lead to Hawtio (now at ${page.url()}): ${e.message.split('\n')[0]}`);
    });
    step(`logged in, at ${new URL(page.url()).pathname}`);

    // 3. the Camel routes view
    await page.goto(`${base}/actuator/hawtio/camel/routes`);
    // the route ids in the Routes table of the main panel (the tree on the left lists them too,
    // before the table has loaded its data)
    const rows = {};
    for (const id of ['intake', 'run-job']) {
      rows[id] = page.locator('table tbody tr', { has: page.getByText(id, { exact: true }) }).first();
      await rows[id].waitFor({ state: 'visible', timeout: 90000 })
        .catch(() => { throw new Error(`the Camel routes table (${page.url()}) does not show the route ${id} after 90 s`); });
    }
    for (const id of Object.keys(rows)) {
      step(`routes table, ${id}: ${(await rows[id].innerText()).replace(/\s+/g, ' ').trim()}`);
    }
    // both rows on the screenshot (the table scrolls inside its panel)
    await rows['intake'].scrollIntoViewIfNeeded();
    await rows['run-job'].scrollIntoViewIfNeeded();
    await page.screenshot({ path: shot, fullPage: true });
  } catch (e) {
    await page.screenshot({ path: failShot, fullPage: true }).catch(() => {});
    console.error(`browser-check: FAIL: ${e.message} (screenshot: target/browser-check/failure.png)`);
    process.exitCode = 1;
  } finally {
    await context.close();
  }
}

main().catch(e => { console.error(`browser-check: FAIL: ${e.message}`); process.exit(1); });
