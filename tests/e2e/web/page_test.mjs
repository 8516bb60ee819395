// page_test.mjs - drives carid's search page in Debian's chromium with
// playwright-core, as a newsroom reader would: log in, type a query (the
// suggestions come), see highlighted hits, filter by source, open an
// article, see a story's copies, on a phone-sized screen; prints one JSON object of findings.
//   node page_test.mjs BASE_URL PASSWORD SCREENSHOT (and SCREENSHOT-article.png)
import { createRequire } from "node:module";

const require = createRequire(process.env.CARID_NODE_MODULES + "/");
const { chromium } = require("playwright-core");
const [base, password, shot] = process.argv.slice(2);
const out = { errors: [], foreign: [] };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu"],
});
try {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
  // The API's 401 before the password is given is expected; chromium
  // logs it as a failed resource.
  page.on("console", (m) => {
    if (m.type() === "error" && !/status of 401/.test(m.text())) out.errors.push(m.text());
  });
  page.on("pageerror", (e) => out.errors.push(String(e)));
  page.on("request", (r) => { if (!r.url().startsWith(base)) out.foreign.push(r.url()); });
  await page.goto(base + "/");
  out.lang = await page.getAttribute("html", "lang");
  out.button = (await page.textContent("#search button")).trim();
  // Typing: the API answers 401 until the password is given.
  await page.type("#q", "har", { delay: 50 });
  await page.waitForSelector("#login:not([hidden])", { timeout: 5000 });
  await page.fill("#password", password);
  await page.click("#login button");
  await page.fill("#q", "");
  await page.type("#q", "har", { delay: 50 });
  await page.waitForFunction(() => document.querySelectorAll("#suggestions option").length > 0,
                             null, { timeout: 5000 });
  out.suggestions = await page.$$eval("#suggestions option", (o) => o.map((x) => x.value));
  await page.fill("#q", "harga");
  await page.press("#q", "Enter");
  await page.waitForSelector("#hits li", { timeout: 5000 });
  out.status = await page.textContent("#status");
  out.hits = await page.$$eval("#hits li h3", (h) => h.map((x) => x.textContent));
  out.marks = await page.$$eval("#hits mark", (m) => m.map((x) => x.textContent));
  out.tagsFromArticles = await page.$$eval("#hits b", (b) => b.length);
  out.snippets = await page.$$eval("#hits .snippet", (p) => p.map((x) => x.textContent));
  out.counts = await page.$$eval("#counts a", (a) => a.map((x) => x.dataset.source));
  out.pagesShown = await page.isVisible("#pages");
  await page.screenshot({ path: shot, fullPage: true });
  // Filter by a source from the counts.
  await page.click('#counts a[data-source="kompas"]');
  await page.waitForFunction(() => location.hash.includes("source=kompas") &&
      [...document.querySelectorAll("#hits .meta")].every((m) => m.textContent.startsWith("kompas")),
      null, { timeout: 5000 });
  out.filtered = await page.$$eval("#hits .meta", (m) => m.map((x) => x.textContent));
  out.sourceSelect = await page.inputValue("#source");
  // Open the first hit.
  const title = await page.textContent("#hits li h3 a");
  await page.click("#hits li h3 a");
  await page.waitForSelector("#article:not([hidden])", { timeout: 5000 });
  await page.waitForFunction(() => !/^Memuat/.test(document.querySelector("#a-title").textContent),
                             null, { timeout: 5000 });
  out.articleTitle = await page.textContent("#a-title");
  out.clickedTitle = title;
  out.articleBody = await page.textContent("#a-body");
  out.fitsPhone = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  out.pagesInArticle = await page.isVisible("#pages");
  await page.screenshot({ path: shot.replace(/\.png$/, "-article.png"), fullPage: true });
  // Back to the results, then page 2 of a query with more than 10 hits.
  await page.click("#back");
  await page.waitForSelector("#hits li", { timeout: 5000 });
  await page.selectOption("#source", "");
  await page.fill("#q", "gempa");
  await page.press("#q", "Enter");
  await page.waitForSelector("#pages:not([hidden])", { timeout: 5000 });
  out.page1 = await page.textContent("#page");
  await page.click("#next");
  await page.waitForFunction(() => location.hash.includes("offset=10"), null, { timeout: 5000 });
  await page.waitForFunction(() => /Halaman 2/.test(document.querySelector("#page").textContent),
                             null, { timeout: 5000 });
  out.page2 = await page.textContent("#page");
  out.page2Hits = await page.$$eval("#hits li", (l) => l.length);
  // One story once: two outlets' copies are one hit with "2 salinan";
  // the button lists the other copy, which opens as an article.
  await page.fill("#q", "rob");
  await page.check("#collapse");
  await page.waitForSelector("#hits .copies button", { timeout: 5000 });
  out.collapsedHits = await page.$$eval("#hits li h3", (h) => h.map((x) => x.textContent));
  out.copiesButton = await page.textContent("#hits .copies button");
  out.collapseInHash = await page.evaluate(() => location.hash.includes("collapse=1"));
  await page.click("#hits .copies button");
  await page.waitForFunction(() => document.querySelector(".copy .meta"), null, { timeout: 5000 });
  out.copies = await page.$$eval(".copy a", (a) => a.map((x) => x.textContent));
  await page.screenshot({ path: shot.replace(/\.png$/, "-copies.png"), fullPage: true });
  await page.click(".copy a");
  await page.waitForFunction((t) => document.querySelector("#a-title").textContent === t,
                             out.copies[0], { timeout: 5000 }).catch(() => {});
  out.copyArticle = await page.textContent("#a-title");
  // A slow answer to an earlier query must not replace the page of the
  // last one: harga's search is held 1.5 s, gempa asked meanwhile.
  await page.uncheck("#collapse");
  const slow = /\/search\?q=harga&/;
  await page.route(slow, async (r) => { await new Promise((f) => setTimeout(f, 1500)); await r.continue(); });
  await page.fill("#q", "harga");
  await page.press("#q", "Enter");
  await page.waitForTimeout(100);
  await page.fill("#q", "gempa");
  await page.press("#q", "Enter");
  await page.waitForTimeout(2500);
  out.afterSlow = await page.textContent("#page");
  out.afterSlowStatus = await page.textContent("#status");
  await page.unroute(slow);
} catch (e) {
  out.failure = String(e);
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
