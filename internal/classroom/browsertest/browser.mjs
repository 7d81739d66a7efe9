// Browser test of the redress classroom page: Debian's chromium driven by
// playwright-core. Usage: node browser.mjs URL SCREENSHOT_DIR
//
// For every lesson it loads the page, moves a slider with the keyboard,
// checks that the figures' numbers update, fails on any console error or
// page error, and saves screenshots (1280×720, a projector; and 390×844,
// a phone). On the survey lesson it also runs 200 replications and
// checks that bias and coverage converge on the screen.
import { chromium } from "playwright-core";
import { mkdtempSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [url, shots] = process.argv.slice(2);
if (!url || !shots) {
  console.error("usage: node browser.mjs URL SCREENSHOT_DIR");
  process.exit(2);
}
mkdirSync(shots, { recursive: true });
const failures = [];
const fail = (msg) => { failures.push(msg); console.error("FAIL: " + msg); };

const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "redress-chromium-")), {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-background-networking", "--disable-dev-shm-usage"],
  viewport: { width: 1280, height: 720 },
});
const page = context.pages()[0] || (await context.newPage());
page.on("console", (m) => { if (m.type() === "error") fail(`console error: ${m.text()}`); });
page.on("pageerror", (e) => fail(`page error: ${e.message}`));
page.on("requestfailed", (r) => { if (!/api\/(simulate|replicate)/.test(r.url())) fail(`request failed: ${r.url()}`); });
// The page must need no network beyond the server.
await context.route("**/*", (route) => {
  if (route.request().url().startsWith(url)) return route.continue();
  fail(`the page asked for ${route.request().url()}`);
  return route.abort();
});

const updated = async () => {
  await page.waitForFunction(() => /^updated in/.test(document.getElementById("status").textContent), null, { timeout: 15000 });
};
const numbers = () => page.locator("#tables").innerText();

const sliders = { survey: "n", contact: "exclusion", dashboard: "proactive", paradox: "quality" };
for (const id of ["survey", "contact", "dashboard", "paradox"]) {
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto(`${url}?lesson=${id}&seed=1`);
  await updated();
  const title = await page.locator("#title").innerText();
  const tab = await page.locator(`#tab-${id}`).getAttribute("aria-selected");
  if (tab !== "true") fail(`${id}: its tab is not selected`);
  const before = await numbers();
  if (!/\d/.test(before)) fail(`${id}: no numbers in the tables`);
  // Move the slider with the keyboard: focus it, press the arrow keys.
  const name = sliders[id];
  const slider = page.locator(`#p-${name}`);
  const v0 = await slider.inputValue();
  await slider.focus();
  for (let i = 0; i < 4; i++) await page.keyboard.press(id === "paradox" ? "ArrowLeft" : "ArrowRight");
  const v1 = await slider.inputValue();
  if (v1 === v0) fail(`${id}: the keyboard did not move ${name} (${v0})`);
  const shown = await page.locator(`#p-${name}-value`).innerText();
  if (shown !== v1) fail(`${id}: the slider shows ${shown}, its value is ${v1}`);
  await page.waitForFunction((b) => document.getElementById("tables").innerText !== b, before, { timeout: 15000 });
  await updated();
  const after = await numbers();
  if (after === before) fail(`${id}: the numbers did not change after ${name} moved`);
  if (id === "survey" || id === "contact") {
    // The truth changes with the sample size (survey) but the estimates change in both.
    const truth = (t) => (t.match(/truth (-?[\d.,]+)/) || [])[1];
    if (id === "survey" && truth(before) === truth(after)) fail(`survey: the truth did not change with n`);
  }
  const q = new URL(page.url()).searchParams;
  if (q.get("lesson") !== id || q.get(name) !== v1) fail(`${id}: the URL does not hold the state (${page.url()})`);
  const toml = await page.locator("#toml").innerText();
  if (!toml.includes("seed = 1")) fail(`${id}: the reproduce box lacks the scenario`);
  if (id === "survey") {
    await page.locator("#replicate").click();
    await page.waitForFunction(() => /replications: 200 of 200/.test(document.getElementById("status").textContent), null, { timeout: 120000 });
    await page.waitForFunction(() => document.querySelector("#replicate") && !document.querySelector("#replicate").disabled, null, { timeout: 10000 });
    const reps = await page.locator("#reps").innerText();
    if (!/after 200 replications/.test(reps)) fail(`survey: no bias and coverage table after 200 replications`);
  }
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(shots, `classroom-${id}.png`), fullPage: true });
  console.log(`ok ${id}: ${title}: ${name} ${v0} → ${v1}`);
}
// A phone-width screen.
await page.setViewportSize({ width: 390, height: 844 });
await page.goto(`${url}?lesson=survey&seed=1`);
await updated();
const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
if (overflow > 2) {
  const wide = await page.evaluate(() => [...document.querySelectorAll("body *")].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 5).map((e) => e.tagName + "#" + e.id + "." + e.className));
  fail(`phone width: the page is ${overflow}px wider than the screen (${wide.join(", ")})`);
}
await page.screenshot({ path: join(shots, "classroom-phone.png"), fullPage: false });
// Keyboard between lessons: the tabs follow the arrow keys.
await page.setViewportSize({ width: 1280, height: 720 });
await page.locator("#tab-survey").focus();
await page.keyboard.press("ArrowRight");
await updated();
if ((await page.locator("#tab-contact").getAttribute("aria-selected")) !== "true") fail("arrow keys do not move between lessons");

await context.close();
if (failures.length) {
  console.error(`${failures.length} failure(s)`);
  process.exit(1);
}
console.log("browser test passed");
