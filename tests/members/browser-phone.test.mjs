// Every page an officer and a member use, at 390 px (a common phone),
// with JavaScript and without: a screenshot of each (looked at by people,
// kept in build/test-output/browser/phone-*.png), nothing wider than the
// screen, every list row and button at least 44 px high, the current
// menu entry visible, and axe-core finding nothing serious or critical.
import { axe, browser, check, shot, signIn, startServer, watch } from "../browser/lib.mjs";

const srv = await startServer({ demo: true });
const b = await browser();
const W = 390;
let failed = false;

// the pages of each person, by path ({person} and {application} filled)
const pages = {
  "aktau@example.org": ["/", "/members", "/members/{person}", "/members/new",
    "/members/import", "/members/export", "/applications", "/unions", "/branches",
    "/account", "/account/tokens"],
  "admin@example.org": ["/", "/admin/users", "/admin/users/new", "/audit",
    "/admin/outbox", "/members/reviews", "/admin/tokens"],
  "member@example.org": ["/", "/me"],
};

async function sweep(opts, js, problems) {
  for (const [who, paths] of Object.entries(pages)) {
    const ctx = await b.newContext(opts); // each person signed in alone
    const page = await ctx.newPage();
    const seen = watch(page, who);
    await signIn(page, srv.base, who);
    let person = null;
    for (const raw of paths) {
      if (raw.includes("{person}") && !person) {
        await page.goto(srv.base + "/members");
        const href = await page.locator("table.stack tbody a.row").first().getAttribute("href");
        person = href.split("/").pop();
      }
      const path = raw.replace("{person}", person);
      const res = await page.goto(srv.base + path);
      check(res.status() < 400, `${who} ${path}: ${res.status()}`);
      const label = `${who.split("@")[0]} ${path}${js ? "" : " (no JS)"}`;
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      if (width > W) problems.push(`${label}: ${width} px wide on a ${W} px screen`);
      // tap targets: rows of link lists, buttons, the main menu's links
      const small = await page.evaluate(() => [...document.querySelectorAll(
        "ul.rows a, main button:not(.link), nav.main a, table.rows tbody tr")]
        .filter((e) => e.offsetParent !== null && e.getBoundingClientRect().height < 43.5)
        .map((e) => (e.textContent || "").trim().slice(0, 30)));
      if (small.length) problems.push(`${label}: under 44 px: ${small.join(" | ")}`);
      const name = `phone-${js ? "js" : "nojs"}-${who.split("@")[0]}${path.replace(/[/{}]+/g, "-")}`;
      await shot(page, name.replace(/-+$/, ""));
      if (js) problems.push(...(await axe(page, label)));
    }
    if (who.startsWith("aktau")) {
      // an import's preview (Russian headers, a day-first date)
      await page.goto(srv.base + "/members/import");
      await page.setInputFiles("#file", { name: "branch.csv", mimeType: "text/csv",
        buffer: Buffer.from("ФИО,Телефон,Филиал,Дата вступления\n" +
          "Phone Sweep Person,+7 701 555 00 11,Aktau,05.03.2024\n") });
      await Promise.all([page.waitForNavigation(), page.click("form[action^='/members/import?'] button[type=submit]")]);
      const label = `aktau import preview${js ? "" : " (no JS)"}`;
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      if (width > W) problems.push(`${label}: ${width} px wide on a ${W} px screen`);
      check((await page.content()).includes("Phone Sweep Person"), label + ": the row is previewed");
      await shot(page, `phone-${js ? "js" : "nojs"}-aktau-import-preview`);
      if (js) problems.push(...(await axe(page, label)));
    }
    problems.push(...seen);
    await ctx.close();
  }
}

try {
  const problems = [];
  await sweep({ viewport: { width: W, height: 844 }, isMobile: true, hasTouch: true,
    bypassCSP: true }, true, problems);
  await sweep({ viewport: { width: W, height: 844 }, isMobile: true,
    javaScriptEnabled: false }, false, problems);
  check(problems.length === 0, "\n" + problems.join("\n"));
  console.log("browser: phone sweep passed");
} catch (e) {
  failed = true;
  console.error(e);
} finally {
  await b.close();
  await srv.stop();
}
process.exit(failed ? 1 : 0);
